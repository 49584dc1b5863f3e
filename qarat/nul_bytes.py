"""A request with a NUL or a broken encoding anywhere is a bad request (400), nothing worse.

PostgreSQL refuses NUL in text, so a NUL in a cookie (the session key), a search or a form
field would surface as a server error deep inside a query; Django decodes invalid UTF-8
into U+FFFD and keeps a bad percent-escape as typed, so such values would be stored or
looked up garbled. Browsers send neither.
"""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest

_BAD_PERCENT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Django hands on a path's bytes that are not UTF-8 re-escaped ("%FF"); no page of the site
# has a percent sign in its address, so one there always comes from such bytes.
_REESCAPED_BYTE = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")
_FORM_URLENCODED = "application/x-www-form-urlencoded"


def nul_checked_by_view(*fields):
    """Let the view answer a NUL in these POST fields itself (with a message by the field)."""

    def decorate(view):
        view.nul_checked_by_view = frozenset(fields)
        return view

    return decorate


def _wsgi_text_is_bad(value):
    """A WSGI string (bytes as Latin-1) holding a NUL, or bytes that are not UTF-8."""
    if "\x00" in value:
        return True
    try:
        value.encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:
        return False  # already text, not bytes from a server
    except UnicodeDecodeError:
        return True
    return False


def _urlencoded_is_bad(raw):
    """A query string or form body with a broken %-escape, or escapes that are not UTF-8."""
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1")
    if _BAD_PERCENT_ESCAPE.search(raw):
        return True
    try:
        unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _has_bad_text(params, *, skip=frozenset(), replaced=False):
    """NUL in any name, or in a value of a field not in `skip`; with `replaced`, U+FFFD
    anywhere (what Django decodes invalid UTF-8 into: nobody types that character)."""
    for key, values in params.lists():
        if "\x00" in key or (replaced and "\ufffd" in key):
            return True
        for value in map(str, values):
            if (replaced and "\ufffd" in value) or (key not in skip and "\x00" in value):
                return True
    return False


def _headers(meta):
    return (
        value
        for key, value in meta.items()
        if isinstance(value, str) and (key.startswith("HTTP_") or key.startswith("CONTENT_"))
    )


class RejectMalformedRequests:
    """400 for a NUL or an invalid encoding in the path, query, headers, cookies or form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if (
            "\x00" in request.path_info
            or _REESCAPED_BYTE.search(request.path_info)
            or _urlencoded_is_bad(meta.get("QUERY_STRING", ""))
            or any(_wsgi_text_is_bad(value) for value in _headers(meta))
            or _has_bad_text(request.GET)
            or any("\x00" in k + v or "\ufffd" in k + v for k, v in request.COOKIES.items())
        ):
            return self.bad_request()
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        # Django decodes a form's invalid UTF-8 into U+FFFD (caught below) but keeps a broken
        # %-escape as typed: that one is looked for in the body itself.
        if request.content_type == _FORM_URLENCODED and _BAD_PERCENT_ESCAPE.search(
            request.body.decode("latin-1")
        ):
            return self.bad_request()
        skip = getattr(view_func, "nul_checked_by_view", frozenset())
        # Uploaded files' names need no check: Django drops their unprintable characters,
        # and a part whose headers are not UTF-8.
        if _has_bad_text(request.POST, skip=skip, replaced=True):
            return self.bad_request()
        return None

    @staticmethod
    def bad_request():
        return HttpResponseBadRequest(
            "Invalid characters in the request.", content_type="text/plain; charset=utf-8"
        )
