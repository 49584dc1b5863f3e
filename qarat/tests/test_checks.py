"""`check --deploy`'s checks of the database's texts: the policy and the consent."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from qarat import checks
from testkit.consent import make_draft, make_policy_draft, publish_policy_draft

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def deploy_checks():
    return {message.id: message for message in run_checks(include_deployment_checks=True)}


def test_a_fresh_installation_is_told_to_publish_its_policy():
    found = deploy_checks()
    assert "No personal-data policy is published" in found["qarat.E011"].msg
    assert "(ru, kk, en)" in found["qarat.E012"].msg
    assert found["qarat.E011"].is_serious() and found["qarat.E012"].is_serious()


def test_a_published_policy_and_no_unfinished_draft_pass():
    publish_policy_draft()
    found = deploy_checks()
    assert not {"qarat.E011", "qarat.E012", "qarat.W011"} & set(found)


def test_an_unfinished_draft_is_reported_even_beside_a_published_policy():
    publish_policy_draft()
    make_policy_draft(text_kk="Саясат, [ТОЛТЫРЫҢЫЗ: жауапты адамның лауазымы]")
    found = deploy_checks()
    assert "qarat.E011" not in found
    assert found["qarat.E012"].msg.endswith("placeholders (kk).")


def test_the_developers_policy_text_still_published_is_flagged(monkeypatch):
    published = publish_policy_draft()
    monkeypatch.setattr(checks, "DEVELOPERS_POLICY_SHA256", {published.sha256_en})
    assert "draft_policy" in deploy_checks()["qarat.W011"].hint


def test_footer_details_that_match_the_consent_pass():
    assert "qarat.E013" not in deploy_checks()


def test_footer_details_that_the_consent_does_not_name_are_an_error(settings):
    settings.OPERATOR = {**settings.OPERATOR, "bin": "999999999999"}
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "qarat.E013"]
    assert len(errors) == 3  # one per language
    assert all("OPERATOR_BIN" in error.msg and error.is_serious() for error in errors)
    assert "OPERATOR_PRIVACY_EMAIL" not in errors[0].msg


def test_a_name_in_one_language_only_is_reported_for_that_language(settings):
    names = {**settings.OPERATOR["name"], "kk": "ЖШС «Басқа»"}
    settings.OPERATOR = {**settings.OPERATOR, "name": names}
    (error,) = [m for m in run_checks(include_deployment_checks=True) if m.id == "qarat.E013"]
    assert "OPERATOR_NAME_KK" in error.msg and "kk text of consent version 1" in error.msg


def test_the_latest_consent_version_is_the_one_compared(settings):
    make_draft(text_ru="Согласие 2", text_kk="Келісім 2", text_en="Consent 2").publish()
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "qarat.E013"]
    assert len(errors) == 3 and "consent version 2" in errors[0].msg


def test_a_database_not_migrated_yet_is_an_error_not_a_crash():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": "sqlite://:memory:"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "qarat.E010" in output and "Run `manage.py migrate`" in output
    assert "Traceback" not in output
