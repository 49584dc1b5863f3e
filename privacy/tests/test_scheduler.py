import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from privacy.models import JobRun
from privacy.scheduler import Job, default_jobs, jobs_due


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
        "clearsessions",
        "backup_database",
    }


@pytest.mark.django_db
def test_one_pass_runs_the_due_jobs_and_survives_a_failing_one(monkeypatch, caplog):
    from privacy.management.commands import run_scheduler

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
    call_command("run_scheduler", "--once")
    assert ran == [
        "send_pending_notifications",
        "purge_expired_inquiries",
        "clearsessions",
        "backup_database",
    ]
    assert JobRun.objects.filter(name="purge_expired_inquiries").exists()
    assert "Job clearsessions failed (RuntimeError)" in caplog.text
