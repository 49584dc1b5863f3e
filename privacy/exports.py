"""Everything held about one phone number, for an information request (clause 10).

One plain structure built from the inquiries, written out four ways: a printable page,
JSON, CSV and a spreadsheet (.xlsx). Both tables are safe to open in a spreadsheet
(OWASP "CSV injection"): the .xlsx holds text cells only, never a formula, and in the
CSV every field is quoted and a quote is put before anything a spreadsheet would run,
wherever it may start a cell: Excel in Russian or Kazakh splits on ";", not ",".

These are answers to the data subject; they are built in memory for one response and
never stored, logged or cached.
"""

import base64
import csv
import datetime
import hashlib
import io
import json
import re

import xlsxwriter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

# A spreadsheet reads a cell starting with one of these as a formula (or a DDE call).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Where a cell may start inside a field, for a spreadsheet that splits the line on another
# separator than ours: after a comma, semicolon, tab or line break (spaces and quotes
# before the trigger do not stop it).
FORMULA_AFTER_SEPARATOR = re.compile(r"(?<=[,;\t\r\n])(?=[\s\"]*[=+\-@])")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CSV_COLUMNS = [
    "reference",
    "received_at",
    "name",
    "phone",
    "message",
    "status",
    "processed_at",
    "processed_by",
    "note",
    "consent_version",
    "consent_language",
    "consent_accepted_at",
    "consent_sha256",
    "consent_text_url",
    "notified_at",
    "blocked_at",
    "blocked_by",
    "legal_hold_reason",
    "legal_hold_at",
    "legal_hold_by",
    "opened_by",
]

# The printable page's only style, inline so that a saved copy keeps it; the view allows
# exactly this text through the Content-Security-Policy by its hash.
PRINT_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #111; margin: 2em auto; max-width: 60em;
  padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { text-align: left; vertical-align: top; border: 1px solid #bbb; padding: .3em .5em; }
th { width: 16em; background: #f3f3f3; font-weight: 600; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: #555; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .screen-only { display: none; }
  section { break-inside: avoid; }
  th { background: none; }
}
""".strip()


def print_css_source():
    """The CSP source that allows PRINT_CSS, and only it, as an inline style."""
    digest = hashlib.sha256(PRINT_CSS.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _when(moment):
    return timezone.localtime(moment) if moment else None


def _plain(value):
    """Dates as ISO 8601 text, to the second, in Kazakhstan's time; the rest unchanged."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _username(user):
    return user.get_username() if user else None


def _consent_text_url(inquiry):
    # The Russian site has no prefix: the address must not depend on the staff's language.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "consent:text", args=[inquiry.consent_version.number, inquiry.consent_language]
        )
    return settings.SITE_URL + path


def inquiry_record(inquiry):
    """All that is held about one inquiry, as plain values (views prefetched)."""
    return {
        "reference": inquiry.reference,
        "received_at": _when(inquiry.created_at),
        "name": inquiry.name,
        "phone": inquiry.phone,
        "message": inquiry.message,
        "status": inquiry.status,
        "processed_at": _when(inquiry.processed_at),
        "processed_by": _username(inquiry.processed_by),
        "note": inquiry.note,
        "consent": {
            "version": inquiry.consent_version.number,
            "language": inquiry.consent_language,
            "accepted_at": _when(inquiry.created_at),
            "sha256": inquiry.consent_sha256,
            "text_url": _consent_text_url(inquiry),
        },
        "notified_at": _when(inquiry.notified_at),
        "blocked_at": _when(inquiry.blocked_at),
        "blocked_by": _username(inquiry.blocked_by),
        "legal_hold_reason": inquiry.legal_hold_reason,
        "legal_hold_at": _when(inquiry.legal_hold_at),
        "legal_hold_by": _username(inquiry.legal_hold_by),
        "opened_by": [
            {"username": view.username, "opened_at": _when(view.viewed_at)}
            for view in sorted(inquiry.views.all(), key=lambda view: view.viewed_at)
        ],
    }


def subject_export(*, inquiries, subject_request, phone, now=None):
    """The whole answer to an information request about `phone` (E.164).

    Dates are kept as local datetimes for the printable page; JSON and CSV write them out.
    """
    language = settings.LANGUAGE_CODE
    operator = settings.OPERATOR
    inquiries = inquiries.select_related(
        "consent_version", "processed_by", "blocked_by", "legal_hold_by"
    ).prefetch_related("views")
    return {
        "controller": {
            "name": operator["name"][language],
            "bin": operator["bin"],
            "address": operator["address"][language],
            "privacy_email": operator["privacy_email"],
        },
        "request": {
            "id": subject_request.pk,
            "kind": subject_request.kind,
            "received_at": _when(subject_request.received_at),
            "due_on": subject_request.due_on,
        },
        "exported_at": _when(now or timezone.now()),
        "phone": phone,
        "inquiries": [inquiry_record(inquiry) for inquiry in inquiries.order_by("created_at")],
    }


def export_json(export):
    """UTF-8 JSON, Cyrillic as is."""
    return json.dumps(export, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def csv_safe(value):
    """A field a spreadsheet shows as text, never runs: a quote before each formula trigger
    that may start a cell, at the field's start or after a separator inside it."""
    if value is None:
        return ""
    text = FORMULA_AFTER_SEPARATOR.sub("'", str(_plain(value)))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _table_row(record):
    """One inquiry as the tables' columns, plain values (None where nothing is held)."""
    consent = record["consent"]
    flat = {
        **record,
        "consent_version": consent["version"],
        "consent_language": consent["language"],
        "consent_accepted_at": consent["accepted_at"],
        "consent_sha256": consent["sha256"],
        "consent_text_url": consent["text_url"],
        "opened_by": "; ".join(
            f"{view['username']} {_plain(view['opened_at'])}" for view in record["opened_by"]
        ),
    }
    return [_plain(flat[column]) for column in CSV_COLUMNS]


def export_csv(export):
    """One row per inquiry, UTF-8 with a byte order mark so spreadsheets read Cyrillic."""
    out = io.StringIO()
    # Quoted, a field is one cell in a spreadsheet that splits on ",".
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for record in export["inquiries"]:
        writer.writerow([csv_safe(value) for value in _table_row(record)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(export):
    """The CSV's table as a spreadsheet whose cells are all text: nothing in it runs.

    write_string() makes every cell a string whatever it holds, so the workbook needs no
    strings_to_* options (they only steer write()); in_memory keeps the data off the disk.
    """
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        sheet = book.add_worksheet()
        rows = [CSV_COLUMNS, *(_table_row(record) for record in export["inquiries"])]
        for row_number, row in enumerate(rows):
            for column, value in enumerate(row):
                if value is not None:
                    sheet.write_string(row_number, column, str(value))
    return out.getvalue()
