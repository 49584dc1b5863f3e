"""Blocking in the back office (Law No. 94-V, Art. 1: no change, use or destruction while
blocked): bulk actions leave blocked inquiries out and say so, and privacy officers are
shown blocked inquiries whose retention has ended, so that they resolve them."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inquiries.models import count_capped
from privacy.services import blocked_past_retention

SEE_BLOCKED = "inquiries.see_blocked_inquiry"


def without_blocked(request, queryset):
    """`queryset` without its blocked inquiries; a warning says how many were left out."""
    skipped = queryset.blocked().count()
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d blocked inquiry was left unchanged: blocked inquiries cannot be "
                "changed until they are unblocked.",
                "%(count)d blocked inquiries were left unchanged: blocked inquiries cannot be "
                "changed until they are unblocked.",
                skipped,
            )
            % {"count": skipped},
        )
    return queryset.not_blocked()


def blocked_page_notice(request, response):
    """On a blocked inquiry's page: why there is nothing to change."""
    inquiry = (getattr(response, "context_data", None) or {}).get("original")
    if request.method == "GET" and inquiry is not None and inquiry.blocked_at is not None:
        messages.warning(
            request,
            _(
                "This inquiry is blocked: nobody may change it, and it is not deleted, "
                "until it is unblocked."
            ),
        )
    return response


def blocked_past_retention_count(user):
    """For privacy officers: how many blocked inquiries are past their retention; else None."""
    if not user.has_perm(SEE_BLOCKED):
        return None
    return count_capped(blocked_past_retention(now=timezone.now()))


class BlockedPastRetentionFilter(admin.SimpleListFilter):
    """Privacy officers' filter of the inquiry list: blocked and past their retention."""

    title = _("blocked past retention")
    parameter_name = "blocked_past_retention"

    def lookups(self, request, model_admin):
        return [("yes", _("Blocked past their retention date"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=blocked_past_retention(now=timezone.now()).values("pk"))
        return queryset


def blocking_list_filters(request):
    """The list filters blocking adds for those who see blocked inquiries."""
    return [BlockedPastRetentionFilter] if request.user.has_perm(SEE_BLOCKED) else []


def blocked_kept_text(count):
    return ngettext(
        "%(count)d blocked inquiry was kept: blocked inquiries are not destroyed while "
        "blocked. Unblock it first if the erasure is to include it.",
        "%(count)d blocked inquiries were kept: blocked inquiries are not destroyed while "
        "blocked. Unblock them first if the erasure is to include them.",
        count,
    ) % {"count": count}
