"""Every settings rule is checked in one place, on load, and reports all broken rules at once."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from qarat.settings_rules import broken_rules
from testkit.site import run_django

BASE_DIR = Path(__file__).resolve().parents[2]


def current(**changes):
    names = [name for name in dir(django_settings) if name.isupper()]
    values = {name: getattr(django_settings, name) for name in names}
    return {**values, **changes}


def test_the_test_settings_break_no_rule():
    assert broken_rules(current()) == []


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"INQUIRY_RETENTION_YEARS": 4}, "INQUIRY_RETENTION_YEARS"),
        ({"INQUIRY_RETENTION_YEARS": 0}, "INQUIRY_RETENTION_YEARS"),
        ({"PURGE_MARGIN_HOURS": -1}, "PURGE_MARGIN_HOURS"),
        ({"INQUIRY_PROCESSED_RETENTION_DAYS": -5}, "INQUIRY_PROCESSED_RETENTION_DAYS"),
        ({"BACKUP_KEEP_DAYS": 0}, "BACKUP_KEEP_DAYS"),
        ({"BACKUP_KEEP_DAYS": 3 * 365}, "BACKUP_KEEP_DAYS"),
        ({"SESSION_HOURS": 0}, "SESSION_HOURS"),
        ({"TRUSTED_PROXY_COUNT": -1}, "TRUSTED_PROXY_COUNT"),
        ({"LOGIN_FAILURE_LIMIT": 0}, "LOGIN_FAILURE_LIMIT"),
        ({"LOGIN_COOLOFF_MINUTES": 0}, "LOGIN_COOLOFF_MINUTES"),
        ({"STAFF_LOGIN_RECORDS_DAYS": 0}, "STAFF_LOGIN_RECORDS_DAYS"),
        ({"SUBJECT_REQUESTS_KEEP_YEARS": 0}, "SUBJECT_REQUESTS_KEEP_YEARS"),
        ({"DESTRUCTION_RECORDS_KEEP_YEARS": 0}, "DESTRUCTION_RECORDS_KEEP_YEARS"),
        (
            {"POLICY_DETAILS": {**django_settings.POLICY_DETAILS, "hosting_country": "KAZ"}},
            "HOSTING_COUNTRY",
        ),
        (
            {"POLICY_DETAILS": {**django_settings.POLICY_DETAILS, "server_log_days": 0}},
            "SERVER_LOG_KEEP_DAYS",
        ),
        ({"INCIDENTS_KEEP_YEARS": 0}, "INCIDENTS_KEEP_YEARS"),
        ({"AUDIT_RECORDS_KEEP_YEARS": 0}, "AUDIT_RECORDS_KEEP_YEARS"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"ADMIN_URL": "/admin"}, "ADMIN_URL"),
        ({"DEBUG": False, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": False, "ALLOWED_HOSTS": []}, "ALLOWED_HOSTS"),
        ({"DEBUG": False, "PHONE_HASH_KEY": ""}, "PHONE_HASH_KEY"),
    ],
)
def test_each_rule_names_its_variable(changes, named):
    problems = broken_rules(current(**changes))
    assert len(problems) == 1
    assert named in problems[0]


def test_a_deadline_under_a_day_is_refused():
    deadlines = {**django_settings.SUBJECT_REQUEST_DEADLINE_DAYS, "blocking": 0}
    problems = broken_rules(current(SUBJECT_REQUEST_DEADLINE_DAYS=deadlines))
    assert problems == ["The deadline for blocking requests must be at least one day."]


def test_every_broken_rule_is_listed_at_start_up_not_only_the_first():
    result = run_django(
        "print('started')",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.kz",
        PHONE_HASH_KEY="y" * 50,
        INQUIRY_RETENTION_YEARS="4",
        SESSION_HOURS="0",
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "INQUIRY_RETENTION_YEARS is 4" in result.stderr
    assert "SESSION_HOURS is 0" in result.stderr


def test_gunicorns_entry_point_refuses_a_retention_of_four_years_like_manage_py():
    for command in (["manage.py", "check"], ["-c", "import qarat.wsgi"]):
        result = subprocess.run(
            [sys.executable, *command],
            cwd=BASE_DIR,
            env={
                "PATH": "/usr/bin:/bin",
                "DJANGO_SETTINGS_MODULE": "qarat.settings",
                "INQUIRY_RETENTION_YEARS": "4",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0, command
        assert "the consent allows 1 to 3 years" in result.stderr


def test_settings_py_raises_in_one_place_only():
    source = (BASE_DIR / "qarat" / "settings.py").read_text(encoding="utf-8")
    assert len(re.findall(r"raise ImproperlyConfigured", source)) == 1
