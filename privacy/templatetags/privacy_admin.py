from django import template

from privacy.blocking import blocked_past_retention_count
from privacy.journal import JOURNAL_JOB
from privacy.models import Incident, JobRun
from privacy.services import PURGE_JOB

register = template.Library()


@register.inclusion_tag("admin/privacy/job_warning.html", takes_context=True)
def purge_warning(context):
    """Warn staff when the daily purge has not succeeded for two days (cron has stopped),
    and when the journal's last write failed (a restore would undo what it missed)."""
    if not context["request"].user.is_staff:
        return {}
    return {"late": JobRun.is_late(PURGE_JOB), "journal_failing": JobRun.is_failing(JOURNAL_JOB)}


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
