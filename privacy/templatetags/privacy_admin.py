from django import template

from privacy.journal import JOURNAL_JOB
from privacy.models import JobRun
from privacy.services import PURGE_JOB

register = template.Library()


@register.inclusion_tag("admin/privacy/job_warning.html", takes_context=True)
def purge_warning(context):
    """Warn staff when the daily purge has not succeeded for two days (cron has stopped),
    and when the journal's last write failed (a restore would undo what it missed)."""
    if not context["request"].user.is_staff:
        return {}
    return {"late": JobRun.is_late(PURGE_JOB), "journal_failing": JobRun.is_failing(JOURNAL_JOB)}
