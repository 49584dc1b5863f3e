"""How long the records of staff logins are kept: the address and browser of each login
and failed attempt (django-axes) are personal data of the staff, kept only a while."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings

# Failed attempts (the lockout counts them), successful logins, and the failure log
# (off unless AXES_ENABLE_ACCESS_FAILURE_LOG): each has an address and a user agent.
LOGIN_RECORDS = (AccessAttempt, AccessLog, AccessFailureLog)


def login_records_cutoff(now):
    """Records made at or before this moment are past STAFF_LOGIN_RECORDS_DAYS."""
    return now - timedelta(days=settings.STAFF_LOGIN_RECORDS_DAYS)


def expired_login_records(*, now):
    """{model: its records past the retention} for each kind of login record."""
    cutoff = login_records_cutoff(now)
    return {model: model.objects.filter(attempt_time__lte=cutoff) for model in LOGIN_RECORDS}


def login_records_purge(*, now):
    """Delete the login records past the retention: {model: how many were deleted}."""
    return {
        model: records.delete()[1].get(model._meta.label, 0)
        for model, records in expired_login_records(now=now).items()
    }
