from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from testkit.staff import log_in, make_staff

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


@pytest.fixture
def clock(monkeypatch):
    """Move the clock sessions are checked against: `clock(hours=9)`."""
    real_now = timezone.now

    def move(**delta):
        later = real_now() + timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: later)

    return move


def test_sessions_last_a_working_day_and_end_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60 == settings.SESSION_HOURS * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_cookie_is_dropped_when_the_browser_closes(client):
    make_staff(device=True)
    response = log_in(client)
    cookie = response.cookies["sessionid"]
    # No Max-Age or Expires: the browser keeps the cookie only while it runs.
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True
    session = Session.objects.get(session_key=cookie.value)
    expected = timezone.now() + timedelta(hours=9)
    assert abs(session.expire_date - expected) < timedelta(minutes=1)


def test_a_session_ends_after_the_working_day(verified_client_factory, clock):
    within = verified_client_factory(make_staff(device=True))
    after = verified_client_factory(make_staff("colleague", device=True))
    clock(hours=8, minutes=59)
    assert within.get(INDEX).status_code == 200
    clock(hours=9, minutes=1)
    response = after.get(INDEX)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_the_working_day_follows_the_setting(client, settings):
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    make_staff(device=True)
    cookie = log_in(client).cookies["sessionid"]
    session = Session.objects.get(session_key=cookie.value)
    assert abs(session.expire_date - (timezone.now() + timedelta(hours=2))) < timedelta(minutes=1)
