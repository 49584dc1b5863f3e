"""Delete the records other than inquiries past their retention (privacy/old_records.py);
run daily (README, "Periodic jobs"). Prints counts only; --dry-run changes nothing."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.old_records import (
    expired_audit_events,
    expired_destruction_records,
    expired_incidents,
    expired_requests,
    journal_cutoff,
    old_records_purge,
)


class Command(BaseCommand):
    help = (
        "Delete destruction records, closed requests, journal lines, audit events and closed "
        "incidents past their retention."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        if dry_run:
            if verbosity >= 1:
                self.stdout.write(
                    f"Dry run: {expired_destruction_records(now=now).count()} destruction "
                    f"records, {expired_requests(now=now).count()} closed requests, "
                    f"{expired_audit_events(now=now).count()} audit events and "
                    f"{expired_incidents(now=now).count()} closed incidents would be "
                    "deleted, and the journal's lines before "
                    f"{timezone.localtime(journal_cutoff(now=now)):%Y-%m-%d %H:%M}. "
                    "Nothing was changed."
                )
            return
        purged = old_records_purge(now=now)
        if verbosity >= 1:
            self.stdout.write(
                f"Deleted {purged.destruction_records} destruction records, {purged.requests} "
                f"closed requests, {purged.journal_lines} journal lines, {purged.audit_events} "
                f"audit events and {purged.incidents} closed incidents past their retention."
            )
