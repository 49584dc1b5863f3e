import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries.models import Inquiry, InquiryView
from testkit.inquiries import (
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    make_inquiry,
)

pytestmark = pytest.mark.django_db

LIST = "/admin/inquiries/inquiry/"


def change_url(inquiry):
    return f"{LIST}{inquiry.pk}/change/"


def result_rows(page):
    return re.findall(r'<tr[^>]*>\s*<td class="action-checkbox">.*?</tr>', page, re.S)


# --- The list ----------------------------------------------------------------------------


def test_list_shows_reference_received_name_phone_link_status_and_message_start(operator):
    inquiry = make_inquiry(
        message="Нужна консультация по ремонту кондиционера в офисе завтра утром"
    )
    page = operator.get(LIST).content.decode()
    assert inquiry.reference in page
    assert CANARY_NAME in page
    assert f'href="tel:{CANARY_PHONE}"' in page
    assert "Нужна консультация по ремонту кондиционера в офисе завтра утром" not in page
    assert "Нужна консультация по ремонту" in page


def test_the_queue_is_oldest_first_and_all_inquiries_newest_first(operator):
    older = make_inquiry()
    newer = make_inquiry()
    earlier = newer.created_at.replace(year=2025)
    Inquiry.objects.filter(pk=older.pk).update(created_at=earlier, queued_at=earlier)
    page = operator.get(LIST).content.decode()
    assert page.index(older.reference) < page.index(newer.reference)
    page = operator.get(LIST, {"queue": "all"}).content.decode()
    assert page.index(newer.reference) < page.index(older.reference)


@pytest.mark.parametrize(
    "typed",
    ["8 701 555 12 34", "+77015551234", "+7 (701) 555-12-34", "87015551234", "701 555", "7015551"],
)
def test_phone_search_finds_the_number_in_any_format(operator, typed):
    wanted = make_inquiry(phone="+77015551234")
    other = make_inquiry(phone="+77021234567")
    page = operator.get(LIST, {"q": typed}).content.decode()
    assert wanted.reference in page
    assert other.reference not in page


def test_phone_search_uses_a_prefix_match_never_a_substring_scan(operator):
    make_inquiry(phone="+77015551234")
    with CaptureQueriesContext(connection) as queries:
        operator.get(LIST, {"q": "8 701 555"})
    phone_sql = [q["sql"] for q in queries if "phone" in q["sql"] and "LIKE" in q["sql"].upper()]
    assert phone_sql, "the search did not filter on the phone column"
    for sql in phone_sql:
        assert "'+7701555%'" in sql
        assert "'%+7701555" not in sql and "%7701555%" not in sql.replace("'+7701555%'", "")


def test_name_and_reference_search(operator):
    wanted = make_inquiry(name="Сауле Нурланова")
    other = make_inquiry(name="Пётр Иванов")
    page = operator.get(LIST, {"q": "Нурланова"}).content.decode()
    assert wanted.reference in page and other.reference not in page
    page = operator.get(LIST, {"q": other.reference.lower()}).content.decode()
    assert other.reference in page and wanted.reference not in page


def test_changelist_query_count_does_not_grow_with_rows(operator):
    for _ in range(3):
        make_inquiry()
    operator.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert operator.get(LIST).status_code == 200
    for _ in range(40):
        make_inquiry()
    with CaptureQueriesContext(connection) as many:
        assert operator.get(LIST).status_code == 200
    assert len(many) == len(few)


def test_changelist_never_counts_the_whole_table(operator):
    make_inquiry()
    with CaptureQueriesContext(connection) as queries:
        operator.get(LIST)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts
    for sql in counts:
        # Capped, or the repeat callers of the page's own numbers (on the phone index).
        assert "LIMIT" in sql.upper() or '"phone" IN (' in sql, sql


def test_filters_on_status_date_and_consent_version(operator):
    waiting = make_inquiry()
    done = make_inquiry(status=Inquiry.Status.PROCESSED)
    page = operator.get(LIST, {"status__exact": "new"}).content.decode()
    assert waiting.reference in page and done.reference not in page
    page = operator.get(LIST, {"consent_version__id__exact": waiting.consent_version_id}).content
    assert waiting.reference.encode() in page
    year = waiting.created_at.year
    page = operator.get(LIST, {"created_at__year": year}).content.decode()
    assert waiting.reference in page


# --- Processing --------------------------------------------------------------------------


def test_bulk_mark_processed_records_who_and_when_then_can_be_undone(operator):
    first, second = make_inquiry(), make_inquiry()
    response = operator.post(
        LIST,
        {"action": "mark_processed", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    # Ticked rows are acted on whichever part of the queue the list showed.
    assert response.status_code == 200
    assert "2" in "".join(m.message for m in response.context["messages"])
    first.refresh_from_db()
    assert first.status == Inquiry.Status.PROCESSED
    assert first.processed_by.username.startswith("operators")
    assert first.processed_at is not None
    operator.post(LIST, {"action": "mark_not_processed", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert (first.status, first.processed_by, first.processed_at) == ("new", None, None)


def test_detail_shows_submitted_data_and_consent_evidence_read_only(operator):
    inquiry = make_inquiry()
    page = operator.get(change_url(inquiry)).content.decode()
    for field in ("name", "phone", "message", "consent_sha256", "reference"):
        assert f'name="{field}"' not in page
    assert 'name="status"' in page and 'name="note"' in page
    assert CANARY_NAME in page and CANARY_MESSAGE in page
    assert inquiry.consent_sha256 in page
    assert 'href="/consent/1/"' in page
    assert 'href="/consent/1/ru.txt"' in page


def test_changing_status_and_note_records_who_and_when_and_logs_no_personal_data(operator):
    inquiry = make_inquiry()
    # While it waits, the note is the call-back panel's; once processed, the form's.
    operator.post(change_url(inquiry), {"status": "processed", "name": "Hacker"})
    response = operator.post(
        change_url(inquiry),
        {"status": "processed", "note": "Перезвонили, клиент доволен", "name": "Hacker"},
        follow=True,
    )
    assert response.status_code == 200
    inquiry.refresh_from_db()
    assert inquiry.status == "processed" and inquiry.note == "Перезвонили, клиент доволен"
    assert inquiry.name == CANARY_NAME  # read-only field ignored
    assert inquiry.processed_by is not None and inquiry.processed_at is not None
    page = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    shown = title + "".join(str(m.message) for m in response.context["messages"])
    entries = LogEntry.objects.all()
    assert entries.exists()
    logged = "".join(f"{e.object_repr} {e.change_message}" for e in entries)
    for text in (shown, logged):
        for personal in (CANARY_NAME, CANARY_PHONE, CANARY_MESSAGE, "Перезвонили"):
            assert personal not in text


def test_opening_an_inquiry_is_recorded_and_shown_to_privacy_officers(operator, privacy_officer):
    inquiry = make_inquiry()
    operator.get(change_url(inquiry))
    record = InquiryView.objects.get()
    assert record.inquiry == inquiry
    assert record.username.startswith("operators")
    assert str(record) == f"Просмотр № {record.pk} обращения № {inquiry.pk}"
    assert operator.get("/admin/inquiries/inquiryview/").status_code == 403
    page = privacy_officer.get("/admin/inquiries/inquiryview/").content.decode()
    assert record.username in page and inquiry.reference in page
    for personal in (CANARY_NAME, CANARY_PHONE):
        assert personal not in page


def test_admin_index_and_list_say_how_many_are_waiting(operator):
    make_inquiry(), make_inquiry(), make_inquiry(status=Inquiry.Status.PROCESSED)
    for url in ("/admin/", LIST):
        page = operator.get(url).content.decode()
        waiting = re.search(r'<p class="waiting-inquiries">(.*?)</p>', page, re.S)
        assert waiting, url
        assert re.search(r"\b2\b", waiting.group(1))
        assert "status__exact=new" in waiting.group(1)


# --- Roles -------------------------------------------------------------------------------


def test_operator_cannot_delete_add_or_publish(operator):
    inquiry = make_inquiry()
    assert operator.get(f"{LIST}{inquiry.pk}/delete/").status_code == 403
    assert operator.post(f"{LIST}{inquiry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert operator.get(f"{LIST}add/").status_code == 403
    assert "delete_selected" not in operator.get(LIST).content.decode()
    assert operator.get("/admin/consent/consentversion/").status_code == 403
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_privacy_officer_can_publish_consent_but_not_delete_inquiries(privacy_officer):
    inquiry = make_inquiry()
    page = privacy_officer.get("/admin/consent/consentversion/").content.decode()
    assert 'value="publish"' in page
    assert privacy_officer.get(f"{LIST}{inquiry.pk}/delete/").status_code == 403


def test_staff_without_a_group_sees_no_inquiries(verified_client_factory):
    user = User.objects.create_user("nobody", password="x" * 20, is_staff=True)
    client = verified_client_factory(user)
    assert client.get(LIST).status_code == 403


# --- Staying fast at a million rows ------------------------------------------------------


def test_date_drilldown_comes_from_min_and_max_not_a_distinct_scan(operator):
    first = make_inquiry()
    last = make_inquiry()
    Inquiry.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2024))
    with CaptureQueriesContext(connection) as queries:
        page = operator.get(LIST).content.decode()
    assert not [q for q in queries if "DISTINCT" in q["sql"].upper()]
    years = range(2024, last.created_at.year + 1)
    for year in years:
        assert f"created_at__year={year}" in page


@pytest.mark.parametrize(
    ("first", "last", "kind", "expected"),
    [
        (
            "2024-11-30 23:00",
            "2026-01-01 01:00",
            "year",
            ["2024-01-01", "2025-01-01", "2026-01-01"],
        ),
        (
            "2025-11-15 10:00",
            "2026-02-01 00:00",
            "month",
            ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"],
        ),
        ("2024-02-28 12:00", "2024-03-01 08:00", "day", ["2024-02-28", "2024-02-29", "2024-03-01"]),
    ],
)
def test_date_periods_cover_first_to_last(first, last, kind, expected):
    import datetime

    from django.utils import timezone

    from inquiries.triage import periods as _periods

    def local(text):
        return timezone.make_aware(datetime.datetime.fromisoformat(text))

    periods = _periods(local(first), local(last), kind)
    assert [p.date().isoformat() for p in periods] == expected
    assert all(p.hour == 0 and p.minute == 0 for p in periods)


# --- Blocking, legal hold and correction (privacy officers) --------------------------------


def test_blocked_inquiries_disappear_for_operators_but_not_privacy_officers(
    operator, privacy_officer
):
    blocked = make_inquiry(phone="+77015551234")
    Inquiry.objects.filter(pk=blocked.pk).update(blocked_at=timezone.now())
    visible = make_inquiry(phone="+77029998877")
    page = operator.get(LIST).content.decode()
    assert blocked.reference not in page and visible.reference in page
    assert blocked.reference not in operator.get(LIST, {"q": "8 701 555 12 34"}).content.decode()
    assert operator.get(change_url(blocked)).status_code == 302  # "does not exist" redirect
    waiting = re.search(r'<p class="waiting-inquiries">(.*?)</p>', page, re.S).group(1)
    assert re.search(r"\b1\b", waiting)
    officer_page = privacy_officer.get(LIST, {"q": "8 701 555 12 34"}).content.decode()
    assert blocked.reference in officer_page
    assert privacy_officer.get(change_url(blocked)).status_code == 200


def test_a_blocked_inquiry_is_not_announced_until_unblocked(settings):
    from inquiries.notifications import Outcome, notification_send

    settings.INQUIRY_NOTIFY_EMAILS = ["staff@example.kz"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    inquiry = make_inquiry()
    Inquiry.objects.filter(pk=inquiry.pk).update(blocked_at=timezone.now())
    assert notification_send(reference=inquiry.reference) == Outcome.SKIPPED
    Inquiry.objects.filter(pk=inquiry.pk).unblock()
    assert notification_send(reference=inquiry.reference) == Outcome.SENT


def test_only_privacy_officers_place_a_legal_hold_with_a_reason(operator, privacy_officer):
    inquiry = make_inquiry()
    operator.post(change_url(inquiry), {"status": "new", "legal_hold_reason": "Operator says"})
    inquiry.refresh_from_db()
    assert inquiry.legal_hold_reason == ""
    assert 'name="legal_hold_reason"' not in operator.get(change_url(inquiry)).content.decode()
    privacy_officer.post(
        change_url(inquiry),
        {
            "status": "new",
            "name": inquiry.name,
            "phone": inquiry.phone,
            "message": inquiry.message,
            "legal_hold_reason": "  Court request  No. 5 ",
        },
    )
    inquiry.refresh_from_db()
    assert inquiry.legal_hold_reason == "Court request No. 5"
    assert inquiry.legal_hold_at is not None
    assert inquiry.legal_hold_by.username.startswith("privacy")
    page = operator.get(LIST).content.decode()
    assert 'value="lift_legal_hold"' not in page
    # First a page that says what lifting means, and lifts nothing.
    page = privacy_officer.post(
        LIST, {"action": "lift_legal_hold", "_selected_action": [inquiry.pk]}
    ).content.decode()
    assert "Снять удержание по требованию закона?" in page and "Court request No. 5" in page
    assert 'name="post" value="yes"' in page and 'class="button danger"' in page
    inquiry.refresh_from_db()
    assert inquiry.legal_hold_reason == "Court request No. 5"
    privacy_officer.post(
        LIST, {"action": "lift_legal_hold", "_selected_action": [inquiry.pk], "post": "yes"}
    )
    inquiry.refresh_from_db()
    assert (inquiry.legal_hold_reason, inquiry.legal_hold_at, inquiry.legal_hold_by) == (
        "",
        None,
        None,
    )


def test_privacy_officer_corrects_the_data_with_the_forms_rules(privacy_officer):
    inquiry = make_inquiry()
    url = change_url(inquiry)
    base = {"status": "new", "message": inquiry.message, "legal_hold_reason": ""}
    response = privacy_officer.post(url, {**base, "name": "Айгерим  Новая", "phone": "12"})
    assert response.status_code == 200  # form shown again with the error
    assert "phone" in response.context["adminform"].form.errors
    inquiry.refresh_from_db()
    assert inquiry.phone == CANARY_PHONE
    privacy_officer.post(url, {**base, "name": "Айгерим  Новая", "phone": "8 702 111 22 33"})
    inquiry.refresh_from_db()
    assert (inquiry.name, inquiry.phone) == ("Айгерим Новая", "+77021112233")
    entry = LogEntry.objects.latest("action_time")
    assert "Айгерим" not in entry.change_message and "7021112233" not in entry.change_message


# --- Filtering only by what the list offers ----------------------------------------------


@pytest.mark.parametrize("guess", ["b", "x"])
def test_operators_cannot_read_the_legal_hold_reason_through_a_lookup(operator, guess):
    make_inquiry(legal_hold_reason="bankruptcy case 12-345")
    response = operator.get(LIST, {"legal_hold_reason__startswith": guess})
    # Refused whatever the guess: the unfiltered list, nothing to tell "b" from "x".
    assert response.status_code == 302
    assert response.url == f"{LIST}?e=1"
    page = operator.get(response.url).content.decode()
    assert len(result_rows(page)) == 1
    assert "bankruptcy" not in page


def test_the_offered_filters_and_date_drill_down_still_filter(operator):
    this_year = make_inquiry()
    last_year = make_inquiry(status=Inquiry.Status.PROCESSED)
    Inquiry.objects.filter(pk=last_year.pk).update(
        created_at=this_year.created_at.replace(year=this_year.created_at.year - 1)
    )
    for query, shown in [
        ({"status__exact": "processed"}, last_year),
        ({"created_at__year": str(this_year.created_at.year)}, this_year),
    ]:
        page = operator.get(LIST, query).content.decode()
        assert shown.reference in page
        assert len(result_rows(page)) == 1
