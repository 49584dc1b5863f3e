from django import template

from privacy.blocking import blocked_past_retention_count
from privacy.journal import JOURNAL_JOB
from privacy.models import Incident, JobRun
from privacy.old_records import OLD_RECORDS_JOB
from privacy.reminders import register_links, request_figures
from privacy.services import PURGE_JOB

register = template.Library()


def can_act_on_jobs(user):
    """Superusers and privacy officers: those who can fix cron or the journal, or have it fixed."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm("privacy.view_jobrun"))
    )


@register.inclusion_tag("admin/privacy/job_warning.html", takes_context=True)
def purge_warning(context):
    """Warn those who can act when either daily retention job (the inquiries' purge, the
    other records' purge) has not succeeded for two days (cron has stopped) or never ran,
    and when the journal's last write failed (a restore would undo what it missed).
    Operators cannot fix any of it, so they are not shown it."""
    if not can_act_on_jobs(context["request"].user):
        return {}
    never_ran = JobRun.last_success(PURGE_JOB) is None
    old_records_never_ran = JobRun.last_success(OLD_RECORDS_JOB) is None
    return {
        "never_ran": never_ran,
        "late": not never_ran and JobRun.is_late(PURGE_JOB),
        "old_records_never_ran": old_records_never_ran,
        "old_records_late": not old_records_never_ran and JobRun.is_late(OLD_RECORDS_JOB),
        "journal_failing": JobRun.is_failing(JOURNAL_JOB),
    }


@register.inclusion_tag("admin/privacy/tile.html", takes_context=True)
def privacy_tile(context):
    """The privacy officers' figures on the admin index, each linked to its filtered list."""
    user = context["request"].user
    if not user.has_perm("privacy.view_subjectrequest"):
        return {}
    return {"show": True, "figures": request_figures(), "links": register_links()}


@register.inclusion_tag("admin/privacy/privacy_warnings.html", takes_context=True)
def privacy_warnings(context):
    """For privacy officers: blocked inquiries past their retention and incidents whose
    notification is late, each with a link to the list that shows them."""
    user = context["request"].user
    return {
        "blocked_past_retention": blocked_past_retention_count(user),
        "overdue_incidents": (
            Incident.objects.overdue().count() if user.has_perm("privacy.view_incident") else 0
        ),
    }
