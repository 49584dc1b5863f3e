import datetime
import io
import uuid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent.models import ConsentVersion
from inquiries.models import Inquiry, InquiryView
from privacy.hashing import phone_hash
from privacy.job_warnings import WATCHED_JOBS
from privacy.models import DestructionRecord, JobRun, SubjectRequest
from privacy.retention import retention_cutoff
from privacy.services import PURGE_JOB, inquiries_destroy, inquiries_purge
from testkit.inquiries import CANARY_PHONE, make_inquiry
from testkit.privacy import assert_canary_gone_from_every_table

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def at(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def received(when, **overrides):
    inquiry = make_inquiry(**overrides)
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=when)
    return inquiry


def exists(inquiry):
    return Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_boundary_one_second_either_side_of_the_cutoff():
    now = at("2026-11-25 03:15:00")
    cutoff = retention_cutoff(now=now, margin=DAY)
    assert cutoff == at("2023-11-26 03:15:00")
    due = received(cutoff)
    kept = received(cutoff + SECOND)
    also_due = received(cutoff - SECOND)
    purge = inquiries_purge(now=now)
    assert not exists(due) and not exists(also_due)
    assert exists(kept)
    assert purge.retention.count == 2


def test_29_february_goes_at_its_third_anniversary_28_february():
    leap = received(at("2024-02-29 10:00:00"))
    day_after = received(at("2024-03-01 00:00:00"))
    # With the default one-day margin, the run of 27 February 2027 10:00 deletes it.
    inquiries_purge(now=at("2027-02-27 09:59:59"))
    assert exists(leap)
    inquiries_purge(now=at("2027-02-27 10:00:00"))
    assert not exists(leap)
    assert exists(day_after)


def test_the_margin_is_a_setting(settings):
    settings.PURGE_MARGIN_HOURS = 0
    inquiry = received(at("2023-11-25 12:00:00"))
    inquiries_purge(now=at("2026-11-25 11:59:59"))
    assert exists(inquiry)
    inquiries_purge(now=at("2026-11-25 12:00:00"))
    assert not exists(inquiry)


def test_a_shorter_retention_deletes_earlier(settings):
    settings.INQUIRY_RETENTION_YEARS = 1
    settings.PURGE_MARGIN_HOURS = 0
    inquiry = received(at("2025-11-25 12:00:00"))
    younger = received(at("2025-11-25 12:00:01"))
    inquiries_purge(now=at("2026-11-25 12:00:00"))
    assert not exists(inquiry) and exists(younger)


def test_processed_inquiries_can_go_early(settings):
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = 30
    settings.PURGE_MARGIN_HOURS = 0
    now = at("2026-11-25 12:00:00")
    done = received(at("2026-09-01 10:00:00"), status="processed")
    Inquiry.objects.filter(pk=done.pk).update(processed_at=now - 30 * DAY)
    recent = received(at("2026-09-01 10:00:00"), status="processed")
    Inquiry.objects.filter(pk=recent.pk).update(processed_at=now - 30 * DAY + SECOND)
    waiting = received(at("2026-09-01 10:00:00"))
    purge = inquiries_purge(now=now)
    assert not exists(done)
    assert exists(recent) and exists(waiting)
    assert purge.processed.count == 1
    assert purge.processed.record.basis == DestructionRecord.Basis.PROCESSED


def test_a_processed_purge_is_recorded_with_its_cutoff_and_names_no_number(settings):
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = 30
    settings.PURGE_MARGIN_HOURS = 0
    now = at("2026-11-25 12:00:00")
    done = received(at("2026-09-01 10:00:00"), status="processed")
    Inquiry.objects.filter(pk=done.pk).update(processed_at=now - 40 * DAY)
    inquiries_purge(now=now)
    record = DestructionRecord.objects.get()
    assert (record.basis, record.actor, record.count) == ("processed", "retention", 1)
    # The cutoff is what a restore replays the purge by.
    assert record.cutoff == now - 30 * DAY
    assert record.phone_hash == ""


def test_an_expired_processed_inquiry_under_legal_hold_is_kept_back_once(settings):
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = 30
    held = received(at("2020-01-01 00:00:00"), status="processed", legal_hold_reason="Court")
    Inquiry.objects.filter(pk=held.pk).update(processed_at=at("2020-02-01 00:00:00"))
    purge = inquiries_purge(now=at("2026-11-25 12:00:00"))
    assert exists(held)
    assert (purge.retention.held_back, purge.processed.held_back) == (1, 0)
    assert DestructionRecord.objects.get().basis == "retention"


def test_an_erasure_on_request_is_recorded_with_its_request():
    subject_request = SubjectRequest.objects.create(
        kind="deletion", phone_hash=phone_hash(CANARY_PHONE), phone_last_digits="67"
    )
    make_inquiry()
    destruction = inquiries_destroy(
        queryset=Inquiry.objects.of_phone(CANARY_PHONE),
        basis=DestructionRecord.Basis.DELETION,
        actor="officer",
        phone_hash=phone_hash(CANARY_PHONE),
        request=subject_request,
    )
    assert destruction.count == 1
    assert DestructionRecord.objects.get().request == subject_request


def test_processed_early_deletion_is_off_by_default():
    done = received(timezone.now() - 400 * DAY, status="processed")
    Inquiry.objects.filter(pk=done.pk).update(processed_at=timezone.now() - 390 * DAY)
    assert inquiries_purge(now=timezone.now()).processed is None
    assert exists(done)


def test_legal_hold_is_skipped_and_reported():
    now = at("2026-11-25 03:15:00")
    held = received(at("2020-01-01 00:00:00"), legal_hold_reason="Court case 2-123/2026")
    gone = received(at("2020-01-01 00:00:00"))
    out = io.StringIO()
    with time_frozen(now):
        call_command("purge_expired_inquiries", stdout=out)
    assert exists(held) and not exists(gone)
    assert "kept 1 under legal hold" in out.getvalue()
    record = DestructionRecord.objects.get()
    assert (record.count, record.held_back, record.actor) == (1, 1, "retention")
    assert record.cutoff == retention_cutoff(now=now)


def test_dry_run_changes_nothing_and_prints_counts():
    old = received(at("2020-01-01 00:00:00"))
    out = io.StringIO()
    call_command("purge_expired_inquiries", "--dry-run", stdout=out)
    assert exists(old)
    assert "1 inquiries received on or before" in out.getvalue()
    assert not DestructionRecord.objects.exists()
    assert not JobRun.objects.exists()


def test_second_run_finds_nothing_and_records_nothing_more():
    received(at("2020-01-01 00:00:00"))
    first, second = io.StringIO(), io.StringIO()
    call_command("purge_expired_inquiries", stdout=first)
    call_command("purge_expired_inquiries", stdout=second)
    assert "Deleted 1 inquiries" in first.getvalue()
    assert "Deleted 0 inquiries" in second.getvalue()
    assert "kept 0 under legal hold" in second.getvalue()
    assert DestructionRecord.objects.count() == 1


def test_verbosity_zero_prints_nothing():
    received(at("2020-01-01 00:00:00"))
    out = io.StringIO()
    call_command("purge_expired_inquiries", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert Inquiry.objects.count() == 0


def test_thousands_of_rows_go_in_short_batches():
    version = ConsentVersion.objects.get(number=1)
    old = at("2020-01-01 00:00:00")
    Inquiry.objects.bulk_create(
        Inquiry(
            name=f"Имя {n}",
            phone="+77010000000",
            consent_version=version,
            consent_language="ru",
            consent_sha256=version.sha256_ru,
            submission_token=uuid.uuid4(),
            reference=f"Q-TEST-{n:04d}-0000",
            created_at=old,
        )
        for n in range(3500)
    )
    kept = received(timezone.now())
    with CaptureQueriesContext(connection) as queries:
        purge = inquiries_purge(now=timezone.now(), batch_size=500)
    assert purge.retention.count == 3500
    assert list(Inquiry.objects.values_list("pk", flat=True)) == [kept.pk]
    deletes = [q for q in queries if q["sql"].startswith('DELETE FROM "inquiries_inquiry"')]
    assert len(deletes) == 7  # 3,500 rows in batches of 500
    assert all("IN (" not in q["sql"] for q in deletes)  # a range of ids, not a list
    # QuerySet.delete()'s fast path: no row is read to be deleted (a cascade or a delete
    # signal on Inquiry would end it).
    assert not [q for q in queries if '"inquiries_inquiry"."name"' in q["sql"]]
    view_deletes = [
        q for q in queries if q["sql"].startswith('DELETE FROM "inquiries_inquiryview"')
    ]
    assert len(view_deletes) == 7
    assert DestructionRecord.objects.get().count == 3500


def test_purge_leaves_no_personal_data_anywhere():
    staff = User.objects.create_user("operator", password="irrelevant-in-this-test")
    inquiry = received(at("2020-01-01 00:00:00"))
    InquiryView.objects.create(inquiry=inquiry, user=staff, username="operator")
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Inquiry),
        object_id=str(inquiry.pk),
        object_repr=str(inquiry),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Status"]}}]',
    )
    inquiries_purge(now=timezone.now())
    assert not InquiryView.objects.exists()
    assert not LogEntry.objects.filter(object_id=str(inquiry.pk)).exists()
    assert_canary_gone_from_every_table()


def test_a_purge_keeps_the_admin_log_of_what_it_does_not_delete():
    staff = User.objects.create_user("operator", password="irrelevant-in-this-test")
    expired = received(at("2020-01-01 00:00:00"))
    kept = received(timezone.now() - DAY)

    def log(model, pk):
        return LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(pk),
            object_repr=f"#{pk}",
            action_flag=CHANGE,
        )

    log(Inquiry, expired.pk)
    kept_inquiry_entry = log(Inquiry, kept.pk)
    # Another kind of record whose id happens to be the expired inquiry's.
    consent_entry = log(ConsentVersion, expired.pk)
    inquiries_purge(now=timezone.now())
    assert set(LogEntry.objects.values_list("pk", flat=True)) == {
        kept_inquiry_entry.pk,
        consent_entry.pk,
    }


def test_last_successful_run_is_recorded_and_the_admin_warns_when_it_is_old(
    verified_client_factory,
):
    admin = User.objects.create_superuser("boss", password="irrelevant-in-this-test")
    client = verified_client_factory(admin)
    assert b"purge-warning" in client.get("/admin/").content  # never ran yet
    call_command("purge_expired_inquiries", verbosity=0)
    assert JobRun.objects.get(name=PURGE_JOB).last_success_at is not None
    assert b"purge-warning" not in client.get("/admin/").content
    JobRun.objects.filter(name=PURGE_JOB).update(
        last_success_at=timezone.now() - datetime.timedelta(days=2, minutes=1)
    )
    assert b"purge-warning" in client.get("/admin/").content
    assert b"purge-warning" in client.get("/admin/inquiries/inquiry/").content


def test_the_purge_warning_says_never_ran_and_shows_only_to_those_who_can_act(
    privacy_officer, operator
):
    # The other daily jobs have run: only the purge's own banner is looked at here.
    for job in WATCHED_JOBS:
        if job.name != PURGE_JOB:
            JobRun.objects.create(name=job.name, last_success_at=timezone.now())
    page = privacy_officer.get("/admin/").content.decode()
    assert "purge-warning" in page
    assert "ещё ни разу не запускалось" in page
    assert "более двух суток" not in page
    # Operators cannot fix cron: no banner on their pages.
    for url in ("/admin/", "/admin/inquiries/inquiry/"):
        assert "purge-warning" not in operator.get(url).content.decode()
    JobRun.objects.create(
        name=PURGE_JOB, last_success_at=timezone.now() - datetime.timedelta(days=3)
    )
    page = privacy_officer.get("/admin/").content.decode()
    assert "более двух суток" in page
    assert "ещё ни разу" not in page


def test_a_second_run_while_one_holds_the_lock_exits_cleanly():
    from privacy.locks import LOCK_KEYS

    old = received(at("2020-01-01 00:00:00"))
    out = io.StringIO()
    if connection.vendor == "postgresql":
        import psycopg

        settings_dict = connection.settings_dict
        other = psycopg.connect(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            dbname=settings_dict["NAME"],
            autocommit=True,
        )
        try:
            other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEYS[PURGE_JOB]])
            call_command("purge_expired_inquiries", stdout=out)
        finally:
            other.close()
        assert "Another purge is running" in out.getvalue()
        assert exists(old)
    else:
        # SQLite serves one development machine: no lock, the run goes ahead.
        call_command("purge_expired_inquiries", stdout=out)
        assert not exists(old)


class time_frozen:
    """Pin django.utils.timezone.now for the command under test."""

    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        self._original = timezone.now
        timezone.now = lambda: self.moment

    def __exit__(self, *exc):
        timezone.now = self._original


def test_only_view_records_point_at_an_inquiry():
    # The purge deletes view records, then inquiries, with plain DELETEs: a new relation
    # to Inquiry must be added to inquiries_destroy (and its inventory) before this passes.
    related = {
        f.related_model._meta.label
        for f in Inquiry._meta.get_fields()
        if f.auto_created and not f.concrete
    }
    assert related == {"inquiries.InquiryView"}
