"""`django.core.signing.dumps`, output for output, for values signed on every page view.

Django derives the HMAC key from the secret and the salt anew for every value; this derives
it once per secret and salt. `signing.loads` reads the result as it reads Django's own.
"""

import functools
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.core.signing import b62_encode, b64_encode


@functools.lru_cache(maxsize=8)
def _keyed_hmac(secret, salt):
    # As django.utils.crypto.salted_hmac keys Signer(salt=salt).signature with SHA-256.
    key = hashlib.sha256(f"{salt}signer{secret}".encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def dumps(obj, *, salt):
    """What `signing.dumps(obj, salt=salt)` returns now (JSON, no compression)."""
    payload = b64_encode(json.dumps(obj, separators=(",", ":")).encode("latin-1")).decode()
    value = f"{payload}:{b62_encode(int(time.time()))}"
    mac = _keyed_hmac(settings.SECRET_KEY, salt).copy()
    mac.update(value.encode())
    return f"{value}:{b64_encode(mac.digest()).decode()}"
