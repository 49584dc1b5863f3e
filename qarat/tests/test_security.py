"""Production headers, as a browser sees them, from the settings a deployment starts with."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

REQUEST = """
import json
from django.conf import settings
from django.core.management import call_command
# No collectstatic here: plain static storage (the headers do not depend on it).
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.test import Client
call_command("migrate", verbosity=0)
client = Client()
secure = client.get("/", secure=True, headers={"host": "example.kz"})
admin = client.get("/admin/login/", secure=True, headers={"host": "example.kz"})
plain = client.get("/", headers={"host": "example.kz"})
health = client.get("/healthz", headers={"host": "example.kz"})
print(json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "admin_headers": dict(admin.headers),
    "cookies": {name: dict(morsel) for name, morsel in secure.cookies.items()},
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "health_status": health.status_code,
}))
"""


def production(**extra):
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "production-like-" + "k" * 50,
        "PHONE_HASH_KEY": "production-like-hash-key",
        "ALLOWED_HOSTS": "example.kz",
        "DATABASE_URL": "sqlite://:memory:",
        "DJANGO_SETTINGS_MODULE": "qarat.settings",
        **extra,
    }
    return env


def fetch(**extra):
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{REQUEST}"],
        cwd=BASE_DIR,
        env=production(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def served():
    return fetch()


# An installation as the README leaves it: migrated, the policy draft completed and published.
DEPLOYED_CHECK = """
import django; django.setup()
from django.core.management import call_command
from testkit.consent import publish_policy_draft
call_command("migrate", verbosity=0)
publish_policy_draft()
call_command("check", deploy=True, fail_level="WARNING")
"""


def test_check_deploy_reports_nothing():
    result = subprocess.run(
        [sys.executable, "-c", DEPLOYED_CHECK],
        cwd=BASE_DIR,
        # Production shares its cache through Redis (the check does not connect to it).
        env=production(CACHE_URL="redis://127.0.0.1:6379/15"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_a_cache_each_process_keeps_alone():
    env = production(CACHE_URL="locmemcache://")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "qarat.W001" in result.stdout + result.stderr


def test_plain_http_is_redirected_to_https(served):
    assert served["plain_status"] == 301
    assert served["plain_location"] == "https://example.kz/"


def test_the_container_health_check_over_plain_http_is_not_redirected(served):
    assert served["health_status"] == 200


def test_hsts_for_a_year_with_subdomains(served):
    assert served["status"] == 200
    assert served["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_preload_is_a_setting():
    headers = fetch(HSTS_PRELOAD="true")["headers"]
    assert headers["Strict-Transport-Security"].endswith("; preload")


@pytest.mark.parametrize("key", ["headers", "admin_headers"])
def test_content_security_policy_allows_no_inline_script_anywhere(served, key):
    policy = served[key]["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "yandex" not in policy


def test_analytics_hosts_appear_only_when_a_counter_is_configured():
    policy = fetch(YANDEX_METRIKA_ID="12345678")["headers"]["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "https://mc.yandex.ru" in directives["script-src"]
    assert "wss://mc.yandex.ru" in directives["connect-src"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_other_protective_headers(served):
    headers = served["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_cookies_are_host_only_secure_httponly_and_samesite(served):
    cookie = served["cookies"]["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_the_forms_security_cookie_ends_with_the_browser_session_as_the_policy_says(served):
    cookie = served["cookies"]["__Host-csrftoken"]
    assert not cookie["expires"] and not cookie["max-age"]  # kept only until the browser closes
    drafts = BASE_DIR / "templates" / "consent" / "policy"
    said = {
        "en": "protects the form against forged requests (deleted when the browser is closed)",
        "ru": "предохраняющий форму от поддельных запросов (удаляется при закрытии браузера)",
        "kk": "қорғаныс cookie файлы (браузер жабылғанда өшіріледі)",
    }
    for language, words in said.items():
        assert words in (drafts / f"draft.{language}.txt").read_text(encoding="utf-8")
