"""The CSRF token exactly as Django's `get_token` makes it, from one `os.urandom` read: Django's
`secrets.choice` per character was a third of the blank form page's own time."""

import operator
import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

BASE = len(CSRF_ALLOWED_CHARS)
# Bytes under the largest multiple of 62 map onto the 62 characters evenly; the rest are dropped.
_EVEN = 256 - 256 % BASE
_TO_INDEX = bytes.maketrans(bytes(range(_EVEN)), bytes(i % BASE for i in range(_EVEN)))
_UNEVEN = bytes(range(_EVEN, 256))
_CHARS = CSRF_ALLOWED_CHARS.encode("ascii")
_TO_CHAR = bytes.maketrans(bytes(range(BASE)), _CHARS)
_TO_INDEX_OF = bytes.maketrans(_CHARS, bytes(range(BASE)))
_SUM_TO_CHAR = bytes.maketrans(bytes(range(2 * BASE)), _CHARS + _CHARS)


def random_indexes(count):
    """`count` independent, uniform indexes into CSRF_ALLOWED_CHARS."""
    drawn = b""
    while len(drawn) < count:
        drawn += os.urandom(count + 8).translate(_TO_INDEX, _UNEVEN)
    return drawn[:count]


def csrf_token(request):
    """What `django.middleware.csrf.get_token(request)` returns, with the same side effects:
    a new secret (the cookie to set) on a first visit, then a freshly masked token of it."""
    meta = request.META
    if "CSRF_COOKIE" in meta:
        secret = meta["CSRF_COOKIE"]
        mask = random_indexes(CSRF_SECRET_LENGTH)
    else:
        # A first visit: the secret and the mask from one read.
        drawn = random_indexes(2 * CSRF_SECRET_LENGTH)
        secret = drawn[CSRF_SECRET_LENGTH:].translate(_TO_CHAR).decode("ascii")
        mask = drawn[:CSRF_SECRET_LENGTH]
        meta["CSRF_COOKIE"] = secret
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = True
    # Django checks the cookie's secret (32 allowed characters) before the view runs. Each
    # character of the cipher is the secret's shifted by the mask's, modulo 62.
    shifted = bytes(map(operator.add, secret.encode("ascii").translate(_TO_INDEX_OF), mask))
    return (mask.translate(_TO_CHAR) + shifted.translate(_SUM_TO_CHAR)).decode("ascii")
