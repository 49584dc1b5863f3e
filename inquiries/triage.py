"""The triage list's queryset and paginator: fast on a table of millions of inquiries."""

import datetime
import re

from django.core.paginator import Paginator
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.functional import cached_property

from inquiries.models import REFERENCE_PATTERN, InquiryQuerySet, count_capped
from inquiries.phones import phone_search_prefixes

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
    """A reference matches exactly, a phone in any format by prefix on the index; else None."""
    term = term.strip()
    if REFERENCE.match(term.upper()):
        return queryset.filter(reference=term.upper())
    prefixes = phone_search_prefixes(term)
    if not prefixes:
        return None
    condition = Q()
    for prefix in prefixes:
        condition |= Q(phone__startswith=prefix)
    return queryset.filter(condition)
