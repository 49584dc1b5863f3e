"""Bots and floods are stopped without a third-party CAPTCHA; people are never dropped."""

import hashlib
import re
import time
import uuid

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import OperationalError

from inquiries.forms import (
    FORM_MAX_AGE_SECONDS,
    STARTED_SALT,
    form_started,
    form_started_at,
)
from inquiries.models import Inquiry
from inquiries.rate_limit import rate_parse
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE_TYPED, form_data

pytestmark = pytest.mark.django_db


def assert_kept(page):
    assert f'value="{CANARY_NAME}"' in page
    assert f'value="{CANARY_PHONE_TYPED}"' in page
    assert CANARY_MESSAGE in page


def test_honeypot_gets_what_a_person_gets_and_nothing_is_stored(client):
    """A bot learns nothing from the answer: the same 303 to a receipt as a real inquiry."""
    real = client.post("/en/", form_data())
    caught = client.post("/en/", form_data(website="http://spam.example"))
    assert caught.status_code == real.status_code == 303
    pattern = r"^/en/thanks/Q-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/$"
    assert re.match(pattern, caught["Location"]) and re.match(pattern, real["Location"])
    receipt, decoy = client.get(real["Location"]), client.get(caught["Location"])
    assert decoy.status_code == receipt.status_code == 200
    assert decoy.templates[0].name == receipt.templates[0].name == "inquiries/thanks.html"
    assert "Thank you" in decoy.content.decode()
    assert Inquiry.objects.count() == 1  # the real one only
    # Only the site's own decoys get a receipt: another made-up reference is a 404.
    assert client.get("/en/thanks/Q-AAAA-BBBB-CCCC/").status_code == 404


def test_honeypot_field_is_hidden_from_people(client):
    page = client.get("/en/").content.decode()
    assert '<div class="hp" aria-hidden="true">' in page
    assert 'name="website" id="id_website" value="" tabindex="-1" autocomplete="off"' in page


TOKEN = "5b0c9a52-3f9e-4c43-9d51-3d0f2d7c1a10"


@pytest.mark.parametrize(
    "started",
    [
        "now",  # sent the instant it was shown
        None,  # no start time at all
        "forged",  # a start time not signed by us
        "another form's",  # signed for another token: replayed from one page to many
        "bare time",  # the format before it was bound to the token
    ],
)
def test_too_fast_or_unsigned_is_asked_to_send_again_with_input_kept(client, settings, started):
    settings.INQUIRY_MIN_FILL_SECONDS = 3
    value = {
        "now": form_started(TOKEN),
        None: None,
        "forged": signing.dumps([time.time() - 60, TOKEN], salt="someone-else"),
        "another form's": form_started(str(uuid.uuid4()), at=time.time() - 60),
        "bare time": signing.dumps(time.time() - 60, salt=STARTED_SALT),
    }[started]
    response = client.post("/en/", form_data(token=TOKEN, started=value))
    assert response.status_code == 400
    page = response.content.decode()
    assert "That was very quick" in page
    # No field is marked, so the page does not ask to correct any.
    assert "not sent yet" in page
    assert "marked fields" not in page
    assert 'aria-invalid="true"' not in page
    assert_kept(page)
    assert Inquiry.objects.count() == 0
    # The page shown again carries a fresh start time of its own: waiting, then sending
    # again, works.
    fresh = page.split('name="started" value="')[1].split('"')[0]
    token = page.split('name="token" value="')[1].split('"')[0]
    assert token == TOKEN
    assert time.time() - form_started_at(fresh, token) < 60


def test_one_signed_start_time_replayed_by_many_clients_stores_one_inquiry(client, settings):
    """A bot that fetched one form long ago cannot reuse its start time for new posts."""
    settings.INQUIRY_MIN_FILL_SECONDS = 3
    token = str(uuid.uuid4())
    started = form_started(token, at=time.time() - 60)
    statuses = []
    for n in range(5):
        # New clients, no waiting; another token with the same start time is refused.
        statuses.append(client.post("/en/", form_data(token=token, started=started)).status_code)
        other = form_data(token=str(uuid.uuid4()), started=started)
        statuses.append(client.post("/en/", other, REMOTE_ADDR=f"10.9.0.{n}").status_code)
    assert statuses == [303, 400] * 5
    assert Inquiry.objects.count() == 1


def test_a_form_left_open_for_more_than_a_day_is_asked_again_with_input_kept(client):
    token = str(uuid.uuid4())
    started = form_started(token, at=time.time() - FORM_MAX_AGE_SECONDS - 60)
    response = client.post("/en/", form_data(token=token, started=started))
    assert response.status_code == 400
    page = response.content.decode()
    assert "This page was open for more than a day" in page
    assert_kept(page)
    fresh = page.split('name="started" value="')[1].split('"')[0]
    assert time.time() - form_started_at(fresh, token) < 60
    assert Inquiry.objects.count() == 0


def test_a_person_taking_their_time_is_accepted(client, settings):
    settings.INQUIRY_MIN_FILL_SECONDS = 3
    started = form_started(TOKEN, at=time.time() - 4)
    assert client.post("/en/", form_data(token=TOKEN, started=started)).status_code == 303


def test_the_form_carries_a_fresh_start_time_signed_for_its_own_token(client):
    page = client.get("/").content.decode()
    value = page.split('name="started" value="')[1].split('"')[0]
    token = page.split('name="token" value="')[1].split('"')[0]
    assert abs(form_started_at(value, token) - time.time()) < 60
    assert form_started_at(value, str(uuid.uuid4())) is None


def test_rate_limit_answers_429_with_input_kept(client, settings):
    settings.INQUIRY_RATE_LIMIT = "5/10m"
    for _ in range(5):
        assert client.post("/en/", form_data()).status_code == 303
    response = client.post("/en/", form_data())
    assert response.status_code == 429
    page = response.content.decode()
    assert "too many inquiries came from your connection" in page
    assert_kept(page)
    assert Inquiry.objects.count() == 5


def test_rate_limit_is_per_client_address(client, settings):
    settings.INQUIRY_RATE_LIMIT = "2/10m"
    for _ in range(2):
        client.post("/en/", form_data(), REMOTE_ADDR="10.0.0.1")
    assert client.post("/en/", form_data(), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post("/en/", form_data(), REMOTE_ADDR="10.0.0.2").status_code == 303


def test_rate_limit_uses_the_address_the_trusted_proxy_saw(client, settings):
    settings.INQUIRY_RATE_LIMIT = "1/10m"
    settings.TRUSTED_PROXY_COUNT = 1
    client.post("/en/", form_data(), HTTP_X_FORWARDED_FOR="203.0.113.7")
    # The same visitor, forging a different left-most entry: still the same address.
    again = client.post("/en/", form_data(), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert again.status_code == 429
    other = client.post("/en/", form_data(), HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 303


def test_refused_submissions_do_not_use_up_the_limit(client, settings):
    settings.INQUIRY_RATE_LIMIT = "2/10m"
    for _ in range(4):
        assert client.post("/en/", form_data(phone="123")).status_code == 400
    assert client.post("/en/", form_data()).status_code == 303
    assert client.post("/en/", form_data()).status_code == 303


def test_the_client_address_is_never_in_a_cache_key_even_hashed_without_a_key(client, settings):
    settings.INQUIRY_RATE_LIMIT = "5/10m"
    client.post("/en/", form_data(), REMOTE_ADDR="198.51.100.23")
    keys = list(cache._cache.keys())  # LocMemCache: the keys as stored
    assert keys
    # An unkeyed hash of an IPv4 address is undone by trying all 2**32 of them.
    unkeyed = {
        hashlib.new(algorithm, b"198.51.100.23").hexdigest()
        for algorithm in ("md5", "sha1", "sha256")
    }
    for key in keys:
        assert "198.51.100.23" not in key
        assert not any(digest in key for digest in unkeyed)
    # The key depends on the site's secret: another site cannot compute it either.
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    client.post("/en/", form_data(), REMOTE_ADDR="198.51.100.23")
    assert len(set(cache._cache.keys()) - set(keys)) >= 1


def test_a_submission_the_database_did_not_store_gives_its_slot_back(client, settings, monkeypatch):
    settings.INQUIRY_RATE_LIMIT = "1/10m"

    def refuse(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("inquiries.views.inquiry_submit", refuse)
    # Its second look, on a fresh connection, finds nothing either (and keeps the test's).
    monkeypatch.setattr("inquiries.views._stored_reference", lambda token: None)
    for _ in range(3):
        assert client.post("/en/", form_data()).status_code == 503
    monkeypatch.undo()
    assert client.post("/en/", form_data()).status_code == 303
    assert client.post("/en/", form_data()).status_code == 429


def test_sending_the_same_form_again_uses_no_second_slot(client, settings):
    settings.INQUIRY_RATE_LIMIT = "2/10m"
    data = form_data()
    first = client.post("/en/", data)
    assert client.post("/en/", data)["Location"] == first["Location"]  # the same receipt
    assert client.post("/en/", form_data()).status_code == 303
    assert Inquiry.objects.count() == 2


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("5/10m", (5, 600)), ("1/s", (1, 1)), ("100/2h", (100, 7200)), ("3/d", (3, 86400))],
)
def test_the_rate_setting_is_read_as_count_per_period(rate, expected):
    assert rate_parse(rate) == expected


@pytest.mark.parametrize("rate", ["5", "5/10x", "five/m", "/m", ""])
def test_a_malformed_rate_setting_is_refused(rate):
    with pytest.raises(ValueError):
        rate_parse(rate)


def test_database_down_answers_503_with_input_kept(client, monkeypatch):
    def refuse(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("inquiries.views.inquiry_submit", refuse)
    # The form was shown first: the page saying so needs no query (its second look for
    # the inquiry, on a fresh connection, leaves the test's unusable on PostgreSQL).
    client.get("/en/")
    response = client.post("/en/", form_data())
    assert response.status_code == 503
    page = response.content.decode()
    assert "was not sent" in page and "again in a few minutes" in page
    assert_kept(page)


def test_form_still_shows_when_the_database_goes_down_after_warming(client, monkeypatch):
    from consent import models as consent_models

    client.get("/")  # warm: the published versions are read once
    cache.clear()

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(consent_models.ConsentVersion.objects, "published", refuse)
    response = client.get("/en/")
    assert response.status_code == 200
    assert 'name="consent_version" value="1"' in response.content.decode()


def test_receipt_says_sent_even_while_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("inquiries.views.get_object_or_404", refuse)
    response = client.get("/en/thanks/Q-ABCD-EFGH-JKMN/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "has been sent" in page and "Q-ABCD-EFGH-JKMN" in page
    forged = client.get("/en/thanks/<script>/").content.decode()
    assert "<script>" not in forged.split("<main", 1)[1]
