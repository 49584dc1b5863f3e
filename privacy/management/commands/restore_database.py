"""Restore a backup, then replay the journal so that nothing destroyed, blocked or corrected
since comes back (docs/deploy.md, "Backups and restore"). Refused without the journal."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.backups import RestoreRefused, backup_restore, backup_taken_at
from privacy.journal import JournalUnreadable, journal_entries
from privacy.services import destructions_reapply


class Command(BaseCommand):
    help = "Restore a database backup and re-apply the deletions and blocks made since."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file written by backup_database.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current contents are replaced."
        )
        parser.add_argument(
            "--journal", help="The journal to replay (default: DESTRUCTION_JOURNAL)."
        )
        parser.add_argument(
            "--without-journal",
            action="store_true",
            help="Restore without a journal, accepting that data erased, blocked or "
            "corrected since the backup come back as they were in it.",
        )

    def handle(self, *args, backup, yes=False, journal=None, without_journal=False, **options):
        if not yes:
            raise CommandError("This replaces the whole database. Add --yes to go ahead.")
        entries = []
        if not without_journal:
            try:
                entries = journal_entries(journal)
            except JournalUnreadable as error:
                raise CommandError(
                    f"Restore refused, nothing was changed: {error}. Without the journal, "
                    "inquiries erased or blocked since the backup would come back. Find the "
                    "journal (it is kept beside the backups) and pass it with --journal, or "
                    "add --without-journal to restore anyway."
                ) from error
        try:
            backup_restore(backup)
        except RestoreRefused as error:
            raise CommandError(f"Restore refused, nothing was changed: {error}.") from error
        result = destructions_reapply(entries=entries, taken_at=backup_taken_at(backup))
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Restored {backup}; replayed {result.entries} journal entries: "
                f"{result.destroyed} inquiries destroyed again, {result.blocked} blocked "
                f"again, {result.unblocked} unblocked again."
            )
            if without_journal:
                self.stdout.write("No journal was replayed (--without-journal).")
        for reference, at, actor in result.corrections:
            self.stdout.write(
                f"Correction to redo: {reference}, corrected "
                f"{timezone.localtime(at):%Y-%m-%d %H:%M} by {actor}."
            )
