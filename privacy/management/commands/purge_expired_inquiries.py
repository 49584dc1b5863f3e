"""Delete the inquiries whose retention ends before the next daily run (consent, clause 6).

Run daily by cron:

    15 3 * * *  cd /srv/qarat && .venv/bin/python manage.py purge_expired_inquiries -v 0

No inquiry may exist past its third anniversary (INQUIRY_RETENTION_YEARS, 3 at most):
each run deletes everything that will reach it within PURGE_MARGIN_HOURS (default a day),
so a late cron does not break the promise. Inquiries under legal hold, and blocked ones
(blocking stops destruction until it is lifted), are kept and counted. Each deletion is
written down in a destruction record (counts, cutoff, basis; no personal data). Prints
counts only. --dry-run changes nothing. On PostgreSQL a second run started while one is
going exits at once with a message. If the journal cannot be written the deletion still
happens, and the command exits non-zero so that cron mails it.
"""

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
