import time
import uuid
from urllib.parse import quote, quote_plus

from consent.models import ConsentVersion
from inquiries.forms import form_started
from inquiries.models import Inquiry
from inquiries.phones import phone_display

CANARY_NAME = "Канарейка Тестовая"
CANARY_PHONE_TYPED = "8 701 555 12 34"
CANARY_PHONE = "+77015551234"
CANARY_MESSAGE = "Перезвоните после обеда, canary-message-7431"


def phone_forms(e164=CANARY_PHONE):
    """The number as it may be written: E.164, national, spaced, dashed, URL-quoted; each
    with seven digits or more, so that an absence check cannot be met or failed by chance."""
    national = e164[2:]  # 7015551234
    spaced = f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
    return {
        e164,
        e164[1:],
        "8" + national,
        national,
        "8 " + spaced,
        spaced,
        phone_display(e164),
        quote(e164),
        f"{national[3:6]}-{national[6:8]}-{national[8:]}",
        f"{national[3:6]} {national[6:8]} {national[8:]}",
        national[3:],
        quote_plus(spaced),
    }


# Every form the canary's personal data can take in a text, URL or key.
CANARIES = (CANARY_NAME, CANARY_MESSAGE, *sorted(phone_forms()))


def form_data(**overrides):
    """A valid POST of the form as a browser sends it after the visitor ticks the box."""
    token = overrides.get("token") or str(uuid.uuid4())
    data = {
        "name": CANARY_NAME,
        "phone": CANARY_PHONE_TYPED,
        "message": CANARY_MESSAGE,
        "consent": "on",
        "consent_version": "1",
        "token": token,
        # Shown a minute ago, as for a person who typed it.
        "started": form_started(token, at=time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_inquiry(**overrides):
    version = overrides.pop("consent_version", None) or ConsentVersion.objects.get(number=1)
    fields = {
        "name": CANARY_NAME,
        "phone": CANARY_PHONE,
        "message": CANARY_MESSAGE,
        "consent_version": version,
        "consent_language": "ru",
        "consent_sha256": version.sha256_ru,
        "submission_token": uuid.uuid4(),
    }
    fields.update(overrides)
    return Inquiry.objects.create(**fields)
