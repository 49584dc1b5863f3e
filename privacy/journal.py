"""The journal: what a restored backup must not undo, also written outside the database.

A backup restored after some inquiries were destroyed, blocked or corrected brings back
the state it was taken in. The journal, kept beside the backups (DESTRUCTION_JOURNAL),
lets `restore_database` make it true again: it holds one JSON line per event, and never
personal data:

- "destruction": a destruction record (purge cutoffs; for erasures, the keyed hash of the
  number and the moment, so that only inquiries received before it are destroyed again);
- "block" / "unblock": the keyed hash of the number and the moment;
- "correction": the inquiry's reference and the moment, no values: the restore lists
  them for a privacy officer to redo.

Lines written before events had a kind are destructions. A write that fails is logged and
remembered (JobRun), and the admin warns staff until a later write succeeds.
"""

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from privacy.models import JobRun

logger = logging.getLogger(__name__)

JOURNAL_JOB = "destruction_journal"
DESTRUCTION, BLOCK, UNBLOCK, CORRECTION = "destruction", "block", "unblock", "correction"


class JournalUnreadable(Exception):
    """The journal is missing or cannot be read: a restore would bring back erased data."""


def journal_path():
    return Path(settings.DESTRUCTION_JOURNAL)


def _open_for_append(path):
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a")


def journal_write(entry):
    """Append one event; False (logged, and shown to staff) if the file cannot be written."""
    try:
        with _open_for_append(journal_path()) as journal:
            journal.write(json.dumps(entry) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
    except OSError as error:
        logger.error(
            "A %s was not written to the journal (%s).", entry["kind"], type(error).__name__
        )
        JobRun.record_failure(JOURNAL_JOB)
        return False
    JobRun.record_success(JOURNAL_JOB)
    return True


def journal_ensure():
    """Create the journal, empty, if it does not exist yet: a backup always has one beside it."""
    with _open_for_append(journal_path()):
        pass


def journal_append(record):
    """Journal a destruction record."""
    return journal_write(
        {
            "kind": DESTRUCTION,
            "uuid": str(record.uuid),
            "destroyed_at": record.destroyed_at.isoformat(),
            "basis": record.basis,
            "actor": record.actor,
            "cutoff": record.cutoff.isoformat() if record.cutoff else None,
            "phone_hash": record.phone_hash,
        }
    )


def journal_blocking(*, blocked, phone_hash, actor, at=None):
    """Journal that the inquiries of a number were blocked (or unblocked) at `at`."""
    return journal_write(
        {
            "kind": BLOCK if blocked else UNBLOCK,
            "at": (at or timezone.now()).isoformat(),
            "phone_hash": phone_hash,
            "actor": actor,
        }
    )


def journal_correction(*, reference, actor, at=None):
    """Journal that an inquiry's personal data were corrected (which one and when, no values)."""
    return journal_write(
        {
            "kind": CORRECTION,
            "at": (at or timezone.now()).isoformat(),
            "reference": reference,
            "actor": actor,
        }
    )


def journal_entries(path=None):
    """Every event of the journal, oldest first; JournalUnreadable if it is missing or broken."""
    path = Path(path) if path else journal_path()
    try:
        with path.open(encoding="utf-8") as journal:
            entries = [json.loads(line) for line in journal if line.strip()]
    except FileNotFoundError as error:
        raise JournalUnreadable(f"the journal {path} does not exist") from error
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise JournalUnreadable(f"the journal {path} cannot be read ({error})") from error
    for entry in entries:
        entry.setdefault("kind", DESTRUCTION)
    return entries
