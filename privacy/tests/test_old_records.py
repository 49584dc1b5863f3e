import io
import json
import os
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy.backups import backup_dir, backups_rotate
from privacy.journal import (
    _open_locked,
    journal_append,
    journal_entries,
    journal_path,
)
from privacy.models import DestructionRecord, JobRun, SubjectRequest
from privacy.old_records import OLD_RECORDS_JOB
from privacy.retention import records_cutoff
from qarat.scheduler import default_jobs
from testkit.privacy import make_request

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def purge(*args):
    out = io.StringIO()
    call_command("purge_old_records", *args, stdout=out)
    return out.getvalue()


def years_ago(years, now=None):
    return records_cutoff(now=now or timezone.now(), years=years)


def destroyed(at, **fields):
    record = DestructionRecord.objects.create(
        basis=DestructionRecord.Basis.RETENTION, actor="retention", destroyed_at=at, **fields
    )
    journal_append(record)
    return record


def closed_request(at, status=SubjectRequest.Status.DONE):
    return make_request(
        SubjectRequest.Kind.INFORMATION, received_at=at - DAY, status=status, closed_at=at
    )


def test_destruction_records_past_their_retention_go_newer_ones_stay(settings):
    assert settings.DESTRUCTION_RECORDS_KEEP_YEARS == 3
    old = destroyed(years_ago(3) - DAY)
    recent = destroyed(years_ago(3) + DAY)
    assert "1 destruction records" in purge()
    assert list(DestructionRecord.objects.all()) == [recent]
    assert not DestructionRecord.objects.filter(pk=old.pk).exists()


def test_a_shorter_setting_deletes_sooner(settings):
    settings.DESTRUCTION_RECORDS_KEEP_YEARS = 1
    settings.SUBJECT_REQUESTS_KEEP_YEARS = 1
    destroyed(years_ago(1) - DAY)
    closed_request(years_ago(1) - DAY)
    purge()
    assert not DestructionRecord.objects.exists()
    assert not SubjectRequest.objects.exists()


def test_closed_requests_go_after_their_retention_open_ones_never(settings):
    assert settings.SUBJECT_REQUESTS_KEEP_YEARS == 3
    old = closed_request(years_ago(3) - DAY)
    refused = closed_request(years_ago(3) - DAY, status=SubjectRequest.Status.REFUSED)
    recent = closed_request(years_ago(3) + DAY)
    forgotten = make_request(SubjectRequest.Kind.DELETION, received_at=years_ago(5))
    output = purge()
    assert "2 closed requests" in output
    remaining = set(SubjectRequest.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, forgotten.pk}
    assert old.pk not in remaining and refused.pk not in remaining


def test_a_request_stays_while_a_destruction_record_of_it_stays(settings):
    settings.SUBJECT_REQUESTS_KEEP_YEARS = 1
    request = closed_request(years_ago(2))
    record = destroyed(years_ago(2), request=request)
    purge()
    assert SubjectRequest.objects.filter(pk=request.pk).exists()
    DestructionRecord.objects.filter(pk=record.pk).update(destroyed_at=years_ago(3) - DAY)
    purge()
    assert not SubjectRequest.objects.exists()
    assert not DestructionRecord.objects.exists()


def test_dry_run_counts_and_changes_nothing():
    destroyed(years_ago(3) - DAY)
    closed_request(years_ago(3) - DAY)
    output = purge("--dry-run")
    assert "1 destruction records, 1 closed requests, 0 audit events" in output
    assert DestructionRecord.objects.count() == 1 and SubjectRequest.objects.count() == 1
    assert len(journal_entries()) == 1


def test_the_job_records_its_run_and_is_scheduled_daily():
    purge("-v", "0")
    assert JobRun.objects.get(name=OLD_RECORDS_JOB).last_success_at is not None
    (job,) = [job for job in default_jobs() if job.command == "purge_old_records"]
    assert job.daily_at is not None


# --- the journal ------------------------------------------------------------------------


def backup_taken(at):
    """A backup file as backup_database names it (its contents do not matter here)."""
    path = backup_dir() / f"qarat-{timezone.localtime(at):%Y%m%d-%H%M%S}.sqlite3"
    path.write_bytes(b"")
    return path


def journal_moments():
    return [entry.get("destroyed_at") or entry.get("at") for entry in journal_entries()]


def test_journal_lines_past_the_retention_go_when_no_backup_is_older(settings):
    old = destroyed(years_ago(3) - DAY)
    recent = destroyed(years_ago(3) + DAY)
    backup_taken(timezone.now())  # today's: newer than both lines
    assert "1 journal lines" in purge()
    assert journal_moments() == [recent.destroyed_at.isoformat()]
    assert old.destroyed_at.isoformat() not in journal_path().read_text()
    assert os.stat(journal_path()).st_mode & 0o777 == 0o600


def test_journal_lines_newer_than_a_kept_backup_stay_whatever_their_age(settings):
    # A backup older than the retention (kept longer by hand): restoring it replays every
    # line after it, so those lines must stay.
    backup = backup_taken(years_ago(3) - 10 * DAY)
    before_backup = destroyed(years_ago(3) - 20 * DAY)
    after_backup = destroyed(years_ago(3) - 5 * DAY)
    purge()
    assert journal_moments() == [after_backup.destroyed_at.isoformat()]
    assert before_backup.destroyed_at.isoformat() not in journal_path().read_text()
    # Once that backup is rotated away, the line goes at the next run.
    backups_rotate(keep_days=7)
    assert not backup.exists()
    purge()
    assert journal_entries() == []


def test_lines_the_rewrite_cannot_read_are_kept():
    destroyed(years_ago(3) - DAY)
    with journal_path().open("a") as journal:
        journal.write('{"kind": "correction", "reference": "Q-0000-0000-0000"}\n')
    purge()
    assert journal_entries() == [
        {"kind": "correction", "reference": "Q-0000-0000-0000"},
    ]


def append_as_journal_write_does(path, entry):
    # journal_write's own path to the file, without its database bookkeeping (JobRun), which
    # another thread could not see inside this test's transaction.
    with _open_locked(path) as journal:
        journal.write(json.dumps(entry) + "\n")


def test_a_line_written_during_the_rewrite_lands_in_the_new_journal():
    destroyed(years_ago(3) - DAY)
    entry = {"kind": "block", "at": timezone.now().isoformat(), "phone_hash": "h", "actor": "x"}
    path = journal_path()
    # This test plays the rewrite: it holds the lock while a writer waits for it.
    journal = _open_locked(path)
    writer = threading.Thread(target=append_as_journal_write_does, args=(path, entry))
    writer.start()
    writer.join(timeout=0.5)
    assert writer.is_alive(), "the writer waits for the lock"
    replacement = path.with_name("replacement")
    replacement.write_text("")
    os.replace(replacement, path)
    journal.close()
    writer.join(timeout=5)
    assert [json.loads(line) for line in path.read_text().splitlines()] == [entry]


def test_privacy_officers_are_warned_until_old_records_are_deleted_and_when_that_stops(
    privacy_officer, operator
):
    page = privacy_officer.get("/admin/").content.decode()
    assert "old-records-warning" in page and "ещё ни разу не запускалось" in page
    # Operators cannot fix cron: no banner on their pages.
    assert "old-records-warning" not in operator.get("/admin/").content.decode()
    purge()
    assert "old-records-warning" not in privacy_officer.get("/admin/").content.decode()
    JobRun.objects.filter(name=OLD_RECORDS_JOB).update(last_success_at=timezone.now() - 2 * DAY)
    page = privacy_officer.get("/admin/inquiries/inquiry/").content.decode()
    assert "old-records-warning" in page
    assert "не выполнялось успешно более двух суток" in page
    label = "удаление старых записей (purge_old_records)"
    assert str(JobRun.objects.get(name=OLD_RECORDS_JOB)) == label
