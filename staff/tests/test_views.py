import re
import types
from base64 import b32encode
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import PasswordChangeRequired
from testkit.staff import PASSWORD, log_in, make_staff, token, wrong_token

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
ENROL = "/admin/second-factor/enrol/"
VERIFY = "/admin/second-factor/"
WRONG = (
    "That code is not right. Enter the code the app shows now; if it is refused again, "
    "check that the phone's clock is set automatically."
)


@pytest.fixture
def past_password(client):
    """A client whose staff member (no app yet) has given the right password."""
    client.user = make_staff()
    log_in(client)
    return client


@pytest.fixture
def frozen_totp_clock(monkeypatch):
    """Pin the clock django-otp reads codes against; returns the pinned Unix time."""
    now = 1_767_000_000.0  # the start of a time step: no boundary in the way
    monkeypatch.setattr(totp_models, "time", types.SimpleNamespace(time=lambda: now))
    return now


def russian(message):
    """The message as the (Russian) page shows it, HTML-escaped."""
    with translation.override("ru"):
        return escape(gettext(message))


def test_enrolment_shows_an_inline_svg_qr_code_and_the_key(past_password):
    page = past_password.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=past_password.user)
    assert not device.confirmed
    assert re.search(r'<span class="qr"[^>]*><svg [^>]*xmlns="http://www.w3.org/2000/svg"', page)
    assert "<path" in page
    # Drawn here: no image fetched from anywhere, no script of ours, only our static files.
    assert "<img" not in page
    assert all(src.startswith("/static/") for src in re.findall(r'src="([^"]*)"', page))
    key = b32encode(device.bin_key).decode()
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in page
    assert "otpauth://" not in page  # the key is in the picture and the text, not a link
    # Reloading keeps the same key: the app scanned a moment ago stays valid.
    past_password.get(ENROL)
    assert TOTPDevice.objects.get(user=past_password.user).key == device.key


def test_the_qr_code_holds_the_totp_configuration_with_the_issuer(past_password):
    past_password.get(ENROL)
    url = TOTPDevice.objects.get(user=past_password.user).config_url
    assert url.startswith("otpauth://totp/QARAT%20Service%3Aoperator?secret=")
    assert "issuer=QARAT%20Service" in url


def test_confirming_with_the_right_code_connects_the_app_and_opens_the_admin(past_password):
    past_password.get(ENROL)
    device = TOTPDevice.objects.get(user=past_password.user)
    session_key = past_password.session.session_key
    response = past_password.post(ENROL, {"token": token(device), "next": INDEX})
    assert response.status_code == 302
    # On to making backup codes, then to the page asked for.
    assert response.url == f"/admin/second-factor/backup-codes/?next={quote(INDEX, safe='')}"
    device.refresh_from_db()
    assert device.confirmed
    assert past_password.session.session_key != session_key  # a new key for the new rights
    assert past_password.get(INDEX).status_code == 200
    # Enrolment is over: the page now asks for a code instead of offering a new key.
    response = past_password.get(ENROL)
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=past_password.user).count() == 1


def test_a_code_typed_with_a_space_is_accepted(past_password):
    past_password.get(ENROL)
    code = token(TOTPDevice.objects.get(user=past_password.user))
    response = past_password.post(ENROL, {"token": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


def test_a_wrong_code_does_not_connect_the_app(past_password):
    past_password.get(ENROL)
    device = TOTPDevice.objects.get(user=past_password.user)
    response = past_password.post(ENROL, {"token": wrong_token(device)})
    assert response.status_code == 200
    assert russian(WRONG) in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1
    assert past_password.get(INDEX).status_code == 302


def test_something_that_is_not_a_code_is_refused_with_a_clear_message(past_password):
    past_password.get(ENROL)
    response = past_password.post(ENROL, {"token": "12a456"})
    assert russian("Enter the six digits the app shows.") in response.content.decode()


def test_enrolment_needs_the_password_first(client):
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.exists()


def test_a_staff_member_with_an_app_cannot_enrol_another(client):
    user = make_staff(device=True)
    log_in(client)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert client.post(ENROL, {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_staff_member_with_an_app_is_asked_for_the_code_and_gets_in(client):
    user = make_staff(device=True)
    response = log_in(client, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert 'name="token"' in page and 'class="qr"' not in page
    response = client.post(
        VERIFY, {"token": token(user.totpdevice_set.get()), "next": "/admin/auth/user/"}
    )
    assert response.status_code == 302
    assert response.url == "/admin/auth/user/"
    assert client.get(INDEX).status_code == 200


def test_a_wrong_code_at_login_is_refused(client):
    user = make_staff(device=True)
    log_in(client)
    response = client.post(VERIFY, {"token": wrong_token(user.totpdevice_set.get())})
    assert response.status_code == 200
    assert russian(WRONG) in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_the_next_address_must_be_on_this_site(client):
    user = make_staff(device=True)
    log_in(client)
    code = token(user.totpdevice_set.get())
    response = client.post(VERIFY, {"token": code, "next": "https://evil.example/admin/"})
    assert response.url == INDEX


def test_a_clock_one_step_off_is_tolerated_three_steps_is_not(client, frozen_totp_clock):
    user = make_staff(device=True)
    device = user.totpdevice_set.get()
    log_in(client)
    assert (
        client.post(VERIFY, {"token": token(device, steps=3, at=frozen_totp_clock)}).status_code
        == 200
    )
    device.throttle_reset()  # only the drift is under test here
    response = client.post(VERIFY, {"token": token(device, steps=-1, at=frozen_totp_clock)})
    assert response.status_code == 302


def test_a_code_is_good_only_once(client, verified_client_factory, frozen_totp_clock):
    user = make_staff(device=True)
    device = user.totpdevice_set.get()
    code = token(device, at=frozen_totp_clock)
    log_in(client)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    other = verified_client_factory(user)
    other.post(reverse("admin:logout"))
    log_in(other)
    assert other.post(VERIFY, {"token": code}).status_code == 200


def test_guessing_codes_is_throttled(client):
    user = make_staff(device=True)
    device = user.totpdevice_set.get()
    log_in(client)
    client.post(VERIFY, {"token": wrong_token(device)})
    # Straight after a wrong code even the right one is refused, with the wait to expect.
    response = client.post(VERIFY, {"token": token(device)})
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("ru"):
        throttled = ngettext(
            "Too many wrong codes. Wait %(seconds)d second and enter the current code.",
            "Too many wrong codes. Wait %(seconds)d seconds and enter the current code.",
            1,
        ) % {"seconds": 1}
    assert throttled in page
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # refused unchecked, not counted again
    # Each wrong code doubles the wait (1, 2, 4, ... seconds); once it has passed, the code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )
    assert client.post(VERIFY, {"token": token(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_logging_out_from_the_code_step(client):
    make_staff(device=True)
    log_in(client)
    response = client.post(reverse("staff:cancel"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:cancel")).status_code == 405


# --- The key shown before confirmation belongs to one login session ------------------------


def shown_key(response):
    return "".join(response.context["secret"].split())


def test_two_sessions_with_the_same_password_are_shown_different_keys(client, other_browser):
    make_staff()
    log_in(client)
    log_in(other_browser)  # someone else who knows the password
    first, second = shown_key(client.get(ENROL)), shown_key(other_browser.get(ENROL))
    assert first != second
    # Each session keeps its own key on reload, so the app scanned a moment ago stays valid.
    assert shown_key(client.get(ENROL)) == first
    assert shown_key(other_browser.get(ENROL)) == second


def test_confirming_in_one_session_voids_the_key_shown_in_another(client, other_browser):
    user = make_staff()
    log_in(client)
    log_in(other_browser)
    client.get(ENROL)
    other_key = shown_key(other_browser.get(ENROL))
    other = next(
        d
        for d in TOTPDevice.objects.filter(user=user)
        if b32encode(d.bin_key).decode() == other_key
    )
    mine = TOTPDevice.objects.exclude(pk=other.pk).get(user=user)
    assert client.post(ENROL, {"token": token(mine), "next": INDEX}).status_code == 302

    assert list(TOTPDevice.objects.filter(user=user)) == [mine]
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    # The other session's codes open nothing: not at enrolment, not at the code step.
    response = other_browser.post(ENROL, {"token": token(other)})
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert other_browser.post(VERIFY, {"token": token(other)}).status_code == 200
    assert other_browser.get(INDEX).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.fixture
def other_browser():
    """A second browser: someone else who knows the password, or the owner elsewhere."""
    return Client()


# --- A password an administrator set is replaced before anything else ----------------------

PASSWORD_PAGE = "/admin/second-factor/password/"
OWN_PASSWORD = "a password only I know 42"


def given_password(**fields):
    """A staff member whose password an administrator set (a new account, a reset)."""
    user = make_staff(**fields)
    PasswordChangeRequired.objects.require(user)
    return user


def change_password(client, new=OWN_PASSWORD, again=None, next_page=INDEX):
    return client.post(
        PASSWORD_PAGE,
        {"new_password1": new, "new_password2": again or new, "next": next_page},
    )


@pytest.mark.parametrize("second_factor", [True, False])
def test_a_given_password_must_be_changed_before_anything_else(client, settings, second_factor):
    settings.ADMIN_REQUIRE_2FA = second_factor
    given_password()
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == f"{PASSWORD_PAGE}?next=%2Fadmin%2F"
    for url in (INDEX, "/admin/auth/user/", VERIFY, ENROL, reverse("admin:login")):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(PASSWORD_PAGE), url
        assert 'name="new_password1"' in response.content.decode()
    assert not TOTPDevice.objects.exists()  # no key shown to whoever had the given password


def test_a_verified_session_is_sent_to_change_a_password_a_superuser_reset(
    verified_client_factory,
):
    client = verified_client_factory(given_password(device=True))
    response = client.get("/admin/inquiries/inquiry/", follow=True)
    assert response.redirect_chain[-1][0].startswith(PASSWORD_PAGE)


def test_the_new_password_must_differ_from_the_given_one_and_pass_the_validators(client):
    user = given_password()
    log_in(client)
    response = change_password(client, PASSWORD)
    assert russian("Choose a password different from the one you were given.") in (
        response.content.decode()
    )
    for new, again, refusal in [
        (PASSWORD, None, "same"),
        ("short1", None, "password_too_short"),
        ("password1234", None, "password_too_common"),
        (OWN_PASSWORD, OWN_PASSWORD + "x", "password_mismatch"),
    ]:
        response = change_password(client, new, again)
        assert response.status_code == 200
        errors = response.context["form"].errors.as_data()["new_password2"]
        assert refusal in [error.code for error in errors]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert PasswordChangeRequired.objects.is_required(user)


def test_after_changing_it_the_account_works_normally(client):
    user = given_password()
    log_in(client)
    response = change_password(client)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fadmin%2F"  # then the app, as for anyone
    assert not PasswordChangeRequired.objects.is_required(user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    client.post(ENROL, {"token": token(device)})
    assert client.get(INDEX).status_code == 200
    assert client.get(PASSWORD_PAGE).status_code == 302  # nothing owed any more
    # The given password is gone; the new one logs in.
    client.post(reverse("admin:logout"))
    assert log_in(Client(), password=PASSWORD).status_code == 200
    assert log_in(Client(), password=OWN_PASSWORD).status_code == 302


def test_changing_the_given_password_ends_every_other_session(client, other_browser):
    given_password()
    log_in(other_browser)  # someone else who knew the given password, waiting
    log_in(client)
    change_password(client)
    response = other_browser.get(ENROL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in other_browser.session
    assert client.get(ENROL).status_code == 200


def test_only_the_change_page_of_a_staff_member_past_the_password(client):
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
