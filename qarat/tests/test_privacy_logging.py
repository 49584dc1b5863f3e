"""Whatever a request carries, and whatever fails, no log line or error e-mail quotes it.

The canary goes in through every part of a request a client controls
(path, query, cookie, Referer, form) and into the exception's own text.
"""

import io
import json
import logging
import re
import sys

import pytest
from django.core import mail
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import resolve
from django.utils import translation

from qarat.privacy_logging import (
    WITHHELD,
    JsonFormatter,
    NoPersonalData,
    NoPersonalDataReporter,
    NoPersonalDataReporterFilter,
    PrivateFormatter,
)

pytestmark = pytest.mark.django_db

CANARY = "Zyxcanary"
# +7 701 555 01 99 in the forms it can be typed, sent or stored in.
PHONE_FORMS = ("7015550199", "701 555 01 99", "701+555+01+99", "701 555 0199", "701+555+0199")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def assert_clean(text, where):
    for canary in (CANARY, *PHONE_FORMS):
        assert canary not in text, f"{canary!r} found in {where}:\n{text}"


@pytest.fixture(params=["text", "json"])
def console(request):
    """What the site's console handler writes, in both LOG_FORMATs, at every level."""
    handler = next(
        h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler
    )
    stream = io.StringIO()
    old_stream, old_formatter = handler.setStream(stream), handler.formatter
    handler.setFormatter(
        JsonFormatter() if request.param == "json" else PrivateFormatter(TEXT_FORMAT)
    )
    loggers = [logging.getLogger(name) for name in ("", "django", "qarat.requests")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield stream
    handler.setStream(old_stream)
    handler.setFormatter(old_formatter)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def html_reports(monkeypatch):
    """The administrators' handler also sends the HTML alternative of each report."""
    handler = next(h for h in logging.getLogger("django").handlers if hasattr(h, "include_html"))
    monkeypatch.setattr(handler, "include_html", True)


@pytest.mark.urls("qarat.tests.error_urls")
def test_a_server_error_report_and_its_log_lines_quote_nothing_the_client_sent(
    settings, console, html_reports
):
    settings.ADMINS = [("Admin", "admin@example.kz")]
    visitor = Client(raise_request_exception=False)
    visitor.cookies["tracker"] = f"{CANARY}-cookie-87015550199"
    response = visitor.post(
        f"/fail/{CANARY}-path/+77015550199/?q={CANARY}+Qwerty+%2B7+701+555+01+99",
        {"name": f"{CANARY}-form", "phone": "8 701 555 01 99"},
        HTTP_REFERER=f"https://example.kz/?q={CANARY}-referer+87015550199",
        # What gunicorn and other servers add: the URL as the client sent it.
        RAW_URI=f"/fail/{CANARY}-raw/?q=87015550199",
        REQUEST_URI=f"/fail/{CANARY}-request-uri/?q=87015550199",
    )

    assert response.status_code == 500
    assert_clean(response.content.decode(), "the error page")
    [report] = mail.outbox
    assert "RuntimeError" in report.body and "/fail/" in report.body  # still a useful report
    assert_clean(report.subject, "the report's subject")
    assert_clean(report.body, "the report's text")
    [(html, _mimetype)] = report.alternatives
    assert "RuntimeError" in html
    assert_clean(html, "the report's HTML")
    log = console.getvalue()
    assert "RuntimeError" in log and "Internal Server Error" in log
    assert_clean(log, "the log output")


@pytest.mark.parametrize(
    "key",
    [
        "QUERY_STRING",
        "RAW_URI",
        "REQUEST_URI",
        "PATH_INFO",
        "HTTP_REFERER",
        "HTTP_COOKIE",
        "HTTP_USER_AGENT",
        "REMOTE_ADDR",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_ORIGINAL_URL",
    ],
)
def test_the_report_withholds_every_request_header_that_can_carry_a_value(key):
    request = RequestFactory().get("/", **{key: f"{CANARY} 87015550199"})
    meta = NoPersonalDataReporterFilter().get_safe_request_meta(request)
    assert meta[key] == NoPersonalDataReporterFilter.cleansed_substitute


def test_the_report_keeps_the_technical_request_headers():
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="kk")
    meta = NoPersonalDataReporterFilter().get_safe_request_meta(request)
    assert meta["REQUEST_METHOD"] == "GET"
    assert meta["HTTP_ACCEPT_LANGUAGE"] == "kk"


def log_an_error(handler):
    logger = logging.getLogger("qarat.tests.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"duplicate key (name, phone)=({CANARY}, +7 701 555 01 99)")
        except ValueError:
            try:
                raise KeyError(f"while handling {CANARY}") from None
            except KeyError as error:
                raise RuntimeError(f"storing {CANARY} failed") from error
    except RuntimeError:
        logger.exception("Storing failed for %s", "8 701 555 01 99", extra={"path": "/7015550199"})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


@pytest.mark.parametrize(
    "formatter",
    [logging.Formatter(TEXT_FORMAT), PrivateFormatter(TEXT_FORMAT), JsonFormatter()],
    ids=["plain", "text", "json"],
)
def test_the_filter_withholds_exception_texts_and_masks_phones_whatever_the_formatter(formatter):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoPersonalData())
    handler.setFormatter(formatter)
    log_an_error(handler)
    text = stream.getvalue()
    assert "RuntimeError" in text and "KeyError" in text and "Storing failed for [phone]" in text
    assert_clean(text, "the log line")


@pytest.mark.parametrize(
    "formatter", [PrivateFormatter(TEXT_FORMAT), JsonFormatter()], ids=["text", "json"]
)
def test_the_formatters_withhold_exception_texts_and_mask_phones_without_the_filter(formatter):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    log_an_error(handler)
    text = stream.getvalue()
    assert "RuntimeError" in text and "[phone]" in text
    assert_clean(text, "the log line")


def test_every_field_of_a_json_line_is_masked():
    record = logging.makeLogRecord(
        {
            "msg": "call %s",
            "args": ("87015550199",),
            "method": "GET +7 701 555 01 99",
            "route": "/thanks/+77015550199/",
            "status": 200,
            "duration_ms": 1.5,
        }
    )
    NoPersonalData().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "call [phone]"
    assert entry["route"] == "/thanks/[phone]/"
    assert entry["method"] == "GET [phone]"
    assert_clean(json.dumps(entry), "the JSON line")


@pytest.mark.parametrize(
    ("logger", "message", "exception"),
    [
        # Django logs a SuspiciousOperation's own text, which quotes what the client sent.
        (
            "django.security.DisallowedModelAdminToField",
            None,
            "The field Zyxcanary cannot be referenced.",
        ),
        ("django.security.DisallowedHost", "Invalid HTTP_HOST header: 'Zyxcanary.example'.", None),
        ("django.request", None, "Zyxcanary is not a valid value"),
    ],
)
def test_a_log_line_made_of_an_exceptions_text_withholds_that_text(logger, message, exception):
    error = ValueError(exception) if exception else None
    record = logging.makeLogRecord(
        {
            "name": logger,
            "msg": message or exception,
            "args": (),
            "exc_info": (ValueError, error, None) if error else None,
        }
    )
    NoPersonalData().filter(record)
    assert "Zyxcanary" not in record.getMessage()
    assert WITHHELD in record.getMessage()


def test_a_json_line_says_when_how_bad_and_what_failed_in_readable_text():
    try:
        raise ValueError(CANARY)
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.makeLogRecord(
        {"name": "qarat", "levelname": "ERROR", "msg": "Сбой отправки", "exc_info": exc_info}
    )
    line = JsonFormatter().format(record)
    assert "Сбой отправки" in line  # Cyrillic as is, for whoever reads the log
    entry = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", entry["time"])
    assert (entry["level"], entry["logger"]) == ("ERROR", "qarat")
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith(f"ValueError: {WITHHELD}")
    assert_clean(line, "the JSON line")


def error_report(error, request):
    """The text and HTML of the report mailed to the administrators for `error`."""
    try:
        raise error
    except Exception:
        reporter = NoPersonalDataReporter(request, *sys.exc_info())
    return reporter.get_traceback_text(), reporter.get_traceback_html()


def canary_request():
    factory = RequestFactory()
    factory.cookies["sessionid"] = CANARY
    return factory.post(f"/fail/?q={CANARY}", {"name": CANARY, "phone": "+77015550199"})


def test_an_error_report_names_what_was_sent_and_withholds_every_value():
    substitute = NoPersonalDataReporterFilter.cleansed_substitute
    text, html = error_report(RuntimeError(CANARY), canary_request())
    for name in ("q", "name", "phone", "sessionid"):
        assert f"{name} = '{substitute}'" in text, name
    assert f"Exception Value: {WITHHELD}" in text
    assert_clean(text, "the report's text")
    assert_clean(html, "the report's HTML")


def test_an_error_report_withholds_the_notes_the_cause_and_the_unicode_hint():
    cause = ValueError(CANARY)
    error = UnicodeDecodeError("ascii", b"+77015550199\xff", 12, 13, CANARY)
    error.add_note(f"while reading {CANARY}")
    error.__cause__ = cause
    text, html = error_report(error, canary_request())
    assert f"ValueError: {WITHHELD}" in text
    assert "Unicode error hint" not in text and "Unicode error hint" not in html
    assert_clean(text, "the report's text")
    assert_clean(html, "the report's HTML")


def failing_frame():
    raise KeyError(CANARY)


def logged_traceback(make_error):
    try:
        make_error()
    except Exception:
        exc_info = sys.exc_info()
    return PrivateFormatter().formatException(exc_info)


def test_a_logged_traceback_shows_each_exception_of_the_chain_in_order_without_texts():
    def handling():
        try:
            failing_frame()
        except KeyError:
            raise RuntimeError(CANARY)  # noqa: B904 - the implicit context is the point

    text = logged_traceback(handling)
    first, second = text.split("\nThe above exception led to the following one:\n\n")
    assert first.startswith("Traceback (most recent call last):\n")
    assert "in failing_frame" in first and first.endswith(f"KeyError: {WITHHELD}\n")
    assert second.startswith("Traceback (most recent call last):\n")
    assert second.endswith(f"RuntimeError: {WITHHELD}")
    assert_clean(text, "the traceback")


def test_a_logged_traceback_leaves_out_a_context_raised_from_none():
    def replacing():
        try:
            failing_frame()
        except KeyError:
            raise RuntimeError(CANARY) from None

    text = logged_traceback(replacing)
    assert "KeyError" not in text and "led to" not in text
    assert text.endswith(f"RuntimeError: {WITHHELD}")


def test_a_logged_exception_without_its_instance_is_named_by_its_type():
    assert PrivateFormatter().formatException((ValueError, None, None)) == (
        f"ValueError: {WITHHELD}"
    )


def test_an_error_report_shows_the_route_method_and_sent_keys_never_the_path_or_file():
    factory = RequestFactory()
    factory.cookies["sessionid"] = CANARY
    upload = SimpleUploadedFile(f"{CANARY}.txt", b"x")
    # The path itself carries a value: the reference of someone's receipt.
    path = "/thanks/Q-7015-5501-9900/"
    request = factory.post(f"{path}?q={CANARY}", {"attachment": upload})
    with translation.override("ru"):  # the Russian pages have no language prefix
        request.resolver_match = resolve(path)
    error = RuntimeError(CANARY)
    error.template_debug = {
        "message": CANARY,
        "source_lines": [],
        "name": "inquiries/form.html",
        "line": 1,
        "before": "",
        "during": "",
        "after": "",
        "top": 0,
        "bottom": 0,
        "total": 1,
    }
    text, html = error_report(error, request)
    substitute = NoPersonalDataReporterFilter.cleansed_substitute
    assert "Request Method: POST" in text
    assert "Request URL: /thanks/<reference:reference>/ (path and query withheld)" in text
    assert f"attachment = '{substitute}'" in text
    assert "In template inquiries/form.html, error at line 1" in text
    assert "at /thanks/&lt;reference:reference&gt;/</h1>" in html
    assert "Q-7015-5501-9900" not in text and "Q-7015-5501-9900" not in html
    for key in ("q", "attachment", "sessionid"):
        assert f"<td>{key}</td>" in html, key
    assert_clean(text, "the report's text")
    assert_clean(html, "the report's HTML")


def test_a_logged_exception_is_named_with_its_module_unless_it_is_builtin():
    formatter = PrivateFormatter()
    assert formatter.formatException((SuspiciousOperation, None, None)) == (
        f"django.core.exceptions.SuspiciousOperation: {WITHHELD}"
    )
    assert formatter.formatException((None, None, None)) == f"Exception: {WITHHELD}"


@pytest.mark.parametrize(
    ("path", "route"),
    [
        (f"/static/css/{CANARY}.css", "/static/"),
        (f"/{CANARY}/", "[no route]"),
        (f"/привет-{CANARY}/", "[no route]"),
    ],
)
@pytest.mark.parametrize("script_name", ["", "/site"])
@pytest.mark.parametrize("quoted", ["path", "path_info", "escaped"])
def test_a_line_quoting_the_requested_path_names_the_route_instead(
    path, route, script_name, quoted
):
    request = RequestFactory().get(path, SCRIPT_NAME=script_name)
    arg = request.path_info if quoted == "path_info" else request.path
    if quoted == "escaped":
        arg = arg.encode("unicode_escape").decode("ascii")
    record = logging.makeLogRecord(
        {"name": "django.request", "msg": "Not Found: %s", "args": (arg,), "request": request}
    )
    NoPersonalData().filter(record)
    expected = route if script_name == "" or route != "/static/" else "[no route]"
    assert record.getMessage() == f"Not Found: {expected}"


@pytest.mark.parametrize(
    ("name", "error", "expected"),
    [
        ("django.security.DisallowedHost", None, f"Refused: {WITHHELD}"),
        ("django.security.DisallowedHost", ValueError(CANARY), f"ValueError: {WITHHELD}"),
        ("django.request", KeyError(CANARY), f"KeyError: {WITHHELD}"),
    ],
)
def test_a_line_made_of_a_refusals_text_says_which_kind_it_was(name, error, expected):
    record = logging.makeLogRecord(
        {
            "name": name,
            "msg": str(error) if error else f"Invalid HTTP_HOST header: '{CANARY}'.",
            "exc_info": (type(error), error, None) if error else None,
        }
    )
    NoPersonalData().filter(record)
    assert record.getMessage() == expected


def test_a_line_with_named_arguments_and_a_request_keeps_its_text():
    record = logging.makeLogRecord(
        {
            "msg": "%(what)s failed",
            "args": {"what": "Export"},
            "request": RequestFactory().get("/"),
        }
    )
    NoPersonalData().filter(record)
    assert record.getMessage() == "Export failed"


def test_the_filter_masks_the_extra_fields_for_every_handler_after_it():
    record = logging.makeLogRecord({"msg": "done", "route": "/thanks/+77015550199/"})
    NoPersonalData().filter(record)
    assert record.route == "/thanks/[phone]/"


def test_a_development_server_line_whose_request_is_a_socket_passes_unchanged():
    """runserver's lines (django.server) carry the connection as `request`, not a request."""
    record = logging.makeLogRecord(
        {
            "name": "django.server",
            "msg": '"%s" %s %s',
            "args": ("GET /healthz HTTP/1.1", "200", "2"),
            "request": object(),
        }
    )
    NoPersonalData().filter(record)
    assert record.getMessage() == '"GET /healthz HTTP/1.1" 200 2'
