"""How long the records about staff actions and incidents are kept, counted in years from
the last thing that happened to them, like the anniversaries of the retention purge:
audit events AUDIT_RECORDS_KEEP_YEARS after they were written, incidents
INCIDENTS_KEEP_YEARS after they were closed (open ones are kept). Run daily by
`purge_audit_and_incidents`."""

import datetime

from django.conf import settings

from privacy.models import AuditEvent, Incident
from privacy.retention import retention_cutoff


def _cutoff(now, years):
    return retention_cutoff(now=now, years=years, margin=datetime.timedelta(0))


def expired_audit_events(*, now):
    return AuditEvent.objects.filter(at__lte=_cutoff(now, settings.AUDIT_RECORDS_KEEP_YEARS))


def expired_incidents(*, now):
    return Incident.objects.filter(
        status=Incident.Status.CLOSED,
        closed_at__lte=_cutoff(now, settings.INCIDENTS_KEEP_YEARS),
    )


def records_purge(*, now):
    """Delete both kinds past their retention: (audit events, incidents) deleted."""
    return expired_audit_events(now=now).delete()[0], expired_incidents(now=now).delete()[0]
