"""Keeping personal data out of logs and error reports (SPEC invariant 2).

Views never log form data, but a log line may still quote something (a library's error,
a URL with a search). Every handler of the site passes its records through
MaskPhoneNumbers, and error reports show no submitted data and no local variables.
"""

import json
import logging
import re

from django.views.debug import SafeExceptionReporterFilter

MASK = "[phone]"
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


def mask_phone_numbers(text):
    for pattern in PHONE_PATTERNS:
        text = pattern.sub(MASK, text)
    return text


class MaskPhoneNumbers(logging.Filter):
    """Replaces anything shaped like a phone number in a record's message and traceback."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_phone_numbers(record.exc_text)
        return True


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error pages and e-mailed reports without submitted data, queries or local variables."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key in ("QUERY_STRING", "HTTP_REFERER", "HTTP_COOKIE", "REQUEST_URI", "RAW_URI"):
            if key in meta:
                meta[key] = self.cleansed_substitute
        return meta

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class JsonFormatter(logging.Formatter):
    """One JSON object per line for log collectors (LOG_FORMAT=json)."""

    FIELDS = ("method", "path", "status", "duration_ms")

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
        return json.dumps(entry, ensure_ascii=False)
