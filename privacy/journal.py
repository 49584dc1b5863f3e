"""The destruction journal: every destruction, also written outside the database.

A backup restored after some inquiries were destroyed brings them back. The journal, kept
beside the backups (DESTRUCTION_JOURNAL), lets `restore_database` destroy them again: it
holds the purge cutoffs and the keyed hashes of erased numbers, never personal data.
"""

import json
import logging
import os
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def journal_path():
    return Path(settings.DESTRUCTION_JOURNAL)


def journal_append(record):
    """Append one destruction record; False (and an error logged) if the file cannot be written."""
    entry = {
        "uuid": str(record.uuid),
        "destroyed_at": record.destroyed_at.isoformat(),
        "basis": record.basis,
        "actor": record.actor,
        "cutoff": record.cutoff.isoformat() if record.cutoff else None,
        "phone_hash": record.phone_hash,
    }
    path = journal_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as journal:
            journal.write(json.dumps(entry) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
    except OSError as error:
        logger.error(
            "Destruction %s not written to the journal (%s).", record.uuid, type(error).__name__
        )
        return False
    return True


def journal_entries(path=None):
    path = Path(path) if path else journal_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as journal:
        return [json.loads(line) for line in journal if line.strip()]
