"""Every action that touches an inquiry leaves one trace in the audit trail, without
personal data, and privacy officers read it."""

import datetime
import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from inquiries.models import Inquiry
from privacy.carry_out import ACTIONS, FIND, KIND_ACTIONS
from privacy.models import AuditEvent, JobRun, SubjectRequest
from testkit.inquiries import CANARIES, CANARY_PHONE_TYPED, make_inquiry
from testkit.privacy import act, make_request

pytestmark = pytest.mark.django_db

INQUIRIES = "/admin/inquiries/inquiry/"
TRAIL = "/admin/privacy/auditevent/"


def event_text(event):
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    return " ".join(str(value) for value in row.values())


def assert_no_personal_data(event):
    text = event_text(event)
    for canary in CANARIES:
        assert canary not in text, f"{event.kind} holds {canary!r}"


def new_events(before):
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("pk"))


def inquiry_admin_actions(user):
    request = RequestFactory().get(INQUIRIES)
    request.user = user
    return sorted(admin.site._registry[Inquiry].get_actions(request))


# --- every place ---------------------------------------------------------------------------


def test_every_inquiry_admin_action_leaves_exactly_one_trace_without_personal_data(
    privacy_officer,
):
    actions = inquiry_admin_actions(privacy_officer.user)
    assert {"mark_processed", "mark_not_processed", "lift_legal_hold"} <= set(actions)
    for action in actions:
        # One of each state, so that every action changes something.
        inquiries = [
            make_inquiry(),
            make_inquiry(status="processed"),
            make_inquiry(legal_hold_reason="Court case 2-123/2026"),
        ]
        before = list(AuditEvent.objects.values_list("pk", flat=True))
        response = privacy_officer.post(
            INQUIRIES,
            {"action": action, "_selected_action": [i.pk for i in inquiries], "post": "yes"},
        )
        assert response.status_code == 302, action
        [event] = new_events(before)
        assert event.actor == privacy_officer.user.username
        assert event.count >= 1, action
        assert set(event.references.split()) <= {i.reference for i in inquiries}
        assert len(event.references.split()) == event.count
        assert_no_personal_data(event)


CARRY_OUT_KIND = {
    action: next(kind for kind, allowed in KIND_ACTIONS.items() if action in allowed)
    for action in ACTIONS
    if any(action in allowed for allowed in KIND_ACTIONS.values())
}


@pytest.mark.parametrize("action", sorted({FIND, *ACTIONS}))
def test_every_carry_out_action_leaves_exactly_one_trace_without_personal_data(
    privacy_officer, action
):
    kind = CARRY_OUT_KIND.get(action, SubjectRequest.Kind.INFORMATION)
    subject_request = make_request(kind)
    inquiries = [make_inquiry(), make_inquiry()]
    if action == "unblock":
        Inquiry.objects.update(blocked_at=timezone.now())
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    response = act(privacy_officer, subject_request, action)
    assert response.status_code == 200
    [event] = new_events(before)
    assert event.actor == privacy_officer.user.username
    assert f" {subject_request.pk}" in event.detail
    assert_no_personal_data(event)
    if action != "delete_confirmed":
        assert set(event.references.split()) == {i.reference for i in inquiries}
    assert event.count == 2


def test_the_change_page_records_correction_hold_and_status_with_the_hold_history_kept(
    privacy_officer, staff_client
):
    inquiry = make_inquiry()
    url = f"{INQUIRIES}{inquiry.pk}/change/"
    data = {
        "name": inquiry.name,
        "phone": CANARY_PHONE_TYPED,
        "message": inquiry.message,
        "status": "new",
        "note": "",
        "legal_hold_reason": "Court case 2-123/2026",
    }
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    assert privacy_officer.post(url, data).status_code == 302
    [held] = new_events(before)
    assert (held.kind, held.detail, held.references) == (
        "hold_set",
        "Court case 2-123/2026",
        inquiry.reference,
    )
    # Another officer lifts it from the list: who set it, when and why stays.
    other = staff_client("Privacy officers")
    other.post(
        INQUIRIES, {"action": "lift_legal_hold", "_selected_action": [inquiry.pk], "post": "yes"}
    )
    inquiry.refresh_from_db()
    assert inquiry.legal_hold_reason == ""
    lifted = AuditEvent.objects.get(kind="hold_lifted")
    assert lifted.actor == other.user.username
    page = privacy_officer.get(url).content.decode()
    assert "Court case 2-123/2026" in page
    assert privacy_officer.user.username in page and other.user.username in page
    assert page.index(other.user.username) < page.index("Court case 2-123/2026")

    before = list(AuditEvent.objects.values_list("pk", flat=True))
    corrected = {**data, "name": "Исправленное Имя", "legal_hold_reason": "", "status": "processed"}
    assert privacy_officer.post(url, corrected).status_code == 302
    events = new_events(before)
    assert [(e.kind, e.detail) for e in events] == [("correction", "name"), ("change", "status")]
    for event in events:
        assert "Исправленное" not in event_text(event)
        assert_no_personal_data(event)


def test_list_and_search_pages_record_who_when_how_many_and_whether_searched_never_what(
    operator,
):
    for _ in range(3):
        make_inquiry()
    make_inquiry(phone="+77029998877", name="Другой Человек")
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    operator.get(INQUIRIES)
    operator.get(INQUIRIES, {"q": CANARY_PHONE_TYPED})
    operator.get(INQUIRIES, {"status__exact": "new"})
    operator.get(INQUIRIES, {"q": "Канарейка", "status__exact": "processed"})
    events = new_events(before)
    assert [(e.kind, e.count, e.searched, e.filtered) for e in events] == [
        ("list_view", 4, False, False),
        ("list_view", 3, True, False),
        ("list_view", 4, False, True),
        ("list_view", 0, True, True),
    ]
    for event in events:
        assert event.actor == operator.user.username
        assert event.references == "" and event.detail == ""
        assert "Канарейка" not in event_text(event)
        assert_no_personal_data(event)


def test_a_refused_list_records_nothing(operator):
    before = list(AuditEvent.objects.values_list("pk", flat=True))
    assert operator.get(INQUIRIES, {"blocked_at__isnull": "False"}).status_code == 302
    assert new_events(before) == []


# --- who reads it ----------------------------------------------------------------------------


def test_privacy_officers_read_the_trail_nobody_edits_it_operators_do_not_see_it(
    privacy_officer, operator, verified_admin_client
):
    inquiry = make_inquiry()
    operator.post(INQUIRIES, {"action": "mark_processed", "_selected_action": [inquiry.pk]})
    event = AuditEvent.objects.get(kind="processed")
    found = privacy_officer.get(TRAIL, {"q": inquiry.reference})
    assert [e.pk for e in found.context["cl"].result_list] == [event.pk]
    assert operator.user.username in found.content.decode()
    assert operator.get(TRAIL).status_code == 403
    for client in (privacy_officer, verified_admin_client):
        assert client.get(f"{TRAIL}add/").status_code == 403
        assert client.post(f"{TRAIL}{event.pk}/delete/", {"post": "yes"}).status_code == 403
        change = client.post(f"{TRAIL}{event.pk}/change/", {"actor": "someone else"})
        assert change.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).actor == operator.user.username


# --- retention -----------------------------------------------------------------------------


def test_the_daily_job_deletes_events_past_audit_records_keep_years(settings):
    now = timezone.now()
    expired = AuditEvent.objects.create(
        actor="x", kind="list_view", at=now - datetime.timedelta(days=3 * 365 + 2)
    )
    kept = AuditEvent.objects.create(
        actor="x", kind="list_view", at=now - datetime.timedelta(days=3 * 365 - 2)
    )
    out = io.StringIO()
    call_command("purge_old_records", "--dry-run", stdout=out)
    assert "1 audit events" in out.getvalue() and "would be deleted" in out.getvalue()
    assert AuditEvent.objects.count() == 2
    settings.AUDIT_RECORDS_KEEP_YEARS = 5
    call_command("purge_old_records", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 2
    settings.AUDIT_RECORDS_KEEP_YEARS = 3
    out = io.StringIO()
    call_command("purge_old_records", stdout=out)
    assert "1 audit events" in out.getvalue() and "Deleted" in out.getvalue()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEvent.objects.filter(pk=expired.pk).exists()
    assert not JobRun.is_late("purge_old_records")
