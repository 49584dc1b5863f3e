"""Delete audit events older than AUDIT_RECORDS_KEEP_YEARS and incidents closed more than
INCIDENTS_KEEP_YEARS ago (default 3 each).

Run daily (README, "Periodic jobs"; the scheduler runs it at 03:40). Prints counts only;
--dry-run changes nothing. Its last success is recorded like the purge's (JobRun).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.models import JobRun
from privacy.record_retention import expired_audit_events, expired_incidents, records_purge

JOB = "purge_audit_and_incidents"


class Command(BaseCommand):
    help = "Delete audit events and closed incidents past their retention (daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        if dry_run:
            events = expired_audit_events(now=now).count()
            incidents = expired_incidents(now=now).count()
        else:
            events, incidents = records_purge(now=now)
            JobRun.record_success(JOB, now=now)
        if verbosity >= 1:
            verb = "Dry run: would delete" if dry_run else "Deleted"
            self.stdout.write(
                f"{verb} {events} audit events and {incidents} closed incidents "
                "past their retention."
            )
