"""Delete the inquiries whose retention ends before the next daily run (consent, clause 6),
keeping and counting held and blocked ones; run daily (docs/deploy.md, the crontab)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.locks import job_lock
from privacy.services import PURGE_JOB, expired_inquiries, inquiries_purge, kept_counts


class Command(BaseCommand):
    help = "Delete inquiries past their retention period (daily, from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        with job_lock(PURGE_JOB) as acquired:
            if not acquired:
                self.stdout.write("Another purge is running; this one stops without changes.")
                return
            if dry_run:
                self._report_dry_run(now, verbosity)
                return
            purge = inquiries_purge(now=now)
        if verbosity >= 1:
            self.stdout.write(
                f"Deleted {purge.retention.count} inquiries past their retention; "
                f"kept {purge.retention.held_back} under legal hold and "
                f"{purge.retention.blocked_kept} blocked."
            )
            if purge.processed is not None:
                self.stdout.write(
                    f"Deleted {purge.processed.count} processed inquiries past "
                    f"their processed retention; kept {purge.processed.held_back} under legal "
                    f"hold and {purge.processed.blocked_kept} blocked."
                )
        if not all(d.journaled for d in (purge.retention, purge.processed) if d is not None):
            raise CommandError(
                "The deletions were made, but the destruction journal could not be written "
                "(DESTRUCTION_JOURNAL): a backup restored now would bring them back."
            )

    def _report_dry_run(self, now, verbosity):
        expired, processed, cutoff, processed_cutoff = expired_inquiries(now=now)
        if verbosity < 1:
            return
        held, blocked = kept_counts(expired)
        self.stdout.write(
            f"Dry run: {expired.count() - held - blocked} inquiries received on or before "
            f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M} would be deleted; "
            f"{held} are under legal hold and {blocked} blocked. Nothing was changed."
        )
        if processed is not None:
            held, blocked = kept_counts(processed)
            self.stdout.write(
                f"Dry run: {processed.count() - held - blocked} processed inquiries would be "
                f"deleted early; {held} are under legal hold and {blocked} blocked."
            )
