"""Delete the records of staff logins older than STAFF_LOGIN_RECORDS_DAYS (default 90).

django-axes keeps the address and browser of every staff login and failed attempt, with
no end of its own; they are the staff's personal data, kept only as long as they help
look into a break-in. Run daily (README, "Periodic jobs"). Prints counts only;
--dry-run changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.models import JobRun
from staff.retention import expired_login_records, login_records_purge

LOGIN_RECORDS_JOB = "purge_login_records"


class Command(BaseCommand):
    help = "Delete staff login records (addresses, browsers) past their retention (daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        if dry_run:
            counts = {model: qs.count() for model, qs in expired_login_records(now=now).items()}
        else:
            counts = login_records_purge(now=now)
            # Privacy officers are warned when this stops (privacy.job_warnings).
            JobRun.record_success(LOGIN_RECORDS_JOB, now=now)
        if verbosity >= 1:
            figures = ", ".join(f"{count} {model.__name__}" for model, count in counts.items())
            verb = "Dry run: would delete" if dry_run else "Deleted"
            self.stdout.write(
                f"{verb} staff login records older than {settings.STAFF_LOGIN_RECORDS_DAYS} "
                f"days: {figures}."
            )
