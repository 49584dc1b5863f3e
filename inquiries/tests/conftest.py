import pytest
from django.test import Client


@pytest.fixture
def verified_client_factory():
    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make
