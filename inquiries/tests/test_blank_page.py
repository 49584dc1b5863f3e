"""The blank form page is rendered once per variant in each worker (inquiries.blank_page):
whatever a visitor sees from that copy must be exactly what a fresh rendering would show,
with their own CSRF token, form token and start time.
"""

import re
import time

import pytest
from django.template import Context, RequestContext
from django.template.loader import get_template, render_to_string
from django.utils import translation

from inquiries import blank_page
from inquiries.forms import form_started_at
from qarat.analytics import analytics_cookie_name
from testkit.consent import make_draft
from testkit.inquiries import form_data
from testkit.site import metrika_tag
from testkit.texts import set_text

DYNAMIC = re.compile(r'(name="(?:csrfmiddlewaretoken|token|started)" value=")[^"]*"')


def hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def normalized(response):
    assert response.status_code == 200
    return DYNAMIC.sub(r'\1…"', response.content.decode())


def copy_then_fresh(client, path, **headers):
    """The page as served from the worker's copy, and as rendered from scratch."""
    copied = client.get(path, **headers)
    blank_page._pages.clear()
    fresh = client.get(path, **headers)
    return normalized(copied), normalized(fresh)


@pytest.fixture
def warm(client, db):
    for path in ("/", "/kk/", "/en/"):
        client.get(path)
    assert blank_page._pages, "the first visit keeps a copy"
    return client


@pytest.mark.parametrize("path", ["/", "/kk/", "/en/"])
def test_the_copy_is_the_fresh_page_in_each_language(warm, path):
    copied, fresh = copy_then_fresh(warm, path)
    assert copied == fresh


def test_a_new_consent_version_shows_at_once(warm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_draft().publish()
    copied, fresh = copy_then_fresh(warm, "/en/")
    assert 'name="consent_version" value="2"' in copied
    assert copied == fresh


def test_an_edited_text_shows_at_once(warm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_text("home_heading", en="Ask us anything")
        set_text("working_hours", en="Every day, 8:00–20:00")
    copied, fresh = copy_then_fresh(warm, "/en/")
    assert "Ask us anything" in copied and "Every day, 8:00–20:00" in copied
    assert copied == fresh


@pytest.mark.parametrize("choice", [None, "granted", "denied"])
def test_each_analytics_choice_gets_its_own_page(client, db, settings, choice):
    settings.YANDEX_METRIKA_ID = "12345678"
    client.get("/en/")  # a copy for a visitor who has not chosen yet
    if choice:
        client.cookies[analytics_cookie_name()] = choice
    copied, fresh = copy_then_fresh(client, "/en/")
    assert copied == fresh
    assert ("analytics-banner" in copied) == (choice is None)
    assert (metrika_tag(copied) is not None) == (choice == "granted")


def test_each_host_gets_its_own_page(client, db, settings):
    settings.ALLOWED_HOSTS = ["one.example.kz", "two.example.kz"]
    client.get("/", HTTP_HOST="one.example.kz")
    copied, fresh = copy_then_fresh(client, "/", HTTP_HOST="two.example.kz")
    assert copied == fresh
    assert "one.example.kz" not in copied


def test_each_visit_gets_its_own_tokens_and_start_time(client, db):
    first = client.get("/").content.decode()
    time.sleep(0.01)
    client.cookies.clear()
    response = client.get("/")
    second = response.content.decode()
    assert len(blank_page._pages) == 1, "the second visit was served from the copy"
    assert hidden(first, "token") != hidden(second, "token")
    assert hidden(first, "csrfmiddlewaretoken") != hidden(second, "csrfmiddlewaretoken")
    started = form_started_at(hidden(second, "started"), hidden(second, "token"))
    assert form_started_at(hidden(first, "started"), hidden(first, "token")) < started
    assert started <= time.time()
    assert "csrftoken" in response.cookies, "a first visit gets its CSRF cookie"


def test_the_form_served_from_the_copy_can_be_sent(client, db):
    client.get("/")
    page = client.get("/").content.decode()
    data = form_data(
        token=hidden(page, "token"),
        started=hidden(page, "started"),
        csrfmiddlewaretoken=hidden(page, "csrfmiddlewaretoken"),
    )
    client.handler.enforce_csrf_checks = True
    response = client.post("/", data)
    assert response.status_code == 303
    assert response["Location"].startswith("/thanks/Q-")


def test_a_query_string_is_rendered_each_time_and_not_kept(client, db):
    page = client.get("/?utm_source=leaflet").content.decode()
    assert "/en/?utm_source=leaflet" in page, "the language links keep the query"
    assert blank_page._pages == {}


def test_the_copies_are_bounded(client, db, settings):
    settings.ALLOWED_HOSTS = [".example.kz"]
    for number in range(blank_page.PAGES_MAX + 10):
        assert client.get("/", HTTP_HOST=f"h{number}.example.kz").status_code == 200
    assert 0 < len(blank_page._pages) <= blank_page.PAGES_MAX


class RecordingContext(Context):
    """A template context that notes every name the template asks for and does not find."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = set()

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            self.missing.add(key)
            raise


@pytest.mark.parametrize("counter", ["", "12345678"])
@pytest.mark.parametrize(("path", "language"), [("/", "ru"), ("/kk/", "kk"), ("/en/", "en")])
def test_the_blank_page_reads_nothing_of_a_visit_outside_its_own_context(
    client, path, language, counter, settings, db, django_user_model
):
    """The copy is served to everyone: the template may not read the visitor's account,
    messages, session or request, only what blank_page_context() gives it."""
    settings.YANDEX_METRIKA_ID = counter  # with a counter, the banner is on the page too
    request = client.get(path).wsgi_request  # a real request, through every middleware
    request.user = django_user_model(username="somebody")  # a visitor with an account
    with translation.override(language):
        context = RecordingContext(blank_page.blank_page_context(request))
        explicit = get_template(blank_page.TEMPLATE).template.render(context)
        per_visit = RequestContext(request, {})
        with per_visit.bind_template(get_template(blank_page.TEMPLATE).template):
            visit_names = set(per_visit.flatten())
        full = render_to_string(
            blank_page.TEMPLATE,
            {"form": context["form"], "csrf_token": blank_page.SLOTS["csrf"]},
            request,
        )
    only_in_a_visit = visit_names - set(blank_page.blank_page_context(request))
    assert {"user", "messages", "request", "perms"} <= only_in_a_visit
    assert context.missing & only_in_a_visit == set()
    assert explicit == full
