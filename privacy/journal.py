"""The journal: what a restored backup must not undo (destructions, blocks, corrections),
written outside the database beside the backups, one JSON line per event, never personal
data. `restore_database` replays it; docs/deploy.md has the procedure."""

import datetime
import fcntl
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


def _open_locked(path):
    """The journal open for appending, under its exclusive lock. A rewrite may have replaced
    the file while this process waited for the lock: then open the new one."""
    while True:
        journal = _open_for_append(path)
        fcntl.flock(journal.fileno(), fcntl.LOCK_EX)
        try:
            current = os.stat(path).st_ino == os.fstat(journal.fileno()).st_ino
        except FileNotFoundError:
            current = False
        if current:
            return journal
        journal.close()


def journal_write(entry):
    """Append one event; False (logged, and shown to staff) if the file cannot be written."""
    try:
        with _open_locked(journal_path()) as journal:
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


def entry_moment(entry):
    """When the event of a journal line happened, or None if the line does not say."""
    text = entry.get("destroyed_at") or entry.get("at")
    try:
        return datetime.datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def journal_prune(*, before):
    """Drop the lines of events before `before` by rewriting the journal; returns how many.

    The new file is written beside the old one and takes its place in one rename, so a
    crash leaves one or the other whole; lines it cannot read are kept as they are.
    """
    path = journal_path()
    if not path.exists():
        return 0
    with _open_locked(path) as journal:
        with path.open(encoding="utf-8") as source:
            lines = [line for line in source if line.strip()]
        kept = []
        for line in lines:
            try:
                moment = entry_moment(json.loads(line))
            except ValueError:
                moment = None
            if moment is None or moment >= before:
                kept.append(line if line.endswith("\n") else line + "\n")
        dropped = len(lines) - len(kept)
        if dropped:
            partial = path.with_name(path.name + ".partial")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as new:
                new.writelines(kept)
                new.flush()
                os.fsync(new.fileno())
            os.replace(partial, path)
        journal.flush()
    return dropped
