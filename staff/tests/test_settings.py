import pytest

from testkit.site import run_django

SHOW = (
    "from django.conf import settings as s; "
    "print(s.ADMIN_REQUIRE_2FA, s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
    "s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), s.TRUSTED_PROXY_COUNT, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.kz"}


def test_production_defaults_require_the_second_factor():
    result = run_django(SHOW, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "32400", "True", "5", "1800", "0", "None"]


def test_debug_mode_does_not_require_the_second_factor_unless_asked():
    assert run_django(SHOW, DEBUG="true").stdout.split()[0] == "False"
    assert run_django(SHOW, DEBUG="true", ADMIN_REQUIRE_2FA="true").stdout.split()[0] == "True"


def test_the_environment_sets_session_lockout_and_proxy():
    result = run_django(
        SHOW,
        **PRODUCTION,
        SESSION_HOURS="8",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_COOLOFF_MINUTES="15",
        TRUSTED_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:6] == ["28800", "True", "3", "900", "1"]
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout


@pytest.mark.parametrize(
    "name", ["SESSION_HOURS", "LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES", "TRUSTED_PROXY_COUNT"]
)
def test_nonsense_values_stop_start_up(name):
    result = run_django("print('started')", **PRODUCTION, **{name: "-1"})
    assert result.returncode != 0
    assert name in result.stderr


@pytest.mark.parametrize(
    "environment",
    [
        {"STAFF_LOGIN_RECORDS_DAYS": "0"},
        {"STAFF_LOGIN_RECORDS_DAYS": "1", "LOGIN_COOLOFF_MINUTES": "1441"},
    ],
)
def test_login_records_kept_for_less_than_a_lockout_stop_start_up(environment):
    result = run_django("print('started')", **PRODUCTION, **environment)
    assert result.returncode != 0
    assert "STAFF_LOGIN_RECORDS_DAYS" in result.stderr


def test_login_records_are_kept_ninety_days_unless_set():
    show = "from django.conf import settings as s; print(s.STAFF_LOGIN_RECORDS_DAYS)"
    assert run_django(show, **PRODUCTION).stdout.split() == ["90"]
    assert run_django(show, **PRODUCTION, STAFF_LOGIN_RECORDS_DAYS="30").stdout.split() == ["30"]
