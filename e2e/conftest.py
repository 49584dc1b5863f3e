"""A real server (gunicorn, production settings) on its own fresh database, and Chromium."""

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from qarat.live_server import collect_static, gunicorn, manage, own_database, site_environment

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = (
            "No Chromium found: install Debian's `chromium` package or set CHROMIUM_PATH. "
            "Browser tests run in CI; here they are skipped."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


PUBLISH_POLICY = "from testkit.consent import publish_policy_draft; publish_policy_draft()"


class Site:
    """The running site and a way to run management code against its database."""

    def __init__(self, url, env):
        self.url = url
        self.env = env

    def manage(self, *args, stdin=None):
        return manage(self.env, *args, stdin=stdin)

    def run_daily_jobs(self):
        """Each daily job privacy officers are warned about, once: pages without the banner."""
        from privacy.job_warnings import WATCHED_JOBS

        for job in WATCHED_JOBS:
            self.manage(job.name, "-v", "0")


@contextlib.contextmanager
def _running_site(tmp_path, extra_env=None):
    """Gunicorn (gunicorn.conf.py, as the Dockerfile runs it) on a fresh database, with the
    test process's environment plus `extra_env`."""
    with own_database(tmp_path) as database_url:
        env = site_environment(tmp_path, database_url, **(extra_env or {}))
        manage(env, "migrate", "--noinput")
        # As a privacy officer does before opening the site: the policy draft, completed.
        manage(env, "shell", "-c", PUBLISH_POLICY)
        collect_static(env)
        with gunicorn(env, workers=2) as url:
            yield Site(url, env)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    with _running_site(tmp_path_factory.mktemp("site")) as site:
        yield site


@pytest.fixture
def own_site(tmp_path):
    """A site of the test's own, for a test that changes what every other test relies on
    (publishing a consent version, say)."""
    with _running_site(tmp_path) as site:
        yield site


@pytest.fixture(scope="session")
def site_factory(tmp_path_factory):
    """`make(**env) -> Site`: another site whose settings differ by environment variables.

    For settings read once at start-up (YANDEX_METRIKA_ID shapes the CSP, say). One server
    per distinct set of variables, shared by the session and stopped at its end.
    """
    with contextlib.ExitStack() as stack:
        started = {}

        def make(**extra_env):
            key = tuple(sorted(extra_env.items()))
            if key not in started:
                tmp_path = tmp_path_factory.mktemp("site")
                started[key] = stack.enter_context(_running_site(tmp_path, extra_env))
            return started[key]

        yield make


def _watched_page(browser, **options):
    """A page in a fresh context that records every Content-Security-Policy violation."""
    context = browser.new_context(**options)
    violations = []
    context.on(
        "console",
        lambda message: (
            violations.append(f"{message.location.get('url')}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return context, context.new_page(), violations


@pytest.fixture
def desktop_page(browser):
    context, page, violations = _watched_page(
        browser, viewport={"width": 1280, "height": 900}, locale="ru-RU"
    )
    yield page
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def phone_page(browser):
    context, page, violations = _watched_page(
        browser,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="ru-RU",
    )
    yield page
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy"
