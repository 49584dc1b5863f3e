"""Everything held about one phone number, for an information request (Art. 24 of the Law):
one structure written as a page, JSON, CSV and .xlsx, safe to open in a spreadsheet (no
formulas), built in memory for one response and never stored."""

import base64
import csv
import datetime
import hashlib
import io
import json
import re

import xlsxwriter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from privacy.retention import inquiry_deletion_date
from staff.roles import OPERATORS, PRIVACY_OFFICERS

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
    "legal_basis",
    "deleted_by",
    "purposes",
    "recipients",
    "source",
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


def _roles(inquiries):
    """{user id: the role shown for them} for every staff member named in `inquiries`."""
    ids = set()
    for inquiry in inquiries:
        ids |= {inquiry.processed_by_id, inquiry.blocked_by_id, inquiry.legal_hold_by_id}
        ids |= {view.user_id for view in inquiry.views.all()}
    users = get_user_model().objects.filter(pk__in=ids - {None}).prefetch_related("groups")
    return {user.pk: _role(user) for user in users}


def _role(user):
    groups = {group.name for group in user.groups.all()}
    if PRIVACY_OFFICERS in groups:
        return gettext("privacy officer")
    if OPERATORS in groups:
        return gettext("operator")
    if user.is_superuser:
        return gettext("site administrator")
    return gettext("staff member")


def _by(roles, user_id):
    """The role of whoever did something; a deleted account is still "a staff member"."""
    if user_id is None:
        return None
    return roles.get(user_id, gettext("staff member"))


def purposes():
    return [
        gettext("Processing the inquiry sent through the feedback form."),
        gettext("Calling back at the phone number given, to answer and clarify the request."),
        gettext("Keeping records of inquiries and their processing status."),
        gettext("Proving the consent and the handling of requests, as the Law requires."),
    ]


def recipients():
    """Who receives the data: staff by role, and the processors the settings name."""
    details = settings.POLICY_DETAILS
    named = [
        gettext(
            "The operator's staff: operators, who handle inquiries and call back, and the "
            "privacy officer, each to the extent of their duties."
        )
    ]
    if details["hosting_provider"]:
        named.append(
            gettext(
                "%(provider)s, the hosting provider, keeps the server on the operator's behalf."
            )
            % {"provider": details["hosting_provider"]}
        )
    if settings.INQUIRY_NOTIFY_EMAILS and settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        named.append(
            gettext(
                "The mail service that sends staff the notice of a new inquiry (%(provider)s): "
                "the inquiry's reference and a link only."
            )
            % {"provider": details["smtp_provider"] or settings.EMAIL_HOST}
        )
    named.append(gettext("No other third party receives them."))
    return named


def _language(inquiries):
    """The language the person wrote in, if all their inquiries share one; else Russian."""
    languages = {inquiry.consent_language for inquiry in inquiries}
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


def _consent_text_url(inquiry):
    # The Russian site has no prefix: the address must not depend on the staff's language.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "consent:text", args=[inquiry.consent_version.number, inquiry.consent_language]
        )
    return settings.SITE_URL + path


def inquiry_record(inquiry, roles):
    """All that is held about one inquiry, as plain values (views prefetched); staff by role."""
    consent = inquiry.consent_version
    return {
        "reference": inquiry.reference,
        "received_at": _when(inquiry.created_at),
        "name": inquiry.name,
        "phone": inquiry.phone,
        "message": inquiry.message,
        "status": inquiry.status,
        "processed_at": _when(inquiry.processed_at),
        "processed_by": _by(roles, inquiry.processed_by_id),
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
        "blocked_by": _by(roles, inquiry.blocked_by_id),
        "legal_hold_reason": inquiry.legal_hold_reason,
        "legal_hold_at": _when(inquiry.legal_hold_at),
        "legal_hold_by": _by(roles, inquiry.legal_hold_by_id),
        "opened_by": [
            {
                "role": _by(roles, view.user_id) or gettext("staff member"),
                "opened_at": _when(view.viewed_at),
            }
            for view in sorted(inquiry.views.all(), key=lambda view: view.viewed_at)
        ],
        "legal_basis": gettext(
            "Consent to the processing of personal data, version %(number)s, accepted in "
            "%(language)s; SHA-256 of the text accepted: %(sha256)s."
        )
        % {
            "number": consent.number,
            "language": inquiry.get_consent_language_display(),
            "sha256": inquiry.consent_sha256,
        },
        "deleted_by": inquiry_deletion_date(inquiry)
        or gettext("Kept under legal hold until it is lifted, then deleted."),
        "source": gettext("The website's feedback form, filled in by the person themselves."),
    }


def subject_export(*, inquiries, subject_request, phone, now=None):
    """The whole answer to an information request about `phone` (E.164).

    Dates are kept as local datetimes for the printable page; JSON and CSV write them out.
    """
    inquiries = list(
        inquiries.select_related("consent_version").prefetch_related("views").order_by("created_at")
    )
    language = _language(inquiries)
    with translation.override(language):
        return _subject_export(inquiries, subject_request, phone, now, language)


def _subject_export(inquiries, subject_request, phone, now, language):
    operator = settings.OPERATOR
    roles = _roles(inquiries)
    return {
        "language": language,
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
        "purposes": purposes(),
        "recipients": recipients(),
        "inquiries": [inquiry_record(inquiry, roles) for inquiry in inquiries],
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


def _table_row(record, export):
    """One inquiry as the tables' columns, plain values (None where nothing is held)."""
    consent = record["consent"]
    flat = {
        "purposes": " ".join(export["purposes"]),
        "recipients": " ".join(export["recipients"]),
        **record,
        "consent_version": consent["version"],
        "consent_language": consent["language"],
        "consent_accepted_at": consent["accepted_at"],
        "consent_sha256": consent["sha256"],
        "consent_text_url": consent["text_url"],
        "opened_by": "; ".join(
            f"{view['role']} {_plain(view['opened_at'])}" for view in record["opened_by"]
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
        writer.writerow([csv_safe(value) for value in _table_row(record, export)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(export):
    """The CSV's table as a spreadsheet whose cells are all text: nothing in it runs.

    write_string() makes every cell a string whatever it holds, so the workbook needs no
    strings_to_* options (they only steer write()); in_memory keeps the data off the disk.
    """
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        sheet = book.add_worksheet()
        rows = [CSV_COLUMNS, *(_table_row(record, export) for record in export["inquiries"])]
        for row_number, row in enumerate(rows):
            for column, value in enumerate(row):
                if value is not None:
                    sheet.write_string(row_number, column, str(value))
    return out.getvalue()
