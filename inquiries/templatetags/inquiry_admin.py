from django import template

from inquiries.models import WAITING_COUNT_LIMIT, Inquiry

register = template.Library()


@register.inclusion_tag("admin/inquiries/waiting.html", takes_context=True)
def waiting_inquiries(context):
    """How many inquiries wait for a call back: a count, never who they are."""
    user = context["request"].user
    if not user.has_perm("inquiries.view_inquiry"):
        return {"show": False}
    return {
        "show": True,
        "waiting_count": Inquiry.objects.waiting().count_capped(),
        "waiting_limit": WAITING_COUNT_LIMIT,
    }


@register.inclusion_tag("admin/privacy/job_warning.html", takes_context=True)
def purge_warning(context):
    """Warn staff when the daily purge has not succeeded for two days (cron has stopped)."""
    from privacy.models import JobRun
    from privacy.services import PURGE_JOB

    user = context["request"].user
    return {"late": user.is_staff and JobRun.is_late(PURGE_JOB)}
