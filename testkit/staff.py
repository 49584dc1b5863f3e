import time

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple 7"


def make_staff(username="operator", *, password=PASSWORD, device=False, **fields):
    """An active staff member; with `device=True` also a confirmed authenticator app."""
    user = get_user_model().objects.create_user(
        username, password=password, is_staff=True, **fields
    )
    if device:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def token(device, *, steps=0, at=None):
    """The code the app shows `steps` time steps from now (or from `at`, a Unix time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (time.time() if at is None else at) + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_token(device):
    """Six digits no tolerated time step accepts."""
    near = {token(device, steps=steps) for steps in range(-3, 4)}
    return next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in near)


def log_in(client, username="operator", password=PASSWORD, *, ip="198.51.100.7", **extra):
    """The password step, as a browser posts it (django-axes needs the request)."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **extra,
    )
