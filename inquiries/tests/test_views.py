import logging
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import translation

from consent import models as consent_models
from consent.models import ConsentVersion
from inquiries.models import Inquiry, new_reference
from inquiries.views import decoy_reference, receipt_url
from qarat import cache as qarat_cache
from testkit.consent import make_draft
from testkit.inquiries import (
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
    form_data,
)

pytestmark = pytest.mark.django_db


def hidden_value(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def assert_input_kept(page):
    assert f'value="{CANARY_NAME}"' in page
    assert f'value="{CANARY_PHONE_TYPED}"' in page
    assert CANARY_MESSAGE in page


def assert_no_personal_data(text):
    for personal in (CANARY_NAME, CANARY_PHONE, CANARY_PHONE[2:], CANARY_PHONE_TYPED):
        assert personal not in text
    assert CANARY_MESSAGE not in text


# --- The page --------------------------------------------------------------------------


def test_home_page_shows_the_form_with_an_unticked_consent_box(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for field in ("name", "phone", "message", "consent"):
        assert f'name="{field}"' in page
    consent_box = re.search(r'<input type="checkbox" name="consent"[^>]*>', page).group(0)
    assert "checked" not in consent_box
    assert hidden_value(page, "consent_version") == "1"


@pytest.mark.parametrize(
    ("prefix", "consent_link"),
    [
        ("", 'href="/consent/1/"'),
        ("/kk", 'href="/kk/consent/1/"'),
        ("/en", 'href="/en/consent/1/"'),
    ],
)
def test_consent_label_links_to_the_text_in_the_same_language(client, prefix, consent_link):
    page = client.get(f"{prefix}/").content.decode()
    label = re.search(r'<label for="id_consent">.*?</label>', page, re.S).group(0)
    assert consent_link in label


def test_footer_shows_the_operator_details_from_the_consent(client):
    page = client.get("/").content.decode()
    for detail in (
        "ТОО «QARAT Service»",
        "210740014147",
        "ул. Туркестан, 18/1",
        "a_kassenov@mail.ru",
    ):
        assert detail in page


def test_page_loads_nothing_from_another_host(client):
    page = client.get("/").content.decode()
    # Absolute addresses only of this site (canonical and hreflang links must be absolute).
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver/)', page)


def test_home_page_makes_no_database_query_once_warm(client, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/kk/").status_code == 200


# --- A valid submission ------------------------------------------------------------------


@pytest.mark.parametrize("prefix, language", [("", "ru"), ("/kk", "kk"), ("/en", "en")])
def test_valid_submission_is_stored_with_its_consent_evidence(client, prefix, language):
    response = client.post(f"{prefix}/", form_data())
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert response["Location"] == f"{prefix}/thanks/{inquiry.reference}/"
    assert (inquiry.name, inquiry.phone, inquiry.message) == (
        CANARY_NAME,
        CANARY_PHONE,
        CANARY_MESSAGE,
    )
    version = ConsentVersion.objects.get(number=1)
    assert inquiry.consent_version == version
    assert inquiry.consent_language == language
    assert inquiry.consent_sha256 == version.sha256(language)
    assert inquiry.created_at is not None
    assert inquiry.status == Inquiry.Status.NEW


def test_valid_submission_makes_at_most_four_queries(client, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(4):
        assert client.post("/", form_data()).status_code == 303
    assert Inquiry.objects.count() == 1


def test_receipt_shows_reference_consent_version_and_how_to_withdraw(client):
    response = client.post("/en/", form_data(), follow=True)
    inquiry = Inquiry.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert inquiry.reference in page
    assert 'href="/en/consent/1/"' in page
    assert "a_kassenov@mail.ru" in page
    assert "withdraw" in page.lower()
    assert_no_personal_data(page)
    assert_no_personal_data(response.redirect_chain[-1][0])


def test_receipt_links_the_consent_in_the_language_it_was_accepted_in(client):
    client.post("/kk/", form_data())
    inquiry = Inquiry.objects.get()
    page = client.get(f"/en/thanks/{inquiry.reference}/").content.decode()
    assert 'href="/kk/consent/1/"' in page


def test_unknown_reference_has_no_receipt(client):
    assert client.get("/thanks/Q-0000-0000-0000/").status_code == 404


@pytest.mark.parametrize(
    ("reference", "status"),
    [
        # A NUL anywhere in a request is a bad request (qarat/nul_bytes.py).
        ("%00", 400),
        ("Q-0000-0000-000%00", 400),
        ("+77015551234", 404),
        ("q-abcd-efgh-jkmn", 404),
        ("Q" * 5000, 404),
    ],
)
def test_a_malformed_reference_is_refused_without_a_query(client, caplog, reference, status):
    # PostgreSQL refuses a NUL in text: a query would fail, and the receipt would say
    # "unavailable" (503), log an error and mail the administrators.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/thanks/{reference}/")
    assert response.status_code == status
    assert not [q for q in queries if "inquiries_inquiry" in q["sql"]]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_double_click_or_repost_stores_one_inquiry(client):
    data = form_data()
    first = client.post("/", data)
    second = client.post("/", data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Inquiry.objects.count() == 1


def test_two_forms_with_the_same_data_are_two_inquiries(client):
    client.post("/", form_data())
    client.post("/", form_data())
    assert Inquiry.objects.count() == 2


@pytest.mark.parametrize("token", [None, "not-a-uuid"])
def test_a_post_without_a_valid_token_is_asked_again_on_a_fresh_form(client, token, settings):
    """The signed start time belongs to the form's token: without one it proves nothing."""
    settings.INQUIRY_MIN_FILL_SECONDS = 0
    data = form_data()  # its start time signed for the token the page carried
    data.pop("token")
    if token is not None:
        data["token"] = token
    response = client.post("/", data)
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    page = response.content.decode()
    fresh = {
        name: page.split(f'name="{name}" value="')[1].split('"')[0] for name in ("token", "started")
    }
    assert client.post("/", form_data(**fresh)).status_code == 303
    assert Inquiry.objects.count() == 1


# --- Refusals: nothing stored, reason shown next to the field, input kept ----------------


def assert_refused(response, field, message=None):
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    page = response.content.decode()
    assert 'role="alert"' in page
    error = re.search(rf'<p class="error" id="id_{field}_error">(.*?)</p>', page, re.S)
    assert error, f"no error shown next to {field}"
    if message:
        assert message in error.group(1)
    return page


def test_submission_without_consent_is_refused(client):
    page = assert_refused(client.post("/", form_data(consent=None)), "consent", "Отметьте согласие")
    assert_input_kept(page)


@pytest.mark.parametrize("value", ["", "false", "0", "off"])
def test_forged_consent_values_are_refused(client, value):
    assert_refused(client.post("/en/", form_data(consent=value)), "consent")


@pytest.mark.parametrize("version", [None, "", "99", "abc", "1; DROP TABLE", "-1"])
def test_forged_or_unknown_consent_version_is_refused(client, version):
    page = assert_refused(
        client.post("/en/", form_data(consent_version=version)),
        "consent",
        "We could not tell which consent text",
    )
    assert_input_kept(page)
    assert hidden_value(page, "consent_version") == "1"
    assert "checked" not in re.search(r'<input type="checkbox"[^>]*>', page).group(0)


def test_a_draft_cannot_be_accepted(client):
    make_draft()
    assert_refused(client.post("/en/", form_data(consent_version="2")), "consent")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", None, "Please enter your name."),
        ("name", "   ", "Please enter your name."),
        ("phone", None, "Please enter a phone number"),
        ("phone", "12345", "does not look like a phone number"),
        ("name", "Я" * 101, "under 100 characters"),
        ("phone", "8" * 33, "too long"),
        ("message", "м" * 2001, "under 2000 characters"),
        ("name", "Ай\x00гүл", "control characters"),
        ("message", "zero\x00byte", "control characters"),
    ],
)
def test_bad_fields_are_refused_with_a_clear_message(client, field, value, message):
    assert_refused(client.post("/en/", form_data(**{field: value})), field, message)


def test_refused_form_keeps_what_was_typed_and_the_same_token(client):
    data = form_data(phone="12345")
    page = assert_refused(client.post("/en/", data), "phone")
    assert f'value="{CANARY_NAME}"' in page
    assert 'value="12345"' in page
    assert CANARY_MESSAGE in page
    assert hidden_value(page, "token") == data["token"]
    consent_box = re.search(r'<input type="checkbox"[^>]*>', page).group(0)
    assert "checked" in consent_box  # they ticked it; only the phone needs fixing


def test_malformed_utf8_in_the_body_is_refused_without_a_server_error(client):
    body = b"name=%FF%FE&phone=%C3%28&consent=on&consent_version=1"
    response = client.post("/en/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0


def test_missing_csrf_token_gives_a_styled_403_with_the_input_kept():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/en/", form_data())
    assert response.status_code == 403
    page = response.content.decode()
    assert "was not sent" in page
    assert_input_kept(page)
    assert "CSRF verification failed" not in page
    assert 'name="csrfmiddlewaretoken"' in page  # a fresh token: sending again works
    assert Inquiry.objects.count() == 0


def test_csrf_failure_elsewhere_is_a_styled_page():
    response = Client(enforce_csrf_checks=True).post("/en/consent/")
    assert response.status_code == 403
    assert b"The page has expired" in response.content


def test_after_a_csrf_refusal_sending_again_stores_the_inquiry():
    browser = Client(enforce_csrf_checks=True)
    page = browser.post("/en/", form_data()).content.decode()
    data = form_data(token=hidden_value(page, "token"))
    data["csrfmiddlewaretoken"] = hidden_value(page, "csrfmiddlewaretoken")
    assert browser.post("/en/", data).status_code == 303
    assert Inquiry.objects.count() == 1


# --- Re-consent after a significant change ------------------------------------------------


def test_newer_significant_version_asks_the_visitor_to_accept_again(
    client, django_capture_on_commit_callbacks
):
    opened = client.get("/en/").content.decode()
    assert hidden_value(opened, "consent_version") == "1"
    with django_capture_on_commit_callbacks(execute=True):
        make_draft(significant=True, text_en="Consent v2").publish()
    data = form_data()
    page = assert_refused(client.post("/en/", data), "consent", "has changed")
    assert_input_kept(page)
    assert hidden_value(page, "consent_version") == "2"
    assert 'href="/en/consent/2/"' in page
    assert "checked" not in re.search(r'<input type="checkbox"[^>]*>', page).group(0)

    assert client.post("/en/", form_data(consent_version="2")).status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.consent_version.number == 2
    assert inquiry.consent_sha256 == ConsentVersion.objects.get(number=2).sha256_en


def test_newer_minor_version_keeps_the_consent_to_the_text_that_was_shown(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_draft(significant=False, text_en="Consent v2, typo fixed").publish()
    assert client.post("/en/", form_data(consent_version="1")).status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.consent_version.number == 1
    assert inquiry.consent_sha256 == ConsentVersion.objects.get(number=1).sha256_en


def test_a_refused_form_keeps_linking_the_minor_version_the_visitor_ticked(
    client, django_capture_on_commit_callbacks
):
    """Shown again for a bad phone, the form still offers the text the visitor read."""
    with django_capture_on_commit_callbacks(execute=True):
        make_draft(significant=False, text_en="Consent v2, typo fixed").publish()
    page = client.post("/en/", form_data(consent_version="1", phone="12")).content.decode()
    assert hidden_value(page, "consent_version") == "1"
    assert 'href="/en/consent/1/"' in page and 'href="/en/consent/2/"' not in page
    assert "checked" in re.search(r'<input type="checkbox"[^>]*>', page).group(0)


def test_publishing_shows_the_new_version_on_the_form_at_once(
    client, django_capture_on_commit_callbacks
):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        make_draft().publish()
    assert hidden_value(client.get("/").content.decode(), "consent_version") == "2"


def test_a_version_published_in_another_worker_seconds_ago_is_accepted(client, monkeypatch):

    monkeypatch.setattr(qarat_cache, "PROCESS_SECONDS", float("inf"))
    client.get("/")  # this worker's copy of the versions, kept: version 1 only
    make_draft().publish()
    cache.delete(consent_models.CACHE_KEY)  # what the publishing worker does on commit
    assert [v.number for v in consent_models.published_versions()] == [1]
    response = client.post("/", form_data(consent_version="2"))
    assert response.status_code == 303
    assert Inquiry.objects.get().consent_version.number == 2


# --- Health -------------------------------------------------------------------------------


def test_healthz_answers_while_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import OperationalError, connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503


# --- Languages and error pages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [
        ("", "ru", "Заказать обратный звонок"),
        ("/kk", "kk", "Кері қоңырауға тапсырыс беру"),
        ("/en", "en", "Request a call back"),
    ],
)
def test_each_language_has_its_own_prefix_and_translated_page(client, prefix, language, heading):
    page = client.get(f"{prefix}/").content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    switcher = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    assert 'href="/"' in switcher and 'href="/kk/"' in switcher and 'href="/en/"' in switcher


def test_russian_is_the_default_whatever_the_browser_prefers(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ru">' in page


def test_language_switcher_keeps_the_current_page(client):
    page = client.get("/en/consent/1/").content.decode()
    assert 'href="/kk/consent/1/"' in page and 'href="/consent/1/"' in page


def test_unknown_page_is_a_styled_404_in_the_visitors_language(client):
    response = client.get("/kk/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="kk">' in page
    assert "site-footer" in page


def test_healthz_answers_503_when_the_cache_does_not(client, monkeypatch):

    def refuse(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"cache unavailable" in response.content


def test_healthz_answers_503_when_redis_is_unreachable(settings):
    from django.test import Client

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = Client().get("/healthz")
    assert response.status_code == 503  # nothing listens on port 1


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
@pytest.mark.parametrize("script_prefix", ["/", "/qarat/"])
def test_the_receipt_url_is_the_one_django_reverses(language, script_prefix):
    references = [new_reference() for _ in range(20)] + [decoy_reference()]
    with translation.override(language):
        set_script_prefix(script_prefix)
        try:
            for reference in references:
                expected = reverse("inquiries:thanks", kwargs={"reference": reference})
                assert receipt_url(reference) == expected
                assert expected.startswith(script_prefix)
        finally:
            set_script_prefix("/")


def test_a_submission_is_sent_to_its_receipt_in_each_language(client):
    for prefix in ("", "/kk", "/en"):
        response = client.post(f"{prefix}/", form_data())
        assert response.status_code == 303
        reference = Inquiry.objects.order_by("-pk").values_list("reference", flat=True)[0]
        assert response["Location"] == f"{prefix}/thanks/{reference}/"
        assert client.get(response["Location"]).status_code == 200
