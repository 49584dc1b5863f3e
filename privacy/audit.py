"""The audit trail: every action staff take on inquiries leaves one AuditEvent.

An event names the action, the staff member, the moment, how many inquiries and their
references (random receipts, not who sent them), and for list pages whether a search or a
filter was used: never a name, a number, a message or the text searched for. Opening one
inquiry stays an InquiryView (it goes into that person's copy and with the inquiry).
Django's admin log is kept as it is; it goes with the inquiries it names.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from inquiries.models import Inquiry
from privacy.models import AuditEvent

Kind = AuditEvent.Kind
# The fields a correction changes (the person's own data); the others are processing.
PERSONAL_FIELDS = ("name", "phone", "message")


def audit_record(
    user, kind, *, references=(), count=None, detail="", searched=False, filtered=False
):
    """Write one event; `references` are the inquiries it touched (count: their number)."""
    references = list(references)
    return AuditEvent.objects.create(
        actor=user.get_username(),
        kind=kind,
        count=len(references) if count is None else count,
        references=" ".join(references),
        detail=str(detail)[:300],
        searched=searched,
        filtered=filtered,
    )


def audited_change(user, queryset, kind, change, *, detail=""):
    """Run `change(rows)` on the unblocked inquiries of `queryset` (it returns how many it
    changed) and record one event naming them; returns the count."""
    with transaction.atomic():
        rows = dict(queryset.not_blocked().select_for_update().values_list("pk", "reference"))
        count = change(Inquiry.objects.filter(pk__in=list(rows)))
        audit_record(user, kind, references=sorted(rows.values()), count=count, detail=detail)
    return count


def audit_change_page(user, inquiry, changed_fields):
    """The events of one save of an inquiry's page: correction, hold, status or note."""
    changed = set(changed_fields)
    references = [inquiry.reference]
    if changed & set(PERSONAL_FIELDS):
        fields = ", ".join(sorted(changed & set(PERSONAL_FIELDS)))
        audit_record(user, Kind.CORRECTION, references=references, detail=fields)
    if "legal_hold_reason" in changed:
        if inquiry.legal_hold_reason:
            detail = inquiry.legal_hold_reason
            audit_record(user, Kind.HOLD_SET, references=references, detail=detail)
        else:
            audit_record(user, Kind.HOLD_LIFTED, references=references)
    if changed & {"status", "note"}:
        detail = ", ".join(sorted(changed & {"status", "note"}))
        audit_record(user, Kind.CHANGE, references=references, detail=detail)


def audit_list_view(request, response):
    """Record a list or search page once it is rendered: how many rows it showed."""
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if request.method != "GET" or response.status_code != 200 or changelist is None:
        return response

    def record(rendered):
        audit_record(
            request.user,
            Kind.LIST_VIEW,
            count=len(changelist.result_list),
            searched=bool(changelist.query),
            filtered=bool(changelist.get_filters_params()),
        )
        return rendered

    response.add_post_render_callback(record)
    return response


def hold_history(inquiry):
    """Who set and lifted the legal holds of an inquiry and when, newest first (HTML)."""
    events = AuditEvent.objects.filter(
        kind__in=[Kind.HOLD_SET, Kind.HOLD_LIFTED], references__contains=inquiry.reference
    ).order_by("-at")
    if not events:
        return _("none")
    lines = format_html_join(
        "",
        "<li>{}: {} — {}{}</li>",
        (
            (
                timezone.localtime(event.at).strftime("%d.%m.%Y %H:%M"),
                event.get_kind_display(),
                event.actor,
                f" ({event.detail})" if event.detail else "",
            )
            for event in events
        ),
    )
    return format_html('<ul class="hold-history">{}</ul>', lines)
