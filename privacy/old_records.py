"""How long the records about data subjects' rights are kept, and deleting them after.

A closed request proves the answer was given, a destruction record and its journal line
that the data were destroyed; none holds personal data (keyed hashes, counts), but they are
not kept for ever either: SUBJECT_REQUESTS_KEEP_YEARS after closing, and
DESTRUCTION_RECORDS_KEEP_YEARS after the destruction (the policy draft states both).

A request stays while a destruction record that carried it out stays (the record points at
it). A journal line stays while any kept backup is older than it: restore_database replays
the lines after the backup it restores, so only lines older than every backup can go.
"""

from dataclasses import dataclass

from django.conf import settings

from privacy.backups import backup_taken_at
from privacy.journal import journal_prune
from privacy.models import DestructionRecord, JobRun, SubjectRequest
from privacy.retention import records_cutoff

OLD_RECORDS_JOB = "purge_old_records"


@dataclass
class OldRecords:
    destruction_records: int
    requests: int
    journal_lines: int


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


def journal_cutoff(*, now):
    """Journal lines before this moment may go: past their retention, older than every backup."""
    cutoff = records_cutoff(now=now, years=settings.DESTRUCTION_RECORDS_KEEP_YEARS)
    directory = settings.BACKUP_DIR
    taken = [backup_taken_at(path) for path in directory.iterdir()] if directory.is_dir() else []
    return min([cutoff, *(moment for moment in taken if moment is not None)])


def old_records_purge(*, now):
    """Delete the destruction records, closed requests and journal lines past their retention."""
    destruction_records = expired_destruction_records(now=now).delete()[1]
    requests = expired_requests(now=now).delete()[1]
    lines = journal_prune(before=journal_cutoff(now=now))
    JobRun.record_success(OLD_RECORDS_JOB, now=now)
    return OldRecords(
        destruction_records=destruction_records.get(DestructionRecord._meta.label, 0),
        requests=requests.get(SubjectRequest._meta.label, 0),
        journal_lines=lines,
    )
