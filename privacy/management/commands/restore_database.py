"""Restore a backup, then destroy again everything destroyed after it was taken.

Stop the site first (and the scheduler). Then:

    python manage.py restore_database /srv/qarat/backups/qarat-20261125-034500.dump --yes

The destruction journal (DESTRUCTION_JOURNAL, kept beside the backups) is replayed:
purges by their cutoff, erasures by the keyed hash of the number; then the purge runs.
Restoring therefore never brings back personal data that had been deleted.
"""

from django.core.management.base import BaseCommand, CommandError

from privacy.backups import backup_restore
from privacy.journal import journal_entries
from privacy.services import destructions_reapply


class Command(BaseCommand):
    help = "Restore a database backup and re-apply the deletions made since (site stopped)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file written by backup_database.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current contents are replaced."
        )
        parser.add_argument(
            "--journal", help="Destruction journal to replay (default: DESTRUCTION_JOURNAL)."
        )

    def handle(self, *args, backup, yes=False, journal=None, verbosity=1, **options):
        if not yes:
            raise CommandError("This replaces the whole database. Add --yes to go ahead.")
        entries = journal_entries(journal)
        backup_restore(backup)
        result = destructions_reapply(entries=entries)
        if verbosity >= 1:
            self.stdout.write(
                f"Restored {backup}; replayed {result.entries} journal entries, "
                f"{result.destroyed} inquiries destroyed again."
            )
