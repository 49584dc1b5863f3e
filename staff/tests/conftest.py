import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Lockout tests log in dozens of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
