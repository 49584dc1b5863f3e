"""How long the records other than inquiries are kept (none holds personal data, none is
kept for ever): requests, destruction records and journal lines, audit events, incidents.
A journal line stays while a kept backup is older than it: a restore replays it."""

from dataclasses import dataclass

from django.conf import settings

from privacy.backups import backup_taken_at
from privacy.journal import journal_prune
from privacy.models import AuditEvent, DestructionRecord, Incident, JobRun, SubjectRequest
from privacy.retention import records_cutoff

OLD_RECORDS_JOB = "purge_old_records"


@dataclass
class OldRecords:
    destruction_records: int
    requests: int
    journal_lines: int
    audit_events: int
    incidents: int


def expired_destruction_records(*, now):
    cutoff = records_cutoff(now=now, years=settings.DESTRUCTION_RECORDS_KEEP_YEARS)
    return DestructionRecord.objects.filter(destroyed_at__lte=cutoff)


def expired_requests(*, now):
    """Closed requests past their retention that no kept destruction record points at."""
    cutoff = records_cutoff(now=now, years=settings.SUBJECT_REQUESTS_KEEP_YEARS)
    return (
        SubjectRequest.objects.exclude(status=SubjectRequest.Status.OPEN)
        .filter(closed_at__lte=cutoff)
        .exclude(
            destructions__destroyed_at__gt=records_cutoff(
                now=now, years=settings.DESTRUCTION_RECORDS_KEEP_YEARS
            )
        )
    )


def expired_audit_events(*, now):
    cutoff = records_cutoff(now=now, years=settings.AUDIT_RECORDS_KEEP_YEARS)
    return AuditEvent.objects.filter(at__lte=cutoff)


def expired_incidents(*, now):
    """Closed incidents past their retention; open ones are kept."""
    cutoff = records_cutoff(now=now, years=settings.INCIDENTS_KEEP_YEARS)
    return Incident.objects.filter(status=Incident.Status.CLOSED, closed_at__lte=cutoff)


def journal_cutoff(*, now):
    """Journal lines before this moment may go: past their retention, older than every backup."""
    cutoff = records_cutoff(now=now, years=settings.DESTRUCTION_RECORDS_KEEP_YEARS)
    directory = settings.BACKUP_DIR
    taken = [backup_taken_at(path) for path in directory.iterdir()] if directory.is_dir() else []
    return min([cutoff, *(moment for moment in taken if moment is not None)])


def old_records_purge(*, now):
    """Delete every record of these kinds past its retention."""
    destruction_records = expired_destruction_records(now=now).delete()[1]
    requests = expired_requests(now=now).delete()[1]
    lines = journal_prune(before=journal_cutoff(now=now))
    JobRun.record_success(OLD_RECORDS_JOB, now=now)
    return OldRecords(
        destruction_records=destruction_records.get(DestructionRecord._meta.label, 0),
        requests=requests.get(SubjectRequest._meta.label, 0),
        journal_lines=lines,
        audit_events=expired_audit_events(now=now).delete()[0],
        incidents=expired_incidents(now=now).delete()[0],
    )
