import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from qarat.network import client_ip_address
from testkit.staff import log_in, make_staff

PROXY = "127.0.0.1"  # nginx on the same host, as docs/deploy.md sets it up
CLIENT = "203.0.113.9"


def address(xff=None, remote_addr=PROXY):
    extra = {"REMOTE_ADDR": remote_addr}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip_address(RequestFactory().post("/admin/login/", **extra))


def test_without_a_trusted_proxy_the_peer_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address(remote_addr=CLIENT) == CLIENT
    assert address(xff="192.0.2.1", remote_addr=CLIENT) == CLIENT  # a header anyone can send


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address(xff=CLIENT) == CLIENT
    assert address(xff="2001:db8::7") == "2001:db8::7"


def test_a_forged_entry_in_front_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 192.0.2.1"; nginx appended what it saw.
    assert address(xff=f"192.0.2.1, {CLIENT}") == CLIENT
    assert address(xff=f"192.0.2.1,10.0.0.1 , {CLIENT}") == CLIENT


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(xff=f"192.0.2.1, {CLIENT}, 10.0.0.2") == CLIENT


def test_without_the_proxy_entries_the_peer_address_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address() == PROXY
    assert address(xff="") == PROXY
    assert address(xff="not-an-address") == PROXY
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(xff=CLIENT) == PROXY


@pytest.mark.django_db
def test_login_failures_are_counted_against_the_real_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_staff()
    # An attacker rotating a forged X-Forwarded-For is still one address to the lockout.
    responses = [
        log_in(client, password="wrong", ip=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {CLIENT}")
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert responses[-1].status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
    # Another client behind the same proxy is not locked out.
    response = log_in(client, ip=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_does_not_change_the_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    make_staff()
    log_in(client, password="wrong", ip=CLIENT, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]
