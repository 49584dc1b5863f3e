import datetime
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy.models import JobRun
from qarat.scheduler import Job, default_jobs, jobs_due

BASE_DIR = Path(__file__).resolve().parents[2]


def at(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def test_frequent_jobs_run_every_interval():
    job = Job("x", every=datetime.timedelta(minutes=5))
    assert job.is_due(at("2026-11-25 10:00"))
    job.last_run = at("2026-11-25 10:00")
    assert not job.is_due(at("2026-11-25 10:04:59"))
    assert job.is_due(at("2026-11-25 10:05"))


def test_daily_jobs_run_once_a_day_at_or_after_their_time():
    job = Job("x", daily_at=datetime.time(3, 15))
    assert not job.is_due(at("2026-11-25 03:14"))
    assert job.is_due(at("2026-11-25 03:15"))
    job.last_run = at("2026-11-25 03:15")
    assert not job.is_due(at("2026-11-25 23:59"))
    assert not job.is_due(at("2026-11-26 03:14"))
    assert job.is_due(at("2026-11-26 03:16"))


def test_a_scheduler_started_late_catches_up_at_once():
    jobs = default_jobs()
    due = {job.command for job in jobs_due(jobs, at("2026-11-25 11:00"))}
    assert due == {
        "send_pending_notifications",
        "purge_expired_inquiries",
        "purge_old_records",
        "clearsessions",
        "purge_login_records",
        "backup_database",
        "remind_privacy_officers",
    }


@pytest.mark.django_db
def test_one_pass_runs_the_due_jobs_and_survives_a_failing_one(monkeypatch, caplog):
    from qarat.management.commands import run_scheduler

    ran = []

    def fake_call(name, *args):
        ran.append(name)
        if name == "clearsessions":
            raise RuntimeError("session table locked")
        if name == "purge_expired_inquiries":
            call_command(name, *args)

    monkeypatch.setattr(run_scheduler, "call_command", fake_call)
    # Between jobs the loop drops its database connection; the test's transaction needs it.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    # At noon in Almaty every daily job is past its time, whenever the test runs.
    noon = timezone.localtime().replace(hour=12, minute=0)
    monkeypatch.setattr(run_scheduler.timezone, "now", lambda: noon)
    call_command("run_scheduler", "--once")
    assert ran == [
        "send_pending_notifications",
        "purge_expired_inquiries",
        "purge_old_records",
        "clearsessions",
        "purge_login_records",
        "backup_database",
        "remind_privacy_officers",
    ]
    assert JobRun.objects.filter(name="purge_expired_inquiries").exists()
    assert "Job clearsessions failed (RuntimeError)" in caplog.text


# --- the scheduler as the compose service runs it: its own process, its own database ------


def start_scheduler(tmp_path, database):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DESTRUCTION_JOURNAL": str(tmp_path / "backups" / "destructions.jsonl"),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, env


def read_until(process, text, seconds=60):
    """The scheduler's output up to the first line containing `text` (AssertionError if none).

    Reads the pipe's bytes itself: select() cannot see lines already in a file object's buffer.
    """
    pending, seen = getattr(process, "unread", ""), []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        while "\n" in pending:
            line, pending = pending.split("\n", 1)
            seen.append(line + "\n")
            if text in line:
                process.unread = pending
                return "".join(seen)
        if not select.select([process.stdout], [], [], 1)[0]:
            continue
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        pending += chunk.decode()
    raise AssertionError(f"{text!r} not seen; output:\n{''.join(seen)}{pending}")


def test_the_scheduler_runs_no_job_before_migrations_and_stops_on_sigterm(tmp_path):
    database = tmp_path / "site.sqlite3"
    process, env = start_scheduler(tmp_path, database)
    try:
        # A fresh database: nothing migrated yet. The scheduler waits and runs nothing.
        waited = read_until(process, "Scheduler waiting")
        assert "migration(s) are not applied yet" in waited
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        ran = read_until(process, "Scheduler started.")
        assert "Error" not in waited + ran and "Traceback" not in waited + ran
        # The jobs due at this hour run, then it sleeps until the next check.
        time.sleep(2)
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        rest = process.communicate(timeout=10)[0]
        assert process.returncode == 0
        assert time.monotonic() - stopped_at < 5
        assert "Scheduler stopped." in rest and "Traceback" not in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_sigterm_while_waiting_for_the_database_stops_the_scheduler(tmp_path):
    process, _env = start_scheduler(tmp_path, tmp_path / "site.sqlite3")
    try:
        read_until(process, "Scheduler waiting")
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=10)[0]
        assert process.returncode == 0, output
        assert "Scheduler started." not in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.django_db
def test_a_sigterm_during_a_job_lets_it_finish_and_starts_no_other(monkeypatch):
    from qarat.management.commands import run_scheduler

    events = []

    def job(name, *args):
        events.append(f"start {name}")
        if name == "backup":
            os.kill(os.getpid(), signal.SIGTERM)  # docker stop, in the middle of the job
        events.append(f"end {name}")

    every = datetime.timedelta(minutes=5)
    jobs = [Job("notify", every=every), Job("backup", every=every), Job("purge", every=every)]
    monkeypatch.setattr(run_scheduler, "default_jobs", lambda: jobs)
    monkeypatch.setattr(run_scheduler, "call_command", job)
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        call_command("run_scheduler")  # no --once: only the signal ends it
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert events == ["start notify", "end notify", "start backup", "end backup"]
