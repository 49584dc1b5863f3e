"""The incident register: what happened, when, to how many, the measures, and the deadline
to notify (one working day after it was found), without personal data."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from privacy.models import NO_PERSONAL_DATA, Incident, JobRun
from privacy.workdays import CalendarDay
from testkit.inquiries import CANARY_PHONE_TYPED

pytestmark = pytest.mark.django_db

REGISTER = "/admin/privacy/incident/"
D = datetime.date


def at(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def add_incident(client, **overrides):
    data = {
        "found_at_0": "06.02.2026",  # a Friday
        "found_at_1": "15:00:00",
        "description": "The mailbox of the requests was opened from an unknown address.",
        "subjects_count": "12",
        "measures": "Password changed, sessions ended, second factor turned on.",
        "notify_authority": "on",
        "status": "open",
        **overrides,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"{REGISTER}add/", data)


def incident(found_at, **fields):
    return Incident.objects.create(
        found_at=found_at, description="Laptop lost.", subjects_count=3, **fields
    )


def test_a_privacy_officer_records_an_incident_due_to_be_notified_the_next_working_day(
    privacy_officer,
):
    form_page = privacy_officer.get(f"{REGISTER}add/").content.decode()
    with translation.override("ru"):
        help_text = str(NO_PERSONAL_DATA)
    assert form_page.count(help_text) >= 2  # what happened, measures
    response = add_incident(privacy_officer)
    assert response.status_code == 302
    recorded = Incident.objects.get()
    assert recorded.subjects_count == 12
    assert recorded.notify_by == D(2026, 2, 9)  # Friday: by Monday
    assert recorded.recorded_by == privacy_officer.user
    assert (recorded.notify_authority, recorded.notify_subjects) == (True, False)


def test_the_deadline_follows_the_working_calendar():
    CalendarDay.objects.create(
        date=D(2026, 2, 7), kind="working_day", decree_number="1", decree_date=D(2026, 1, 5)
    )
    assert incident(at("2026-02-06 15:00")).notify_by == D(2026, 2, 7)
    assert incident(at("2026-03-20 10:00")).notify_by == D(2026, 3, 26)  # Nauryz skipped


@pytest.mark.parametrize("field", ["description", "measures"])
@pytest.mark.parametrize(
    "text", [f"Called back {CANARY_PHONE_TYPED}", "Sent to +7 (701) 555-01-99", "to a@b.kz"]
)
def test_a_text_with_a_phone_number_or_an_address_is_refused(privacy_officer, field, text):
    response = add_incident(privacy_officer, **{field: text})
    assert field in response.context["adminform"].form.errors
    assert not Incident.objects.exists()


def test_overdue_notifications_are_shown_to_privacy_officers(privacy_officer, operator):
    now = timezone.now()
    late = incident(now - datetime.timedelta(days=10))
    notified = incident(now - datetime.timedelta(days=10), authority_notified_at=now)
    subjects_late = incident(
        now - datetime.timedelta(days=10), notify_authority=False, notify_subjects=True
    )
    fresh = incident(now)
    assert set(Incident.objects.overdue()) == {late, subjects_late}
    listed = privacy_officer.get(REGISTER, {"overdue": "yes"}).context["cl"].result_list
    assert {i.pk for i in listed} == {late.pk, subjects_late.pk}
    listed = privacy_officer.get(REGISTER, {"overdue": "no"}).context["cl"].result_list
    assert {i.pk for i in listed} == {notified.pk, fresh.pk}
    index = privacy_officer.get("/admin/").content.decode()
    assert "overdue-incidents" in index and f'href="{REGISTER}?overdue=yes"' in index
    assert "overdue-incidents" not in operator.get("/admin/").content.decode()
    for url in (REGISTER, f"{REGISTER}add/", f"{REGISTER}{late.pk}/change/"):
        assert operator.get(url).status_code == 403
    Incident.objects.update(authority_notified_at=now, subjects_notified_at=now)
    assert "overdue-incidents" not in privacy_officer.get("/admin/").content.decode()


def test_an_incident_is_closed_once_its_notifications_are_made_and_never_deleted_by_hand(
    privacy_officer, verified_admin_client
):
    add_incident(privacy_officer)
    recorded = Incident.objects.get()
    url = f"{REGISTER}{recorded.pk}/change/"
    data = {
        "found_at_0": "06.02.2026",
        "found_at_1": "15:00:00",
        "description": recorded.description,
        "subjects_count": "12",
        "measures": recorded.measures,
        "notify_authority": "on",
        "status": "closed",
    }
    response = privacy_officer.post(url, data)
    assert "authority_notified_at" in response.context["adminform"].form.errors
    early = {**data, "authority_notified_at_0": "05.02.2026", "authority_notified_at_1": "10:00"}
    assert (
        "authority_notified_at" in privacy_officer.post(url, early).context["adminform"].form.errors
    )
    done = {**data, "authority_notified_at_0": "09.02.2026", "authority_notified_at_1": "10:00"}
    assert privacy_officer.post(url, done).status_code == 302
    recorded.refresh_from_db()
    assert recorded.status == "closed" and recorded.closed_at is not None
    for client in (privacy_officer, verified_admin_client):
        assert client.post(f"{REGISTER}{recorded.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Incident.objects.exists()


def test_the_daily_job_deletes_incidents_closed_more_than_incidents_keep_years_ago(settings):
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=3 * 365 + 2)
    expired = incident(long_ago, status="closed", closed_at=long_ago)
    still_open = incident(long_ago)
    recent = incident(long_ago, status="closed", closed_at=now - datetime.timedelta(days=30))
    settings.INCIDENTS_KEEP_YEARS = 4
    call_command("purge_old_records", stdout=io.StringIO())
    assert Incident.objects.count() == 3
    settings.INCIDENTS_KEEP_YEARS = 3
    out = io.StringIO()
    call_command("purge_old_records", stdout=out)
    assert "1 closed incidents" in out.getvalue()
    assert set(Incident.objects.values_list("pk", flat=True)) == {still_open.pk, recent.pk}
    assert not Incident.objects.filter(pk=expired.pk).exists()
    assert JobRun.objects.filter(name="purge_old_records").exists()
