import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone

from staff.retention import login_records_cutoff, login_records_purge

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"
BROWSER = "Mozilla/5.0 (canary browser 4242)"
MODELS = (AccessAttempt, AccessLog, AccessFailureLog)


def make_record(model, at, username="operator"):
    fields = {"username": username, "ip_address": ADDRESS, "user_agent": BROWSER}
    if model is AccessAttempt:
        fields["failures_since_start"] = 1
    record = model.objects.create(**fields)
    model.objects.filter(pk=record.pk).update(attempt_time=at)  # auto_now_add otherwise
    return record


def make_each(at, username):
    return {model: make_record(model, at, username) for model in MODELS}


def purge(*args):
    out = io.StringIO()
    call_command("purge_login_records", *args, stdout=out)
    return out.getvalue()


def test_login_records_past_the_retention_are_deleted_and_newer_ones_kept(settings):
    assert settings.STAFF_LOGIN_RECORDS_DAYS == 90
    now = timezone.now()
    old = make_each(now - timedelta(days=91), "old")
    recent = make_each(now - timedelta(days=89), "recent")
    output = purge()
    for model in MODELS:
        assert not model.objects.filter(pk=old[model].pk).exists()
        assert model.objects.filter(pk=recent[model].pk).exists()
    assert "1 AccessAttempt, 1 AccessLog, 1 AccessFailureLog" in output


def test_the_job_prints_counts_only(settings):
    make_each(timezone.now() - timedelta(days=120), "aigerim.operator")
    output = purge() + purge("--dry-run")
    for secret in ("aigerim.operator", ADDRESS, BROWSER, "canary"):
        assert secret not in output
    assert purge("-v", "0") == ""


def test_the_retention_follows_the_setting(settings):
    settings.STAFF_LOGIN_RECORDS_DAYS = 30
    now = timezone.now()
    old = make_record(AccessLog, now - timedelta(days=31))
    recent = make_record(AccessLog, now - timedelta(days=29))
    purge()
    assert list(AccessLog.objects.all()) == [recent]
    assert old.pk != recent.pk


def test_the_cutoff_is_the_retention_back_from_now_inclusive():
    now = timezone.now()
    cutoff = login_records_cutoff(now)
    assert cutoff == now - timedelta(days=90)
    at_cutoff = make_record(AccessAttempt, cutoff, "at")
    just_after = make_record(AccessAttempt, cutoff + timedelta(seconds=1), "after")
    assert login_records_purge(now=now)[AccessAttempt] == 1
    assert list(AccessAttempt.objects.all()) == [just_after]
    assert at_cutoff.pk != just_after.pk


def test_a_dry_run_deletes_nothing():
    make_each(timezone.now() - timedelta(days=200), "old")
    output = purge("--dry-run")
    assert "Dry run" in output and "1 AccessLog" in output
    assert all(model.objects.count() == 1 for model in MODELS)
