"""`signing.dumps` and `loads`, value for value, for values signed on every form view: Django
derives the HMAC key anew for each value, this keeps it per secret and salt."""

import functools
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.core import signing
from django.core.signing import b62_encode, b64_decode, b64_encode
from django.utils.crypto import constant_time_compare


@functools.lru_cache(maxsize=8)
def _keyed_hmac(secret, salt):
    # As django.utils.crypto.salted_hmac keys Signer(salt=salt).signature with SHA-256.
    key = hashlib.sha256(f"{salt}signer{secret}".encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _signature(value, salt):
    mac = _keyed_hmac(settings.SECRET_KEY, salt).copy()
    mac.update(value.encode())
    return b64_encode(mac.digest()).decode()


def dumps(obj, *, salt):
    """What `signing.dumps(obj, salt=salt)` returns now (JSON, no compression)."""
    return dumps_json(json.dumps(obj, separators=(",", ":")), salt=salt)


def dumps_json(text, *, salt):
    """`dumps` of the value whose compact JSON is `text`."""
    payload = b64_encode(text.encode("latin-1")).decode()
    value = f"{payload}:{b62_encode(int(time.time()))}"
    return f"{value}:{_signature(value, salt)}"


def loads(signed, *, salt):
    """What `signing.loads(signed, salt=salt)` returns (no maximum age): a value signed with
    SECRET_KEY is read here, anything else by Django (older keys, or BadSignature)."""
    value, _, signature = signed.rpartition(":")
    payload = value.split(":", 1)[0]
    if (
        payload
        and not payload.startswith(".")
        and constant_time_compare(signature, _signature(value, salt))
    ):
        return json.loads(b64_decode(payload.encode()).decode("latin-1"))
    return signing.loads(signed, salt=salt)
