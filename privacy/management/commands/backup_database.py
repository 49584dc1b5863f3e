"""Back up the database into BACKUP_DIR and delete backups older than BACKUP_KEEP_DAYS; run
daily after the purge (docs/deploy.md). Backups stay in Kazakhstan with the database."""

from django.core.management.base import BaseCommand

from privacy.backups import backup_create, backups_rotate
from privacy.models import JobRun

BACKUP_JOB = "backup_database"


class Command(BaseCommand):
    help = "Write a consistent database backup and rotate old ones (daily, from cron)."

    def handle(self, *args, verbosity=1, **options):
        path = backup_create()
        removed = backups_rotate()
        # Privacy officers are warned when this stops (privacy.job_warnings).
        JobRun.record_success(BACKUP_JOB)
        if verbosity >= 1:
            self.stdout.write(f"Backup written: {path.name}; {removed} old backup(s) deleted.")
