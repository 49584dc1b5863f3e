"""The triage list's queryset and paginator: fast on a table of millions of inquiries."""

import datetime
import re

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from inquiries.models import (
    REFERENCE_PATTERN,
    Inquiry,
    InquiryQuerySet,
    count_capped,
    name_search_key,
)
from inquiries.phones import phone_search_prefixes, phone_search_suffix

REFERENCE = re.compile(rf"^{REFERENCE_PATTERN}$")


class CappedCountPaginator(Paginator):
    """Counts a capped number of rows, so a page of a table of millions never counts them all."""

    @cached_property
    def count(self):
        return count_capped(self.object_list)


def periods(first, last, kind):
    """Each year, month or day from `first` to `last` (aware datetimes, local midnight)."""
    day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind in ("year", "month"):
        day = day.replace(day=1)
    if kind == "year":
        day = day.replace(month=1)
    found = []
    while day <= last:
        found.append(day)
        if kind == "day":
            next_date = day.date() + datetime.timedelta(days=1)
            day = timezone.make_aware(datetime.datetime.combine(next_date, datetime.time()))
        elif kind == "month":
            day = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
        else:
            day = day.replace(year=day.year + 1)
    return found


class TriageQuerySet(InquiryQuerySet):
    """The triage list's queryset: date drill-down links from MIN/MAX on the index.

    Django's date hierarchy asks for DISTINCT truncated dates, a scan of every row; with
    inquiries arriving daily, every period between the first and the last holds some.
    """

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        first, last = (timezone.localtime(bounds[key]) for key in ("first", "last"))
        return periods(first, last, kind)


def search_by_reference_or_phone(queryset, term):
    """A reference matches exactly; a phone in any format by prefix on the phone's index,
    and 5 to 7 digits also as the number's end on the reversed number's index; else None."""
    term = term.strip()
    if REFERENCE.match(term.upper()):
        return queryset.filter(reference=term.upper())
    prefixes = phone_search_prefixes(term)
    if not prefixes:
        return None
    condition = Q()
    for prefix in prefixes:
        condition |= Q(phone__startswith=prefix)
    suffix = phone_search_suffix(term)
    if suffix:
        condition |= Q(phone_reversed__startswith=suffix)
    return queryset.filter(condition)


def search_by_name(queryset, term):
    """Every word of the term within the casefolded name (Cyrillic too, on SQLite as well)."""
    for word in name_search_key(term).split():
        queryset = queryset.filter(name_search__contains=word)
    return queryset


# --- the call-back queue -------------------------------------------------------------------

DUE, LATER, PROCESSED, ALL = "due", "later", "processed", "all"
# Parameters that leave the list as it is; any other (a search, a filter) looks at them all.
LIST_ONLY_PARAMETERS = {"o", "p", "e", "_changelist_filters"}


def queue_choice(request):
    """Which part of the queue the list shows: the one chosen, else the inquiries to call now,
    unless a search or another filter asks for something (then all of them)."""
    chosen = request.GET.get(QueueFilter.parameter_name)
    if chosen in (DUE, LATER, PROCESSED, ALL):
        return chosen
    if request.method == "POST" and request.POST.get("select_across", "0") != "1":
        return ALL  # rows ticked one by one are acted on, whichever list showed them
    asked = {key for key, value in request.GET.items() if value} - LIST_ONLY_PARAMETERS
    return ALL if asked else DUE


class QueueFilter(admin.SimpleListFilter):
    """To call now (the default, oldest first), call again later, processed, or all."""

    title = _("call-back queue")
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.chosen = queue_choice(request)

    def lookups(self, request, model_admin):
        return [
            (DUE, _("To call now")),
            (LATER, _("Call again later")),
            (PROCESSED, _("Processed")),
            (ALL, _("All")),
        ]

    def choices(self, changelist):
        for value, title in self.lookup_choices:
            yield {
                "selected": self.chosen == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.chosen == DUE:
            return queryset.due(now)
        if self.chosen == LATER:
            return queryset.call_later(now)
        if self.chosen == PROCESSED:
            return queryset.filter(status=Inquiry.Status.PROCESSED)
        return queryset


class SameNumberFilter(admin.SimpleListFilter):
    """Every inquiry from the number of inquiry N: the address names the inquiry, never the
    number. Shown in the filters only while it is on, to be switched off there."""

    title = _("same number")
    parameter_name = "same_number_as"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value or not value.isdigit():
            return []
        reference = (
            model_admin.get_queryset(request).filter(pk=value).values_list("reference", flat=True)
        )
        return [(value, _("as %(reference)s") % {"reference": reference.first() or "—"})]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        phone = Inquiry.objects.filter(pk=value).values("phone")
        return queryset.filter(phone__in=Subquery(phone[:1]))


def attach_repeat_counts(inquiries, *, visible):
    """Set each inquiry's `repeat_count`: how many other inquiries of its number `visible`
    holds. One query for the page's numbers, on the phone index; never the whole list's."""
    inquiries = list(inquiries)
    phones = {inquiry.phone for inquiry in inquiries}
    counts = dict(
        visible.filter(phone__in=phones)
        .order_by()
        .values("phone")
        .annotate(count=Count("pk"))
        .values_list("phone", "count")
    )
    for inquiry in inquiries:
        inquiry.repeat_count = counts.get(inquiry.phone, 1) - 1
    return inquiries


class QueueChangeList(ChangeList):
    """The triage list; its page of rows knows each number's other inquiries."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = attach_repeat_counts(
            self.result_list, visible=self.model_admin.visible_inquiries(request)
        )
        self._change_urls = {}

    def url_for_result(self, result):
        # Both the reference and the name link to the row: one reverse() per row, not two.
        pk = getattr(result, self.pk_attname)
        if pk not in self._change_urls:
            self._change_urls[pk] = super().url_for_result(result)
        return self._change_urls[pk]
