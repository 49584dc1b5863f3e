"""One-time backup codes for the second factor (django-otp's static device): for the day the
phone is not at hand. Each code works once; making new ones replaces the old set."""

import re
import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

CODE_COUNT = 10
# Lower-case letters and digits without look-alikes (no 0/o, 1/l/i): easy to type from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
# What a typed backup code looks like once spaces and hyphens are gone.
CODE_PATTERN = re.compile(rf"[{ALPHABET}]{{{CODE_LENGTH}}}")
DEVICE_NAME = "backup codes"


def normalise(typed):
    """ "ABCD-E FGH2K" → "abcdefgh2k": how people copy a code from paper."""
    return re.sub(r"[\s-]", "", typed).lower()


def is_backup_code(token):
    return bool(CODE_PATTERN.fullmatch(token))


def shown(code):
    """The code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def backup_device(user):
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def replace_codes(user):
    """A new set of CODE_COUNT codes for `user`, every earlier code gone; the only time the
    codes are in clear outside the database is the list this returns."""
    codes = [
        "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(CODE_COUNT)
    ]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [shown(code) for code in codes]
