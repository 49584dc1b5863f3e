"""The blank page's CSRF token, drawn by qarat.csrf instead of Django's get_token."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import Client, RequestFactory

from qarat.csrf import csrf_token, random_indexes

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_token_masks_the_secret_it_sets_as_the_cookie_on_a_first_visit():
    request = RequestFactory().get("/")
    first, second = csrf_token(request), csrf_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
    for token in (first, second):
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert first != second  # a new mask each time, as Django does


def test_a_returning_visitor_keeps_the_secret_of_the_cookie():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    assert _unmask_cipher_token(csrf_token(request)) == "a" * 32
    assert request.META["CSRF_COOKIE"] == "a" * 32


def test_every_character_is_drawn_about_as_often():
    counts = Counter(random_indexes(62 * 2000))
    assert sorted(counts) == list(range(62))
    assert min(counts.values()) > 1500 and max(counts.values()) < 2500


@pytest.mark.django_db
def test_the_page_token_passes_djangos_csrf_check_and_a_forged_one_does_not():
    from testkit.inquiries import form_data

    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/en/").content.decode()
    token = TOKEN.search(page).group(1)
    assert visitor.post("/en/", {**form_data(), "csrfmiddlewaretoken": token}).status_code == 303
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")
    response = visitor.post("/en/", {**form_data(), "csrfmiddlewaretoken": forged})
    assert response.status_code == 403
