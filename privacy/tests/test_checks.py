import pytest

from privacy.checks import retention_within_the_consent


def ids(errors):
    return [error.id for error in errors]


def test_default_settings_pass():
    assert retention_within_the_consent(None) == []


@pytest.mark.parametrize("years", [4, 10, 0])
def test_a_retention_longer_than_the_consent_allows_is_an_error(settings, years):
    settings.INQUIRY_RETENTION_YEARS = years
    assert ids(retention_within_the_consent(None)) == ["privacy.E001"]


def test_shorter_retention_is_allowed(settings):
    settings.INQUIRY_RETENTION_YEARS = 1
    assert retention_within_the_consent(None) == []


def test_negative_margins_days_and_deadlines_are_errors(settings):
    settings.PURGE_MARGIN_HOURS = -1
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = -5
    settings.SUBJECT_REQUEST_DEADLINE_DAYS = {
        **settings.SUBJECT_REQUEST_DEADLINE_DAYS,
        "blocking": 0,
    }
    assert ids(retention_within_the_consent(None)) == [
        "privacy.E002",
        "privacy.E003",
        "privacy.E004",
    ]


def test_manage_py_check_fails_on_a_retention_of_four_years():
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "INQUIRY_RETENTION_YEARS": "4"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "privacy.E001" in result.stderr
