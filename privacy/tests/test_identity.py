"""A request is carried out only once the data subject's identity confirmation is recorded:
how, by whom and when; typing the number only matches the hash."""

import pytest
from django.utils import translation

from inquiries.models import Inquiry
from privacy.carry_out import ACTIONS
from privacy.identity import IDENTITY_REQUIRED
from privacy.models import AuditEvent, DestructionRecord, SubjectRequest
from testkit.inquiries import CANARY_PHONE_TYPED, make_inquiry
from testkit.privacy import REGISTER, act, act_url, make_request

pytestmark = pytest.mark.django_db


def ru(text):
    with translation.override("ru"):
        return str(text)


def kind_for(action):
    if action in ("block", "unblock"):
        return "blocking"
    if action.startswith("delete"):
        return "deletion"
    return "information"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_no_action_but_finding_runs_before_the_identity_is_recorded(privacy_officer, action):
    subject_request = make_request(kind_for(action), identity_confirmed=False)
    inquiry = make_inquiry(blocked_at=None)
    response = act(privacy_officer, subject_request, action)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == [ru(IDENTITY_REQUIRED)]
    page = response.content.decode()
    assert 'value="confirm_identity"' in page and 'name="identity_method"' in page
    assert Inquiry.objects.filter(pk=inquiry.pk, blocked_at__isnull=True).exists()
    assert not DestructionRecord.objects.exists()
    assert not AuditEvent.objects.exclude(kind="lookup").exists()
    subject_request.refresh_from_db()
    assert subject_request.handled_by is None


def test_finding_the_inquiries_needs_no_identity_confirmation(privacy_officer):
    subject_request = make_request("information", identity_confirmed=False)
    inquiry = make_inquiry()
    page = act(privacy_officer, subject_request).content.decode()
    assert inquiry.reference in page


def test_recording_the_identity_on_the_carry_out_page_then_acting(privacy_officer):
    subject_request = make_request("blocking", identity_confirmed=False)
    inquiry = make_inquiry()
    form_page = privacy_officer.get(act_url(subject_request)).content.decode()
    assert 'name="identity_method"' in form_page
    response = privacy_officer.post(
        act_url(subject_request),
        {
            "action": "confirm_identity",
            "identity_method": "call_back",
            "identity_note": "Called back, the person named the reference.",
            "phone": CANARY_PHONE_TYPED,
        },
    )
    assert response.status_code == 200
    subject_request.refresh_from_db()
    assert subject_request.identity_method == "call_back"
    assert subject_request.identity_confirmed_by == privacy_officer.user
    assert subject_request.identity_confirmed_at is not None
    page = response.content.decode()
    # Back where the officer was: the number's inquiries listed, the form gone.
    assert inquiry.reference in page and 'name="identity_method"' not in page
    assert "identity-confirmed" in page
    act(privacy_officer, subject_request, "block")
    assert Inquiry.objects.filter(pk=inquiry.pk, blocked_at__isnull=False).exists()
    # Shown on the request's page, read-only.
    change = privacy_officer.get(f"{REGISTER}{subject_request.pk}/change/").content.decode()
    assert "Called back, the person named the reference." in change
    assert 'name="identity_method"' not in change


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"identity_method": ""}, "identity_method"),
        ({"identity_method": "other", "identity_note": " "}, "identity_note"),
        ({"identity_method": "email", "identity_note": "From ivanov@mail.kz"}, "identity_note"),
        (
            {"identity_method": "call_back", "identity_note": f"Called {CANARY_PHONE_TYPED}"},
            "identity_note",
        ),
        (
            {"identity_method": "in_person", "identity_note": "Called 8/701/555/01/99"},
            "identity_note",
        ),
    ],
)
def test_an_incomplete_confirmation_or_one_with_contact_details_is_refused(
    privacy_officer, data, field
):
    subject_request = make_request("deletion", identity_confirmed=False)
    response = privacy_officer.post(
        act_url(subject_request), {"action": "confirm_identity", **data}
    )
    assert response.status_code == 200
    assert field in response.context["identity_form"].errors
    subject_request.refresh_from_db()
    assert subject_request.identity_confirmed_at is None
    assert subject_request.identity_note == ""


def test_a_closed_request_takes_no_identity_confirmation_and_operators_none_at_all(
    privacy_officer, operator
):
    closed = make_request("information", identity_confirmed=False, status="done")
    data = {"action": "confirm_identity", "identity_method": "in_person"}
    assert privacy_officer.post(act_url(closed), data).status_code == 403
    open_request = make_request("information", identity_confirmed=False)
    assert operator.post(act_url(open_request), data).status_code == 403
    assert not SubjectRequest.objects.filter(identity_confirmed_at__isnull=False).exists()
