import hashlib
import hmac

from django.conf import settings


def phone_hash(e164):
    """A keyed hash of a phone number: it matches the number again, but does not reveal it.

    Kept where the number itself may not stay (request register, destruction records), so
    those records can outlive the data they refer to (PHONE_HASH_KEY, its own secret).
    """
    key = settings.PHONE_HASH_KEY.encode("utf-8")
    return hmac.new(key, e164.encode("utf-8"), hashlib.sha256).hexdigest()
