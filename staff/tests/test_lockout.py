from datetime import timedelta

import pytest
from axes.handlers import proxy
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from testkit.staff import PASSWORD, log_in, make_staff

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"


@pytest.fixture
def axes_clock(monkeypatch):
    """Move the clock django-axes dates attempts by: `axes_clock(minutes=31)`."""

    def move(**delta):
        later = timezone.now() + timedelta(**delta)
        monkeypatch.setattr(proxy, "now", lambda: later)

    return move


def fail(client, times, username="operator", ip=ADDRESS):
    return [log_in(client, username, "not the password", ip=ip) for _ in range(times)]


@pytest.fixture
def locked(client, settings):
    """`operator` locked out from ADDRESS: the failure limit of wrong passwords."""
    make_staff()
    responses = fail(client, settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    return responses[-1]


def test_the_defaults_are_five_failures_and_thirty_minutes(settings):
    # pytest.ini sets neither LOGIN_FAILURE_LIMIT nor LOGIN_COOLOFF_MINUTES.
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_the_lockout_page_says_clearly_when_to_try_again(locked, settings):
    assert "staff/lockout.html" in [template.name for template in locked.templates]
    assert locked.context["minutes_left"] == 30
    assert locked.context["failure_limit"] == settings.AXES_FAILURE_LIMIT
    retry_at = timezone.localtime() + timedelta(minutes=30)
    assert abs(locked.context["retry_at"] - retry_at) < timedelta(minutes=1)
    page = locked.content.decode()
    assert locked.context["retry_at"].strftime("%H:%M") in page
    assert 'name="password"' not in page


def test_the_right_password_is_refused_while_locked(locked, client):
    response = log_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_username_from_another_address_is_not_locked(locked, client):
    response = log_in(client, ip="203.0.113.50")
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff:verify"))


def test_another_username_from_the_same_address_is_not_locked(locked, client):
    make_staff("colleague")
    response = log_in(client, "colleague")
    assert response.status_code == 302


def test_the_lock_lifts_after_the_cool_off(locked, client, axes_clock):
    axes_clock(minutes=31)
    response = log_in(client)
    assert response.status_code == 302
    # A successful login clears the record: the count starts again from zero.
    assert not AccessAttempt.objects.filter(username="operator").exists()


def test_attempts_during_the_lock_do_not_extend_it(locked, client, axes_clock):
    # Someone behind the same office address keeps trying, right and wrong passwords alike.
    for minutes in (1, 10, 20, 29):
        axes_clock(minutes=minutes)
        assert fail(client, 2)[-1].status_code == 429
        assert log_in(client).status_code == 429
    axes_clock(minutes=31)  # one cool-off after the failure that locked, whatever came since
    response = log_in(client)
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff:verify"))


def test_the_lockout_page_keeps_the_original_end_of_the_lock(locked, client, axes_clock):
    ends = locked.context["retry_at"]
    axes_clock(minutes=20)
    fail(client, 1)
    response = log_in(client)
    assert response.status_code == 429
    assert response.context["retry_at"] == ends
    assert response.context["minutes_left"] == 10  # what is left of it, not 30 again
    assert ends.strftime("%H:%M") in response.content.decode()


def test_failures_older_than_the_cool_off_do_not_add_up(client, settings, axes_clock):
    make_staff()
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    axes_clock(minutes=31)
    assert fail(client, 1)[0].status_code == 200
    assert log_in(client).status_code == 302


def test_a_smaller_limit_from_the_settings_applies(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_staff()
    assert [r.status_code for r in fail(client, 2)] == [200, 429]
    assert log_in(client, "operator", PASSWORD).status_code == 429
