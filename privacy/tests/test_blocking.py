"""Blocking as the Law defines it (No. 94-V, Art. 1): a blocked inquiry is neither changed
nor destroyed by anyone or any code path until it is unblocked."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from inquiries.models import Inquiry, InquiryBlocked
from privacy.blocking import blocked_kept_text
from privacy.models import DestructionRecord
from testkit.inquiries import make_inquiry
from testkit.privacy import OTHER_PHONE, act, make_request

pytestmark = pytest.mark.django_db

INQUIRIES = "/admin/inquiries/inquiry/"


def change_url(inquiry):
    return f"{INQUIRIES}{inquiry.pk}/change/"


def old(**fields):
    """An inquiry past its retention (received four years ago)."""
    return make_inquiry(created_at=timezone.now() - datetime.timedelta(days=4 * 365), **fields)


def blocked_inquiry(**fields):
    return make_inquiry(blocked_at=timezone.now(), **fields)


def ru_ngettext(singular, plural, count):
    with translation.override("ru"):
        return translation.ngettext(singular, plural, count)


def row(inquiry):
    return Inquiry.objects.filter(pk=inquiry.pk).values().get()


# --- nobody changes a blocked inquiry ------------------------------------------------------


@pytest.mark.parametrize("role", ["privacy_officer", "verified_admin_client"])
def test_a_blocked_inquirys_page_is_read_only_for_every_role_superusers_too(request, role):
    client = request.getfixturevalue(role)
    inquiry = blocked_inquiry(legal_hold_reason="Court case 2-123/2026")
    before = row(inquiry)
    page = client.get(change_url(inquiry))
    assert page.status_code == 200
    with translation.override("ru"):
        notice = translation.gettext(
            "This inquiry is blocked: nobody may change it, and it is not deleted, until it "
            "is unblocked."
        )
    assert [m.message for m in page.context["messages"]] == [notice]
    html = page.content.decode()
    for field in ("name", "phone", "message", "status", "note", "legal_hold_reason"):
        assert f'name="{field}"' not in html, field
    response = client.post(
        change_url(inquiry),
        {
            "name": "Другое Имя",
            "phone": OTHER_PHONE,
            "message": "x",
            "status": "processed",
            "note": "changed",
            "legal_hold_reason": "",
        },
    )
    assert response.status_code == 403
    assert row(inquiry) == before
    # Unblocked, the same page is a form again.
    Inquiry.objects.filter(pk=inquiry.pk).unblock()
    assert 'name="status"' in client.get(change_url(inquiry)).content.decode()


def test_every_bulk_action_leaves_blocked_inquiries_unchanged_and_says_so(privacy_officer):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get(INQUIRIES)
    request.user = privacy_officer.user
    actions = set(admin.site._registry[Inquiry].get_actions(request))
    assert {"mark_processed", "mark_not_processed", "lift_legal_hold"} <= actions
    for action in sorted(actions):
        blocked = [
            blocked_inquiry(status=status, legal_hold_reason="Court case")
            for status in ("new", "processed")
        ]
        free = make_inquiry(status="processed" if action == "mark_not_processed" else "new")
        before = [row(inquiry) for inquiry in blocked]
        response = privacy_officer.post(
            INQUIRIES,
            {"action": action, "_selected_action": [i.pk for i in (*blocked, free)]},
            follow=True,
        )
        assert [row(inquiry) for inquiry in blocked] == before, action
        warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
        assert warnings == [
            ru_ngettext(
                "%(count)d blocked inquiry was left unchanged: blocked inquiries cannot be "
                "changed until they are unblocked.",
                "%(count)d blocked inquiries were left unchanged: blocked inquiries cannot be "
                "changed until they are unblocked.",
                2,
            )
            % {"count": 2}
        ], action


def test_no_code_path_changes_or_destroys_a_blocked_inquiry_but_the_unblock():
    blocked, free = blocked_inquiry(), make_inquiry()
    before = row(blocked)
    assert Inquiry.objects.update(note="changed") == 1
    assert Inquiry.objects.filter(pk=blocked.pk).update(status="processed") == 0
    Inquiry.objects.bulk_update([Inquiry(pk=blocked.pk, note="bulk")], ["note"])
    assert Inquiry.objects.all().delete()[0] == 1
    assert row(blocked) == before
    assert not Inquiry.objects.filter(pk=free.pk).exists()
    blocked.note = "saved"
    with pytest.raises(InquiryBlocked):
        blocked.save()
    with pytest.raises(InquiryBlocked):
        blocked.delete()
    assert row(blocked) == before
    assert Inquiry.objects.unblock() == 1
    blocked.refresh_from_db()
    assert (blocked.blocked_at, blocked.blocked_by) == (None, None)
    blocked.note = "saved"
    blocked.save()
    assert Inquiry.objects.get(pk=blocked.pk).note == "saved"


# --- nor destroys it ----------------------------------------------------------------------


def test_the_purge_keeps_blocked_inquiries_and_counts_them_like_legal_holds():
    expired = old()
    held = old(legal_hold_reason="Court case")
    blocked = old(blocked_at=timezone.now())
    blocked_and_held = old(blocked_at=timezone.now(), legal_hold_reason="Court case")
    dry = io.StringIO()
    call_command("purge_expired_inquiries", "--dry-run", stdout=dry)
    assert "1 inquiries received on or before" in dry.getvalue()
    assert "1 are under legal hold and 2 blocked" in dry.getvalue()
    out = io.StringIO()
    call_command("purge_expired_inquiries", stdout=out)
    assert "Deleted 1 inquiries past their retention; kept 1 under legal hold and 2 blocked" in (
        out.getvalue()
    )
    assert not Inquiry.objects.filter(pk=expired.pk).exists()
    remaining = set(Inquiry.objects.values_list("pk", flat=True))
    assert remaining == {held.pk, blocked.pk, blocked_and_held.pk}
    record = DestructionRecord.objects.get()
    assert (record.count, record.held_back, record.blocked_kept) == (1, 1, 2)


def test_the_purge_records_a_run_that_kept_only_blocked_inquiries():
    old(blocked_at=timezone.now())
    call_command("purge_expired_inquiries", stdout=io.StringIO())
    record = DestructionRecord.objects.get()
    assert (record.count, record.held_back, record.blocked_kept) == (0, 0, 1)


@pytest.mark.parametrize("kind", ["deletion", "withdrawal"])
def test_an_erasure_keeps_blocked_inquiries_and_says_so(privacy_officer, kind):
    subject_request = make_request(kind)
    erased = make_inquiry()
    blocked = blocked_inquiry()
    confirmation = act(privacy_officer, subject_request, "delete").content.decode()
    with translation.override("ru"):
        will_keep = translation.ngettext(
            "%(counter)s blocked inquiry will be kept too: blocked inquiries are not "
            "destroyed until they are unblocked.",
            "%(counter)s blocked inquiries will be kept too: blocked inquiries are not "
            "destroyed until they are unblocked.",
            1,
        ) % {"counter": 1}
        expected = blocked_kept_text(1)
    assert will_keep in confirmation
    response = act(privacy_officer, subject_request, "delete_confirmed")
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [expected]
    assert not Inquiry.objects.filter(pk=erased.pk).exists()
    assert Inquiry.objects.filter(pk=blocked.pk, blocked_at__isnull=False).exists()
    record = DestructionRecord.objects.get()
    assert (record.count, record.held_back, record.blocked_kept) == (1, 0, 1)


# --- privacy officers are told to resolve blocked inquiries past their retention ----------


def test_privacy_officers_see_blocked_inquiries_past_their_retention_and_can_list_them(
    privacy_officer, operator
):
    past = [old(blocked_at=timezone.now()), old(blocked_at=timezone.now(), phone=OTHER_PHONE)]
    recent_blocked = blocked_inquiry()
    old(legal_hold_reason="Court case")  # past retention too, but held: not this warning
    index = privacy_officer.get("/admin/").content.decode()
    with translation.override("ru"):
        text = translation.ngettext(
            "%(counter)s blocked inquiry is past its retention date — resolve it: once "
            "unblocked, the purge deletes it.",
            "%(counter)s blocked inquiries are past their retention date — resolve them: "
            "once unblocked, the purge deletes them.",
            2,
        ) % {"counter": 2}
    assert text in index
    assert f'href="{INQUIRIES}?blocked_past_retention=yes"' in index
    listed = privacy_officer.get(INQUIRIES, {"blocked_past_retention": "yes"})
    assert {i.pk for i in listed.context["cl"].result_list} == {i.pk for i in past}
    assert recent_blocked.pk not in {i.pk for i in listed.context["cl"].result_list}
    # Operators never learn that blocked inquiries exist.
    assert "blocked-past-retention" not in operator.get("/admin/").content.decode()
    refused = operator.get(INQUIRIES, {"blocked_past_retention": "yes"})
    assert refused.status_code == 302 and "e=1" in refused["Location"]
    # Resolved: unblocked, the purge deletes them, and the warning goes.
    Inquiry.objects.unblock()
    call_command("purge_expired_inquiries", stdout=io.StringIO())
    assert "blocked-past-retention" not in privacy_officer.get("/admin/").content.decode()
