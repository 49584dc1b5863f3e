from django import template
from django.utils import timezone

from privacy.blocking import blocked_past_retention_count
from privacy.job_warnings import WATCHED_JOBS
from privacy.journal import JOURNAL_JOB
from privacy.models import Incident, JobRun
from privacy.reminders import register_links, request_figures

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
    """Warn those who can act when a daily job that keeps a retention promise (WATCHED_JOBS)
    has not succeeded for two days (cron has stopped) or never ran, and when the journal's
    last write failed (a restore would undo what it missed). Operators cannot fix any of it,
    so they are not shown it."""
    if not can_act_on_jobs(context["request"].user):
        return {}
    # One query for every watched job: this runs on each admin page a privacy officer opens.
    last = JobRun.last_successes([job.name for job in WATCHED_JOBS])
    now = timezone.now()
    warnings = []
    for job in WATCHED_JOBS:
        if last[job.name] is None:
            warnings.append((job.css_class, job.never_ran))
        elif JobRun.late(last[job.name], now=now):
            warnings.append((job.css_class, job.late))
    return {"warnings": warnings, "journal_failing": JobRun.is_failing(JOURNAL_JOB)}


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
