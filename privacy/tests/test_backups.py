"""Backups, and restoring one without bringing back what was deleted since."""

import datetime
import json
import os
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from inquiries.models import Inquiry
from privacy.backups import backup_dir, backups_rotate, major_version
from privacy.hashing import phone_hash
from privacy.journal import journal_entries
from privacy.models import DestructionRecord
from privacy.services import inquiries_destroy
from testkit.inquiries import CANARY_NAME, CANARY_PHONE, make_inquiry

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_destruction_is_journaled_without_personal_data(settings):
    make_inquiry()
    inquiries_destroy(
        queryset=Inquiry.objects.of_phone(CANARY_PHONE),
        basis=DestructionRecord.Basis.DELETION,
        actor="officer",
        phone_hash=phone_hash(CANARY_PHONE),
    )
    [entry] = journal_entries()
    record = DestructionRecord.objects.get()
    assert entry["uuid"] == str(record.uuid)
    assert entry["phone_hash"] == phone_hash(CANARY_PHONE)
    text = Path(settings.DESTRUCTION_JOURNAL).read_text()
    assert CANARY_PHONE not in text and CANARY_PHONE[2:] not in text and CANARY_NAME not in text
    assert stat.S_IMODE(os.stat(settings.DESTRUCTION_JOURNAL).st_mode) == 0o600


@pytest.mark.django_db
def test_an_unwritable_journal_is_reported_but_the_deletion_still_happens(settings, caplog):
    settings.DESTRUCTION_JOURNAL = "/proc/no-such-place/destructions.jsonl"
    make_inquiry()
    result = inquiries_destroy(
        queryset=Inquiry.objects.all(), basis=DestructionRecord.Basis.RETENTION, actor="retention"
    )
    assert result.count == 1 and result.journaled is False
    assert "not written to the journal" in caplog.text


def test_old_backups_are_rotated_away(settings):
    directory = backup_dir()
    now = timezone.make_aware(datetime.datetime(2026, 11, 25, 4, 0))
    names = {
        "qarat-20261125-034500.dump": True,
        "qarat-20261118-040001.dump": True,  # 6 days 23:59 old
        "qarat-20261118-035959.sqlite3": False,  # just over 7 days
        "qarat-20260101-000000.dump": False,
        "notes.txt": True,  # not ours: left alone
    }
    for name in names:
        (directory / name).write_text("x")
    assert backups_rotate(now=now, keep_days=7) == 2
    assert {path.name for path in directory.iterdir()} == {n for n, kept in names.items() if kept}
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


# --- The whole story on a database of its own (PostgreSQL in CI's second run) -----------


def attempt(env, *args):
    """manage.py with these arguments, its exit status and output kept (no exception)."""
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )


def manage(env, *args, code=None):
    """manage.py's output; CalledProcessError if it fails."""
    if code is not None:
        args = (*args, "--no-imports", "-c", code)
    result = attempt(env, *args)
    result.check_returncode()
    return result.stdout


@pytest.fixture
def own_database(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    drop = None
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server, name = url.rsplit("/", 1)[0], f"qarat_backup_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        database_url = f"{server}/{name}"

        def drop():
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        database_url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DESTRUCTION_JOURNAL": str(tmp_path / "backups" / "destructions.jsonl"),
    }
    manage(env, "migrate", "--noinput")
    yield env, tmp_path / "backups"
    if drop:
        drop()


SEED = """
import datetime, uuid
from django.utils import timezone
from consent.models import ConsentVersion
from inquiries.models import Inquiry
v = ConsentVersion.objects.get(number=1)
def add(name, phone, age_days):
    i = Inquiry.objects.create(name=name, phone=phone, consent_version=v,
        consent_language="ru", consent_sha256=v.sha256_ru, submission_token=uuid.uuid4())
    Inquiry.objects.filter(pk=i.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=age_days))
add("SUBJECT", "+77015551234", 10)
add("SUBJECT", "+77015551234", 20)
add("EXPIRED", "+77020000000", 4 * 365)
add("KEEPER", "+77030000000", 5)
"""

COUNT = """
from inquiries.models import Inquiry
names = ("SUBJECT", "EXPIRED", "KEEPER")
print(",".join(str(Inquiry.objects.filter(name=n).count()) for n in names))
"""

ERASE = """
from inquiries.models import Inquiry
from privacy.hashing import phone_hash
from privacy.models import DestructionRecord
from privacy.services import inquiries_destroy
inquiries_destroy(queryset=Inquiry.objects.of_phone("+77015551234"),
    basis=DestructionRecord.Basis.DELETION, actor="officer",
    phone_hash=phone_hash("+77015551234"))
"""


AFTER_THE_BACKUP = """
from django.contrib.auth.models import User
from inquiries.models import Inquiry
from privacy.journal import journal_correction
from privacy.services import inquiries_block
# The erased subject writes again, with fresh consent: this one must survive the restore.
v = Inquiry.objects.filter(name="KEEPER").get().consent_version
Inquiry.objects.create(name="LATER", phone="+77015551234", consent_version=v,
    consent_language="ru", consent_sha256=v.sha256_ru, submission_token=uuid.uuid4())
officer = User.objects.create_user("officer")
inquiries_block(phone="+77030000000", user=officer)
keeper = Inquiry.objects.get(name="KEEPER")
journal_correction(reference=keeper.reference, actor="officer")
print(keeper.reference)
"""

STATE = """
from inquiries.models import Inquiry
names = ("SUBJECT", "EXPIRED", "KEEPER", "LATER")
print(",".join(str(Inquiry.objects.filter(name=n).count()) for n in names),
      Inquiry.objects.filter(blocked_at__isnull=False).values_list("name", flat=True).first())
"""


def test_restoring_a_backup_never_brings_back_deleted_data(own_database):
    env, backups = own_database
    manage(env, "shell", code=SEED)
    assert manage(env, "shell", code=COUNT).split()[-1] == "2,1,1"

    output = manage(env, "backup_database")
    [backup] = [p for p in backups.iterdir() if p.name.startswith("qarat-")]
    assert backup.name in output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    # Every backup has a journal beside it, even before anything was ever destroyed.
    assert (backups / "destructions.jsonl").read_text() == ""

    # After the backup: the subject is erased, the purge runs, the subject writes again,
    # another number is blocked and a third inquiry corrected.
    manage(env, "shell", code=ERASE)
    manage(env, "purge_expired_inquiries")
    reference = manage(env, "shell", code="import uuid\n" + AFTER_THE_BACKUP).split()[-1]
    assert manage(env, "shell", code=STATE).split()[-2:] == ["0,0,1,1", "KEEPER"]
    journal = [
        json.loads(line) for line in (backups / "destructions.jsonl").read_text().splitlines()
    ]
    assert [entry.get("basis", entry["kind"]) for entry in journal] == [
        "deletion",
        "retention",
        "block",
        "correction",
    ]

    # Restoring brings the backup back, and the journal destroys and blocks again, keeping
    # what the number sent after its erasure; the correction is listed to redo.
    # A second backup holds the later inquiry; taken a second on, so it has its own name.
    time.sleep(1)
    manage(env, "backup_database")
    [later_backup] = [p for p in backups.iterdir() if p.name.startswith("qarat-") and p != backup]

    output = manage(env, "restore_database", str(backup), "--yes")
    assert "3 inquiries destroyed again, 1 blocked again" in output  # the backup did bring them
    assert f"Correction to redo: {reference}" in output
    # LATER came after this backup: restoring it loses LATER, as it loses any later change.
    assert manage(env, "shell", code=STATE).split()[-2:] == ["0,0,1,0", "KEEPER"]

    # The later backup: the erasure's replay leaves alone what the number sent after it.
    output = manage(env, "restore_database", str(later_backup), "--yes")
    assert "0 inquiries destroyed again" in output
    assert manage(env, "shell", code=STATE).split()[-2:] == ["0,0,1,1", "KEEPER"]


def test_a_restore_without_its_journal_is_refused_unless_accepted(own_database):
    env, backups = own_database
    manage(env, "shell", code=SEED)
    manage(env, "backup_database")
    [backup] = [p for p in backups.iterdir() if p.name.startswith("qarat-")]
    manage(env, "shell", code=ERASE)
    (backups / "destructions.jsonl").unlink()

    refused = attempt(env, "restore_database", str(backup), "--yes")
    assert refused.returncode != 0
    assert "Restore refused, nothing was changed" in refused.stderr
    assert "--without-journal" in refused.stderr
    assert manage(env, "shell", code=COUNT).split()[-1] == "0,1,1"  # untouched

    output = manage(env, "restore_database", str(backup), "--yes", "--without-journal")
    assert "No journal was replayed" in output
    # What the administrator accepted: the erased subject is back (the purge still ran).
    assert manage(env, "shell", code=COUNT).split()[-1] == "2,0,1"


def test_a_restore_with_a_pg_restore_newer_than_the_server_is_refused(own_database, tmp_path):
    env, backups = own_database
    manage(env, "shell", code=SEED)
    manage(env, "backup_database")
    [backup] = [p for p in backups.iterdir() if p.name.startswith("qarat-")]
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_restore").write_text(
        "#!/bin/sh\n[ \"$1\" = --version ] && echo 'pg_restore (PostgreSQL) 99.1' && exit 0\n"
        "echo 'this pg_restore must not be run' >&2; exit 3\n"
    )
    (fake / "pg_restore").chmod(0o755)
    env = {**env, "PATH": f"{fake}:{env['PATH']}"}
    manage(env, "shell", code=ERASE)
    result = attempt(env, "restore_database", str(backup), "--yes")
    if env["DATABASE_URL"].startswith("sqlite"):
        # SQLite restores with its own backup API: no client to compare.
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode != 0
    assert "pg_restore is PostgreSQL 99, newer than the server's PostgreSQL" in result.stderr
    assert "must not be run" not in result.stderr
    assert manage(env, "shell", code=COUNT).split()[-1] == "0,1,1"  # untouched


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ("pg_restore (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)", 17),
        ("pg_restore (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)", 15),
        ("pg_restore (PostgreSQL) 9.6.24", 9),
    ],
)
def test_the_client_major_version_is_read_from_its_version_line(text, major):
    assert major_version(text) == major


def test_a_missing_backup_file_is_refused_before_anything_changes(own_database):
    env, _backups = own_database
    result = attempt(
        env, "restore_database", "/nonexistent/qarat.dump", "--yes", "--without-journal"
    )
    assert result.returncode != 0
    assert "there is no backup file /nonexistent/qarat.dump" in result.stderr


def test_restore_asks_for_confirmation(own_database):
    env, _backups = own_database
    result = attempt(env, "restore_database", "nothing.dump")
    assert result.returncode != 0
    assert "--yes" in result.stderr
