"""Keeping personal data out of logs and error reports: an inquiry's name, phone and message
live in its row and nowhere else.

Views never log form data, but a log record or an error report may still quote something
the client sent (a path, a search, a cookie) or an exception's text (which can quote a
submitted value or a row). So: every handler passes its records through NoPersonalData,
the formatters mask again and withhold exceptions' texts, and error reports
(NoPersonalDataReporter) show the URL pattern instead of the path and no values at all.
"""

import json
import logging
import re
import traceback
from types import SimpleNamespace

from django.conf import settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "[phone]"
WITHHELD = "[withheld]"
# Separators as typed, and as they appear in a URL's query string ("8+701+555", "%2B7701").
_SEP = r"(?:[\s().+-]|%20|%28|%29)*"
PHONE_PATTERNS = [
    # Kazakh numbers with the trunk prefix 8 or the country code 7: eleven digits.
    re.compile(r"(?<![\w.:])(?:\+|%2[Bb])?[78](?:" + _SEP + r"\d){10}(?![\w])"),
    # National numbers without a prefix: 7xx xxx xx xx.
    re.compile(r"(?<![\w.:])7(?:" + _SEP + r"\d){9}(?![\w])"),
    # Any international form: "+49 30 1234567".
    re.compile(r"(?:\+|%2[Bb])\d(?:" + _SEP + r"\d){6,14}"),
]
# The attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def mask_phone_numbers(text):
    for pattern in PHONE_PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def request_route(request):
    """The URL pattern a request matched ("/thanks/<reference:reference>/"), never its path.

    A path can carry what a visitor typed; the pattern says which page it was all the same.
    """
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route is not None:
        return "/" + match.route
    path = getattr(request, "path", "")
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return settings.STATIC_URL
    return "[no route]"


def format_exception_privately(exc_info):
    """A traceback with its frames and exception types, and every exception's text withheld.

    The text may quote whatever caused it: a submitted value, a path, or a row (a database
    error's DETAIL names the duplicate key). The frames show where it happened.
    """
    exception, chain = exc_info[1], []
    while exception is not None and exception not in chain:
        chain.append(exception)
        exception = exception.__cause__ or (
            None if exception.__suppress_context__ else exception.__context__
        )
    if not chain:
        return f"{exception_name(exc_info[0])}: {WITHHELD}"
    parts = []
    for exception in reversed(chain):
        if parts:
            parts.append("\nThe above exception led to the following one:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exception.__traceback__))
        parts.append(f"{exception_name(type(exception))}: {WITHHELD}\n")
    return "".join(parts).rstrip("\n")


def exception_name(exception_type):
    if exception_type is None:
        return "Exception"
    module = exception_type.__module__
    name = exception_type.__qualname__
    return name if module == "builtins" else f"{module}.{name}"


class NoPersonalData(logging.Filter):
    """On every handler: paths become routes, tracebacks lose their texts, phones are masked."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            # Django's own lines ("Not Found: %s", "Internal Server Error: %s") quote the
            # path, escaped or not.
            record.args = tuple(self._route_for_path(arg, request) for arg in record.args)
        message = record.getMessage()
        exception = record.exc_info[1] if record.exc_info else None
        if (record.name or "").startswith("django.security.") or (
            exception is not None and message == str(exception)
        ):
            # The message is the exception's text, which quotes what the client sent (a
            # field name, a host, a value): the logger and the type say what happened.
            kind = type(exception).__name__ if exception is not None else "Refused"
            message = record.msg = f"{kind}: {WITHHELD}"
            record.args = ()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info:
            record.exc_text = format_exception_privately(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_phone_numbers(record.exc_text)
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, mask_phone_numbers(value))
        return True

    @staticmethod
    def _route_for_path(arg, request):
        paths = {getattr(request, "path", None), getattr(request, "path_info", None)}
        paths |= {p.encode("unicode_escape").decode("ascii") for p in paths if p}
        return request_route(request) if isinstance(arg, str) and arg in paths else arg


class PrivateFormatter(logging.Formatter):
    """The text format (LOG_FORMAT=text), masked whatever filters a handler has."""

    def formatException(self, ei):  # noqa: N802 - logging's name
        return format_exception_privately(ei)

    def format(self, record):
        return mask_phone_numbers(super().format(record))


class JsonFormatter(PrivateFormatter):
    """One JSON object per line for log collectors (LOG_FORMAT=json)."""

    FIELDS = ("method", "route", "status", "duration_ms")

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {field: getattr(record, field) for field in self.FIELDS if hasattr(record, field)}
        )
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(
            {key: mask_phone_numbers(v) if isinstance(v, str) else v for key, v in entry.items()},
            ensure_ascii=False,
        )


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error pages and e-mailed reports: no values the client sent, no local variables."""

    # Technical request headers that say nothing about who sent the request or what for.
    SAFE_META = frozenset(
        {
            "CONTENT_LENGTH",
            "CONTENT_TYPE",
            "HTTP_ACCEPT",
            "HTTP_ACCEPT_ENCODING",
            "HTTP_ACCEPT_LANGUAGE",
            "HTTP_HOST",
            "HTTP_X_FORWARDED_PROTO",
            "REQUEST_METHOD",
            "SCRIPT_NAME",
            "SERVER_NAME",
            "SERVER_PORT",
            "SERVER_PROTOCOL",
            "wsgi.url_scheme",
        }
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        if request is None:
            return {}
        # Everything else (the path, query, cookies, referrer, client address, user agent,
        # the servers' own copies of the URL such as RAW_URI and REQUEST_URI) is withheld.
        return {
            key: value if key in self.SAFE_META else self.cleansed_substitute
            for key, value in request.META.items()
        }

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class NoPersonalDataReporter(ExceptionReporter):
    """Django's report (error e-mails) with the route for the URL and no texts or values."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        substitute = self.filter.cleansed_substitute
        if self.exc_type is not None:
            data["exception_value"] = WITHHELD
        data.pop("exception_notes", None)
        data["unicode_hint"] = ""
        for frame in data["frames"]:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = f"{exception_name(type(frame['exc_cause']))}: {WITHHELD}"
        if data.get("template_info"):
            data["template_info"] = {**data["template_info"], "message": WITHHELD}
        if self.request is not None:
            route = request_route(self.request)
            data["request"] = SimpleNamespace(
                path_info=route,
                META={"REQUEST_METHOD": self.request.META.get("REQUEST_METHOD", "")},
                GET=bool(self.request.GET),
                FILES=bool(self.request.FILES),
                COOKIES=bool(self.request.COOKIES),
            )
            data["request_insecure_uri"] = f"{route} (path and query withheld)"
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
        return data
