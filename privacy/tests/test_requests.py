import datetime
import logging
import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.messages.storage.base import BaseStorage
from django.contrib.sessions.models import Session
from django.utils import timezone, translation

from inquiries.models import Inquiry
from privacy.exports import print_css_source
from privacy.hashing import phone_hash
from privacy.models import DestructionRecord, Incident, SubjectRequest
from privacy.workdays import CalendarDay
from testkit.inquiries import (
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
    make_inquiry,
    phone_forms,
)
from testkit.privacy import (
    OTHER_PHONE,
    REGISTER,
    act,
    act_url,
    assert_canary_gone_from_every_table,
    make_request,
)

pytestmark = pytest.mark.django_db


def ru(text):
    """What the Russian back office shows for an English source text."""
    with translation.override("ru"):
        return translation.gettext(text)


def blocked_text(count, *, unblocked=False):
    verb = "unblocked" if unblocked else "blocked"
    with translation.override("ru"):
        text = translation.ngettext(
            f"%(count)d inquiry {verb}.", f"%(count)d inquiries {verb}.", count
        )
    return text % {"count": count}


def deleted_text(deleted, held):
    return ru("Deleted: %(deleted)d; kept under legal hold: %(held)d.") % {
        "deleted": deleted,
        "held": held,
    }


INQUIRIES = "/admin/inquiries/inquiry/"


# --- helpers and fixtures -----------------------------------------------------------------


def add_request(client, kind="information", phone=CANARY_PHONE_TYPED, **overrides):
    data = {
        "kind": kind,
        "received_at_0": "2026-02-06",
        "received_at_1": "16:00:00",
        "phone": phone,
    }
    data.update(overrides)
    return client.post(f"{REGISTER}add/", data)


def references(page):
    return set(re.findall(r"Q-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page))


def assert_no_phone_in(text, where):
    for form in phone_forms():
        assert form not in text, f"{where} holds the number as {form!r}"


def row_text(model_instance):
    row = type(model_instance).objects.filter(pk=model_instance.pk).values().get()
    # Times are left out: their microseconds may hold any digits.
    return " ".join(str(v) for v in row.values() if not isinstance(v, datetime.datetime))


# --- the register ---------------------------------------------------------------------------


def test_registering_a_request_keeps_only_a_keyed_hash_and_the_last_two_digits(
    privacy_officer,
):
    response = add_request(privacy_officer, kind="information")
    assert response.status_code == 302
    subject_request = SubjectRequest.objects.get()
    assert subject_request.kind == "information"
    assert subject_request.phone_hash == phone_hash(CANARY_PHONE)
    assert subject_request.phone_last_digits == "34"
    assert subject_request.created_by == privacy_officer.user
    assert subject_request.status == SubjectRequest.Status.OPEN
    # Friday 6 February 2026 + 3 working days.
    assert subject_request.due_on == datetime.date(2026, 2, 11)
    text = row_text(subject_request)
    assert_no_phone_in(text, "the register row")
    assert CANARY_PHONE[2:-2] not in re.sub(r"\D", "", text.replace(subject_request.phone_hash, ""))
    entry = LogEntry.objects.get()
    assert_no_phone_in(f"{entry.object_repr} {entry.change_message}", "the admin log")


@pytest.mark.parametrize("typed", ["+7 701 555 12 34", "87015551234", "7015551234"])
def test_the_number_may_be_typed_in_any_format(privacy_officer, typed):
    add_request(privacy_officer, phone=typed)
    assert SubjectRequest.objects.get().phone_hash == phone_hash(CANARY_PHONE)


@pytest.mark.parametrize("typed", ["", "12", "not a phone", "+7 701 555"])
def test_a_bad_number_gives_an_error_and_stores_nothing(privacy_officer, typed):
    response = add_request(privacy_officer, phone=typed)
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    assert not SubjectRequest.objects.exists()
    assert not LogEntry.objects.exists()


def test_a_request_cannot_be_received_in_the_future(privacy_officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = add_request(privacy_officer, received_at_0=tomorrow.isoformat())
    assert "received_at" in response.context["adminform"].form.errors
    assert not SubjectRequest.objects.exists()


def test_the_add_form_offers_kind_received_and_phone_received_defaults_to_now(privacy_officer):
    page = privacy_officer.get(f"{REGISTER}add/").content.decode()
    assert 'name="kind"' in page and 'name="phone"' in page
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert re.search(rf'name="received_at_0"[^>]*value="{re.escape(today)}"', page)


def test_the_list_shows_open_requests_first_by_due_date_with_overdue_and_last_digits(
    privacy_officer,
):
    today = timezone.localdate()
    late = make_request("deletion", received_at=timezone.now() - datetime.timedelta(days=30))
    soon = make_request("withdrawal", phone=OTHER_PHONE)
    done = make_request("information", received_at=timezone.now() - datetime.timedelta(days=60))
    SubjectRequest.objects.filter(pk=done.pk).update(status="done")
    page = privacy_officer.get(REGISTER).content.decode()
    body = page[page.index('id="result_list"') :]
    positions = [body.index(f"{REGISTER}{r.pk}/change/") for r in (late, soon, done)]
    assert positions == sorted(positions)
    assert "…34" in page and "…77" in page
    assert late.due_on < today and late.is_overdue()
    assert not soon.is_overdue()
    # Overdue is marked; not overdue is a neutral dash, not a red cross.
    assert page.count('class="flag-yes"') == 1
    assert 'alt="False"' not in page and 'class="flag-no"' in page


def test_the_overdue_filter(privacy_officer):
    late = make_request("deletion", received_at=timezone.now() - datetime.timedelta(days=30))
    fresh = make_request("deletion")
    closed_late = make_request("blocking", received_at=timezone.now() - datetime.timedelta(days=30))
    SubjectRequest.objects.filter(pk=closed_late.pk).update(status="done")
    listed = privacy_officer.get(REGISTER, {"overdue": "yes"}).context["cl"].result_list
    assert [r.pk for r in listed] == [late.pk]
    listed = privacy_officer.get(REGISTER, {"overdue": "no"}).context["cl"].result_list
    assert {r.pk for r in listed} == {fresh.pk, closed_late.pk}
    assert list(SubjectRequest.objects.overdue()) == [late]


def test_status_and_kind_filters(privacy_officer):
    deletion = make_request("deletion")
    information = make_request("information")
    SubjectRequest.objects.filter(pk=information.pk).update(status="done")
    listed = privacy_officer.get(REGISTER, {"kind__exact": "deletion"}).context["cl"].result_list
    assert [r.pk for r in listed] == [deletion.pk]
    listed = privacy_officer.get(REGISTER, {"status__exact": "done"}).context["cl"].result_list
    assert [r.pk for r in listed] == [information.pk]


def test_closing_a_request_records_who_and_when_and_kind_stays(privacy_officer):
    subject_request = make_request("information")
    response = privacy_officer.post(
        f"{REGISTER}{subject_request.pk}/change/",
        {"status": "done", "closing_note": "Answered by e-mail.", "kind": "deletion"},
    )
    assert response.status_code == 302
    subject_request.refresh_from_db()
    assert subject_request.status == "done"
    assert subject_request.closing_note == "Answered by e-mail."
    assert subject_request.handled_by == privacy_officer.user
    assert subject_request.closed_at is not None
    assert subject_request.kind == "information"
    # Reopened: no longer closed.
    privacy_officer.post(f"{REGISTER}{subject_request.pk}/change/", {"status": "open"})
    subject_request.refresh_from_db()
    assert subject_request.closed_at is None


def test_a_refusal_needs_its_reasons(privacy_officer):
    subject_request = make_request("deletion")
    response = privacy_officer.post(
        f"{REGISTER}{subject_request.pk}/change/", {"status": "refused", "closing_note": " "}
    )
    assert response.status_code == 200
    assert "closing_note" in response.context["adminform"].form.errors
    subject_request.refresh_from_db()
    assert subject_request.status == "open"


@pytest.mark.parametrize("note", [f"Called back on {CANARY_PHONE_TYPED}", "Sent to 7015551234"])
def test_a_closing_note_with_a_phone_number_is_refused(privacy_officer, note):
    subject_request = make_request("information")
    response = privacy_officer.post(
        f"{REGISTER}{subject_request.pk}/change/", {"status": "done", "closing_note": note}
    )
    assert "closing_note" in response.context["adminform"].form.errors
    subject_request.refresh_from_db()
    assert (subject_request.status, subject_request.closing_note) == ("open", "")


# The same number in every way a hand may write it down.
PHONE_STYLES = [
    "8/701/555/01/99",
    "8.701.555.01.99",
    "8_701_555_01_99",
    "8\\701\\555\\01\\99",
    "+7 (701) 555-01-99",
    "+7/701/555/01/99",
    "87015550199",
    "8 701 5550199",
    "8-701-555-01-99",
    "7015550199",
    "\uff18\uff17\uff10\uff11\uff15\uff15\uff15\uff10\uff11\uff19\uff19",  # full width
    "+49 30 1234567",
]


def register_text_fields(client):
    """(url, form, field name) of every text a staff member types into the register.

    The register (the privacy app's records) outlives the inquiries it concerns.
    """
    from django.apps import apps
    from django.contrib import admin

    subject_request = make_request("information")
    DestructionRecord.objects.create(basis="deletion", actor="x", request=subject_request)
    Incident.objects.create(description="Laptop lost.", subjects_count=1)
    CalendarDay.objects.create(
        date=datetime.date(2026, 2, 7),
        kind="working_day",
        decree_number="1042",
        decree_date=datetime.date(2025, 12, 20),
    )
    found = []
    for model in apps.get_app_config("privacy").get_models():
        if model not in admin.site._registry:
            continue
        for record in model.objects.all()[:1]:
            url = f"/admin/privacy/{model._meta.model_name}/{record.pk}/change/"
            form = client.get(url).context["adminform"].form
            for name, field in form.fields.items():
                if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
                    found.append((url, form, name))
    return found


@pytest.mark.parametrize("role", ["privacy_officer", "verified_admin_client"])
@pytest.mark.parametrize("typed", PHONE_STYLES)
def test_every_text_typed_into_the_register_refuses_a_phone_number_in_any_style(
    request, role, typed
):
    client = request.getfixturevalue(role)
    fields = register_text_fields(client)
    assert {"closing_note", "description", "measures", "decree_number", "note"} <= {
        name for url, form, name in fields
    }
    for url, form, name in fields:
        data = {key: form[key].value() or "" for key in form.fields}
        data[name] = f"Called back on {typed} today."
        response = client.post(url, data)
        assert response.status_code == 200, (url, name)
        assert name in response.context["adminform"].form.errors, (url, name)
    for subject_request in SubjectRequest.objects.all():
        text = row_text(subject_request)
        assert typed not in text
        for form in phone_forms("+77015550199"):
            assert form not in text


@pytest.mark.parametrize(
    "note",
    [
        "Done on 12.05.2026 at 10:30, case 2-123/2026, 3 inquiries deleted.",
        "Refused: identity not confirmed within 5 working days (Art. 16).",
        "Q-7K3M-9XQ2-HD4P and Q-8M2N-0XQ2-HD4P exported, 2 pages.",
    ],
)
def test_a_closing_note_without_a_phone_number_is_kept(privacy_officer, note):
    subject_request = make_request("information")
    response = privacy_officer.post(
        f"{REGISTER}{subject_request.pk}/change/", {"status": "done", "closing_note": note}
    )
    assert response.status_code == 302
    subject_request.refresh_from_db()
    assert subject_request.closing_note == note


def test_the_change_page_links_to_carrying_out_the_request(privacy_officer):
    subject_request = make_request("information")
    page = privacy_officer.get(f"{REGISTER}{subject_request.pk}/change/").content.decode()
    assert f'href="{act_url(subject_request)}"' in page
    assert "…34" in page
    assert 'name="kind"' not in page  # read-only


def test_requests_are_never_deleted(privacy_officer, verified_admin_client):
    subject_request = make_request("information")
    for client in (privacy_officer, verified_admin_client):
        response = client.post(f"{REGISTER}{subject_request.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
    assert SubjectRequest.objects.filter(pk=subject_request.pk).exists()


def test_destruction_records_and_job_runs_are_read_only(privacy_officer):
    subject_request = make_request("deletion")
    record = DestructionRecord.objects.create(
        basis="deletion", count=2, actor="someone", request=subject_request
    )
    page = privacy_officer.get("/admin/privacy/destructionrecord/").content.decode()
    assert str(subject_request) in page
    assert privacy_officer.get("/admin/privacy/destructionrecord/add/").status_code == 403
    change = privacy_officer.get(f"/admin/privacy/destructionrecord/{record.pk}/change/")
    assert change.status_code == 200 and 'name="count"' not in change.content.decode()
    response = privacy_officer.post(f"/admin/privacy/destructionrecord/{record.pk}/delete/")
    assert response.status_code == 403
    assert privacy_officer.get("/admin/privacy/jobrun/").status_code == 200
    assert privacy_officer.get("/admin/privacy/jobrun/add/").status_code == 403


def test_operators_get_403_on_the_register_and_the_act_page(operator):
    subject_request = make_request("deletion")
    inquiry = make_inquiry()
    for url in (
        REGISTER,
        f"{REGISTER}add/",
        f"{REGISTER}{subject_request.pk}/change/",
        act_url(subject_request),
        "/admin/privacy/destructionrecord/",
        "/admin/privacy/jobrun/",
    ):
        assert operator.get(url).status_code == 403, url
    for action in ("find", "export_json", "block", "delete_confirmed"):
        assert act(operator, subject_request, action).status_code == 403
    assert Inquiry.objects.filter(pk=inquiry.pk, blocked_at__isnull=True).exists()
    assert not SubjectRequest.objects.filter(handled_by__isnull=False).exists()


def test_the_act_page_needs_the_second_factor_too(privacy_officer, client):
    subject_request = make_request("deletion")
    client.force_login(privacy_officer.user)
    response = act(client, subject_request, "delete_confirmed")
    assert response.status_code == 302
    assert not DestructionRecord.objects.exists()


# --- carrying out: the number typed again -------------------------------------------------


def test_the_act_page_asks_for_the_number(privacy_officer):
    subject_request = make_request("information")
    response = privacy_officer.get(act_url(subject_request))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="phone"' in page and 'method="post"' in page
    assert "…34" in page


def test_the_act_page_of_a_missing_request_returns_to_the_register_with_a_warning(
    privacy_officer,
):
    response = privacy_officer.get(f"{REGISTER}999/act/", follow=True)
    assert response.redirect_chain == [(REGISTER, 302)]
    [message] = response.context["messages"]
    assert message.level_tag == "warning"
    assert message.message == ru(
        "There is no request with ID “%(key)s”; it may have been deleted."
    ) % {"key": "999"}
    assert "999" in message.message and "Запроса" in message.message


def test_only_the_html_export_allows_its_inline_stylesheet(privacy_officer):
    subject_request = make_request("information")
    make_inquiry()
    policy = act(privacy_officer, subject_request)["Content-Security-Policy"]
    assert print_css_source() not in policy


@pytest.mark.parametrize("typed", [OTHER_PHONE, "8 701 555 12 35"])
def test_another_number_is_refused(privacy_officer, typed):
    subject_request = make_request("deletion")
    make_inquiry()
    make_inquiry(phone=OTHER_PHONE)
    response = act(privacy_officer, subject_request, "delete_confirmed", phone=typed)
    assert response.status_code == 200
    errors = response.context["form"].errors["phone"]
    assert errors == [ru("This number is not the one of the request.")]
    assert ru("This number is not the one of the request.") in response.content.decode()
    assert Inquiry.objects.count() == 2
    assert not references(response.content.decode())


def test_a_number_that_is_no_number_is_refused(privacy_officer):
    subject_request = make_request("information")
    response = act(privacy_officer, subject_request, phone="555")
    assert response.context["form"].errors["phone"]
    assert response.context["inquiries"] is None


def test_the_request_number_in_any_format_lists_all_its_inquiries_blocked_and_held_too(
    privacy_officer,
):
    subject_request = make_request("information")
    plain = make_inquiry()
    blocked = make_inquiry(blocked_at=timezone.now())
    held = make_inquiry(legal_hold_reason="Court case 2-123/2026")
    other = make_inquiry(phone=OTHER_PHONE)
    for typed in ("+7 (701) 555-12-34", "87015551234", CANARY_PHONE):
        response = act(privacy_officer, subject_request, phone=typed)
        page = response.content.decode()
        assert references(page) == {plain.reference, blocked.reference, held.reference}
        assert other.reference not in page
        assert "Court case 2-123/2026" in page
        assert CANARY_NAME not in page and CANARY_MESSAGE not in page


def test_finding_is_not_acting(privacy_officer):
    subject_request = make_request("information")
    act(privacy_officer, subject_request)
    subject_request.refresh_from_db()
    assert subject_request.handled_by is None
    assert not LogEntry.objects.exists()


def test_actions_of_another_kind_are_refused(privacy_officer):
    information = make_request("information")
    deletion = make_request("deletion")
    inquiry = make_inquiry()
    assert act(privacy_officer, information, "delete_confirmed").status_code == 403
    assert act(privacy_officer, information, "block").status_code == 403
    assert act(privacy_officer, deletion, "block").status_code == 403
    assert act(privacy_officer, deletion, "no_such_action").status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.blocked_at is None


def test_a_closed_request_allows_no_action_but_lifting_a_block(privacy_officer):
    subject_request = make_request("blocking", status="done")
    inquiry = make_inquiry(blocked_at=timezone.now())
    assert act(privacy_officer, subject_request, "block").status_code == 403
    assert act(privacy_officer, subject_request, "export_json").status_code == 403
    deletion = make_request("deletion", status="done")
    assert act(privacy_officer, deletion, "delete_confirmed").status_code == 403
    assert act(privacy_officer, subject_request, "unblock").status_code == 200
    inquiry.refresh_from_db()
    assert inquiry.blocked_at is None


# --- correction -------------------------------------------------------------------------


def test_correction_links_to_each_inquiry_to_edit_it(privacy_officer):
    subject_request = make_request("correction")
    first, second = make_inquiry(), make_inquiry()
    page = act(privacy_officer, subject_request).content.decode()
    for inquiry in (first, second):
        assert f'href="{INQUIRIES}{inquiry.pk}/change/"' in page
    edit = privacy_officer.get(f"{INQUIRIES}{first.pk}/change/").content.decode()
    assert 'name="name"' in edit and 'name="phone"' in edit and 'name="message"' in edit
    privacy_officer.post(
        f"{INQUIRIES}{first.pk}/change/",
        {
            "name": "Исправленное Имя",
            "phone": "8 701 555 12 34",
            "message": "Исправлено",
            "status": "new",
            "note": "",
            "legal_hold_reason": "",
        },
    )
    first.refresh_from_db()
    assert (first.name, first.phone, first.message) == (
        "Исправленное Имя",
        CANARY_PHONE,
        "Исправлено",
    )


# --- blocking ---------------------------------------------------------------------------


def test_blocking_hides_the_inquiries_from_operators_until_unblocked(operator, privacy_officer):
    subject_request = make_request("blocking")
    first, second = make_inquiry(), make_inquiry()
    visible = make_inquiry(phone=OTHER_PHONE)
    response = act(privacy_officer, subject_request, "block")
    assert response.status_code == 200
    for inquiry in (first, second):
        inquiry.refresh_from_db()
        assert inquiry.blocked_at is not None
        assert inquiry.blocked_by == privacy_officer.user
    subject_request.refresh_from_db()
    assert subject_request.handled_by == privacy_officer.user
    assert [m.message for m in response.context["messages"]] == [blocked_text(2)]

    page = operator.get(INQUIRIES).content.decode()
    assert references(page) == {visible.reference}
    search = operator.get(INQUIRIES, {"q": CANARY_PHONE_TYPED}).content.decode()
    assert references(search) == set()
    assert operator.get(f"{INQUIRIES}{first.pk}/change/").status_code == 302
    officer_search = privacy_officer.get(INQUIRIES, {"q": CANARY_PHONE_TYPED}).content.decode()
    assert references(officer_search) == {first.reference, second.reference}

    response = act(privacy_officer, subject_request, "unblock")
    assert [m.message for m in response.context["messages"]] == [blocked_text(2, unblocked=True)]
    search = operator.get(INQUIRIES, {"q": CANARY_PHONE_TYPED}).content.decode()
    assert references(search) == {first.reference, second.reference}


def test_a_blocking_request_may_also_be_unblocked_and_blocking_twice_changes_nothing(
    privacy_officer,
):
    subject_request = make_request("blocking")
    inquiry = make_inquiry()
    act(privacy_officer, subject_request, "block")
    inquiry.refresh_from_db()
    first_blocked_at = inquiry.blocked_at
    response = act(privacy_officer, subject_request, "block")
    assert [m.message for m in response.context["messages"]] == [blocked_text(0)]
    inquiry.refresh_from_db()
    assert inquiry.blocked_at == first_blocked_at


# --- deletion and withdrawal of consent -------------------------------------------------


@pytest.mark.parametrize("kind", ["deletion", "withdrawal"])
def test_erasure_asks_for_confirmation_first(privacy_officer, kind):
    subject_request = make_request(kind)
    make_inquiry()
    make_inquiry(legal_hold_reason="Court case")
    response = act(privacy_officer, subject_request, "delete")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="delete_confirmed"' in page
    assert (
        ru("%(due)s will be deleted; %(held)s under legal hold will be kept.")
        % {
            "due": 1,
            "held": 1,
        }
        in page
    )
    assert Inquiry.objects.count() == 2
    assert not DestructionRecord.objects.exists()


@pytest.mark.parametrize("kind", ["deletion", "withdrawal"])
def test_erasure_deletes_all_but_legal_hold_and_reports_it(privacy_officer, kind):
    subject_request = make_request(kind)
    gone = [make_inquiry(), make_inquiry(status="processed")]
    held = make_inquiry(legal_hold_reason="Court case 2-123/2026")
    other = make_inquiry(phone=OTHER_PHONE)
    response = act(privacy_officer, subject_request, "delete_confirmed")
    assert response.status_code == 200
    page = response.content.decode()
    assert deleted_text(2, 1) in page
    assert references(page) == {held.reference}
    assert not Inquiry.objects.filter(pk__in=[i.pk for i in gone]).exists()
    assert Inquiry.objects.filter(pk__in=[held.pk, other.pk]).count() == 2
    record = DestructionRecord.objects.get()
    assert record.basis == kind
    assert (record.count, record.held_back, record.blocked_kept) == (2, 1, 0)
    assert record.actor == privacy_officer.user.username
    assert record.phone_hash == subject_request.phone_hash
    assert record.request == subject_request
    # Received on or before the erasure: what the number sends later is not erased by it.
    assert record.cutoff is not None and record.cutoff <= record.destroyed_at
    subject_request.refresh_from_db()
    assert subject_request.handled_by == privacy_officer.user
    entry = LogEntry.objects.get(object_id=str(subject_request.pk))
    assert entry.change_message == deleted_text(2, 1)


def test_erasure_warns_when_the_destruction_journal_cannot_be_written(
    privacy_officer, settings, tmp_path
):
    (tmp_path / "not-a-directory").write_text("")
    settings.DESTRUCTION_JOURNAL = tmp_path / "not-a-directory" / "destructions.jsonl"
    subject_request = make_request("deletion")
    make_inquiry()
    response = act(privacy_officer, subject_request, "delete_confirmed")
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels == ["success", "warning"]
    assert not Inquiry.objects.exists()


def test_erasure_is_written_to_the_destruction_journal_without_the_number(privacy_officer):
    from privacy.journal import journal_entries

    subject_request = make_request("withdrawal")
    make_inquiry()
    act(privacy_officer, subject_request, "delete_confirmed")
    (entry,) = journal_entries()
    assert entry["phone_hash"] == subject_request.phone_hash
    assert entry["basis"] == "withdrawal"
    assert_no_phone_in(str(entry), "the destruction journal")
    assert CANARY_NAME not in str(entry)


def assert_no_personal_data_left():
    """The canary is in no table (destruction records, register, log included), no session,
    and not in the destruction journal beside the backups."""
    from django.conf import settings

    assert_canary_gone_from_every_table()
    journal = Path(settings.DESTRUCTION_JOURNAL)
    assert journal.exists()
    assert_no_phone_in(journal.read_text(encoding="utf-8"), "the destruction journal")
    assert CANARY_NAME not in journal.read_text(encoding="utf-8")
    for session in Session.objects.all():
        assert_no_phone_in(str(session.get_decoded()), "a session")
        assert CANARY_NAME not in str(session.get_decoded())


@pytest.mark.parametrize("kind", ["deletion", "withdrawal"])
def test_erasure_leaves_no_personal_data_anywhere(privacy_officer, operator, kind):
    subject_request = make_request(kind)
    first = make_inquiry(note=f"Called {CANARY_NAME} at {CANARY_PHONE}")
    make_inquiry(status="processed")
    # Seen by staff (view records, admin log entries) and exported before the erasure.
    operator.get(f"{INQUIRIES}{first.pk}/change/")
    operator.post(INQUIRIES, {"action": "mark_processed", "_selected_action": first.pk})
    privacy_officer.get(f"{INQUIRIES}{first.pk}/change/")
    act(privacy_officer, subject_request, "export_json")
    act(privacy_officer, subject_request, "delete")
    response = act(privacy_officer, subject_request, "delete_confirmed")
    assert deleted_text(2, 0) in response.content.decode()
    assert not Inquiry.objects.exists()
    assert DestructionRecord.objects.get().count == 2
    assert_no_personal_data_left()


def test_erasing_a_number_with_nothing_left_records_nothing(privacy_officer):
    subject_request = make_request("deletion")
    response = act(privacy_officer, subject_request, "delete_confirmed")
    assert deleted_text(0, 0) in response.content.decode()
    assert not DestructionRecord.objects.exists()


# --- the number goes nowhere --------------------------------------------------------------


def test_no_url_log_entry_message_log_line_or_session_holds_the_number(
    privacy_officer, operator, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    added = []
    original_add = BaseStorage.add

    def recording_add(self, level, message, extra_tags=""):
        added.append(str(message))
        return original_add(self, level, message, extra_tags)

    monkeypatch.setattr(BaseStorage, "add", recording_add)
    responses = []

    def post(client, url, data):
        response = client.post(url, data)
        responses.append(response)
        return response

    # An hour ago in Almaty time: a fixed "09:00 today" is in the future just after midnight.
    received = timezone.localtime() - datetime.timedelta(hours=1)
    for typed in (CANARY_PHONE_TYPED, CANARY_PHONE):
        post(privacy_officer, f"{REGISTER}add/", {"kind": "information", "phone": "bad"})
        for kind in ("information", "correction", "blocking", "deletion", "withdrawal"):
            post(
                privacy_officer,
                f"{REGISTER}add/",
                {
                    "kind": kind,
                    "received_at_0": received.date().isoformat(),
                    "received_at_1": received.strftime("%H:%M:%S"),
                    "phone": typed,
                },
            )
    make_inquiry()
    make_inquiry(legal_hold_reason="Court case")
    flows = [
        ("information", ["find", "export_html", "export_json", "export_csv", "export_xlsx"]),
        ("correction", ["find"]),
        ("blocking", ["block", "unblock"]),
        ("deletion", ["delete", "delete_confirmed"]),
        ("withdrawal", ["delete", "delete_confirmed"]),
    ]
    for kind, actions in flows:
        subject_request = SubjectRequest.objects.filter(kind=kind).first()
        responses.append(privacy_officer.get(act_url(subject_request)))
        post(privacy_officer, act_url(subject_request), {"phone": OTHER_PHONE})
        for action in actions:
            response = post(
                privacy_officer,
                act_url(subject_request),
                {"phone": CANARY_PHONE_TYPED, "action": action},
            )
            assert response.status_code == 200, (kind, action)
        responses.append(privacy_officer.get(f"{REGISTER}{subject_request.pk}/change/"))
        response = post(
            privacy_officer,
            f"{REGISTER}{subject_request.pk}/change/",
            {"status": "done", "closing_note": "Done."},
        )
        assert response.status_code == 302
    post(operator, act_url(subject_request), {"phone": CANARY_PHONE_TYPED, "action": "find"})
    responses.append(privacy_officer.get(REGISTER))
    responses.append(privacy_officer.get("/admin/privacy/destructionrecord/"))

    urls = []
    for response in responses:
        urls.append(response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"])
        if response.has_header("Location"):
            urls.append(response["Location"])
        if response["Content-Type"].startswith("text/html") and response.content:
            page = response.content.decode()
            urls += re.findall(r'(?:href|action|src)="([^"]*)"', page)
            title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
            assert_no_phone_in(title, "a page title")
            assert CANARY_NAME not in title
    assert len(urls) > 50
    for url in urls:
        assert_no_phone_in(url, f"the URL {url}")
        assert "5551234" not in re.sub(r"\D", "", url)
    for message in added:
        assert_no_phone_in(message, "a message")
    assert len(added) >= 10
    entries = LogEntry.objects.all()
    assert entries.count() >= 15
    for entry in entries:
        assert_no_phone_in(f"{entry.object_repr} {entry.change_message}", "an admin log entry")
    assert_no_phone_in(caplog.text, "the log")
    for session in Session.objects.all():
        assert_no_phone_in(str(session.get_decoded()), "a session")
    for client in (privacy_officer, operator):
        assert_no_phone_in(str(client.cookies), "a cookie")
    for subject_request in SubjectRequest.objects.all():
        assert_no_phone_in(row_text(subject_request), "the register")
    for record in DestructionRecord.objects.all():
        assert_no_phone_in(row_text(record), "a destruction record")


def test_error_reports_hide_the_typed_number(privacy_officer, monkeypatch, caplog):
    from django.views.debug import (
        SafeExceptionReporterFilter,
        get_default_exception_reporter_filter,
    )

    import privacy.admin
    import privacy.carry_out

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(privacy.carry_out, "inquiries_destroy", broken)
    privacy_officer.raise_request_exception = False
    subject_request = make_request("deletion")
    caplog.set_level(logging.ERROR, logger="django.request")
    assert act(privacy_officer, subject_request, "delete_confirmed").status_code == 500
    assert add_request(privacy_officer, phone="bad").status_code == 200
    monkeypatch.setattr(
        privacy.admin.SubjectRequestAdmin,
        "save_model",
        lambda *args: (_ for _ in ()).throw(RuntimeError("disk full")),
    )
    assert add_request(privacy_officer).status_code == 500
    records = [record for record in caplog.records if hasattr(record, "request")]
    assert len(records) == 2
    # The views mark the number sensitive: even Django's stock filter hides it.
    for reporter in (SafeExceptionReporterFilter(), get_default_exception_reporter_filter()):
        for record in records:
            assert tuple(record.request.sensitive_post_parameters) == ("phone",)
            post = reporter.get_post_parameters(record.request)
            assert post["phone"] != record.request.POST["phone"]
            assert_no_phone_in(str(post), "an error report")
    assert_no_phone_in(caplog.text, "the log")
