"""The fixtures every test may use: clients past both login steps, staff of each role, a clean
cache, tmp paths for the journal and backups, Redis and the captured log."""

import io
import logging
import os

import pytest
from django.core.cache import cache

from qarat.cache import SharedValue


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs `collectstatic`; unit tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Staff accounts are made and logged in all over the tests; the production hasher is slow
    # on purpose (the browser tests' servers keep it).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The published consent versions and public texts are cached (in the shared cache and
    # in each process for a moment); a test that publishes or edits must not leak.
    cache.clear()
    SharedValue.forget_all()
    yield
    cache.clear()
    SharedValue.forget_all()


@pytest.fixture
def verified_client_factory(db):
    """Make a test client logged in as `user` past both login steps: `make(user) -> Client`.

    The admin (staff.admin_site) wants the password and, with ADMIN_REQUIRE_2FA (on in
    tests, DEBUG is off), a TOTP code. This force_logins the user and marks the session
    as verified by a real confirmed TOTPDevice, as django_otp.login() does after a right
    code. pytest-django's `admin_client`/`client.force_login()` alone only reach the
    login page now. Each call gives a fresh client; `client.user` is the user.
    """
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.user = user
        return client

    return make


@pytest.fixture
def verified_admin_client(django_user_model, verified_client_factory):
    """A superuser ("admin") past password and code: `admin_client` for the 2FA admin."""
    user = django_user_model.objects.create_superuser(
        "admin", "admin@example.com", "a long enough password 1"
    )
    return verified_client_factory(user)


@pytest.fixture(autouse=True)
def _journal_and_backups_in_tmp(settings, tmp_path):
    # Destructions are journaled to a file, and backups written to a directory: keep the
    # tests' out of the checkout.
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.DESTRUCTION_JOURNAL = tmp_path / "backups" / "destructions.jsonl"


@pytest.fixture
def staff_client(verified_client_factory):
    """make(group) -> a logged-in, second-factor-verified member of that staff group."""
    import uuid

    from django.contrib.auth.models import Group, User

    def login(group):
        user = User.objects.create_user(
            f"{group.split()[0].lower()}-{uuid.uuid4().hex[:6]}",
            password="correct horse battery staple",  # noqa: S106 - test accounts
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=group))
        return verified_client_factory(user)

    return login


@pytest.fixture
def operator(staff_client):
    return staff_client("Operators")


@pytest.fixture
def privacy_officer(staff_client):
    return staff_client("Privacy officers")


def _redis_url():
    """Redis database 14, flushed by the tests: one each under pytest-xdist, counting down
    from 14 by worker (gw0 14, gw1 12, gw2 11...) past 13, the benchmark's (README)."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    number = 14 if worker == 0 else 13 - worker
    assert number >= 1, "more pytest-xdist workers than Redis databases for them"
    return f"redis://127.0.0.1:6379/{number}"


@pytest.fixture
def shared_redis():
    import redis

    url = _redis_url()
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        message = "No Redis on 127.0.0.1:6379: .ci/run starts one; start redis-server to run this."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def log_output():
    """What the site's own handlers write, at every level, for the whole test."""
    stream = io.StringIO()
    handlers = logging.getLogger().handlers + logging.getLogger("django").handlers
    consoles = {id(h): h for h in handlers if type(h) is logging.StreamHandler}.values()
    assert consoles, "the site's console handler is not configured"
    previous = [(h, h.stream) for h in consoles]
    for handler in consoles:
        handler.setStream(stream)
    levels = {name: logging.getLogger(name).level for name in ("", "django", "inquiries")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    for handler, old in previous:
        handler.setStream(old)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def published_policy(db):
    """Policy version 1, published 01.12.2026 from the migrations' draft, completed."""
    import datetime

    from testkit.consent import publish_policy_draft

    return publish_policy_draft(today=datetime.date(2026, 12, 1))


@pytest.fixture(autouse=True)
def _site_language():
    # A request to /en/ leaves English active in the thread; each test starts in Russian.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
