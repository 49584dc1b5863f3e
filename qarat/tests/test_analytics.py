"""Yandex Metrica: absent unless configured, asked for on a banner, loaded only after a "yes".

The Content-Security-Policy is computed when the settings are imported, so it is checked
with a fresh process in test_security.py, not here.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from testkit.inquiries import form_data, make_inquiry
from testkit.site import metrika_tag

pytestmark = pytest.mark.django_db

COUNTER = "98765432"
COOKIE = "analytics_consent"


@pytest.fixture
def counter(settings):
    settings.YANDEX_METRIKA_ID = COUNTER
    settings.YANDEX_METRIKA_WEBVISOR = False
    return COUNTER


@pytest.fixture
def no_counter(settings):
    settings.YANDEX_METRIKA_ID = ""
    settings.YANDEX_METRIKA_WEBVISOR = True  # irrelevant without a counter


def choose(client, choice, next_url="/", prefix=""):
    return client.post(f"{prefix}/analytics/", {"choice": choice, "next": next_url})


def banner(page):
    match = re.search(r'<section class="analytics-banner".*?</section>', page, re.S)
    return match and match.group(0)


# --- No counter configured: no trace of analytics -------------------------------------------


# Not the consent text: it names Yandex.Metrika as a recipient, counter or not.
@pytest.mark.parametrize("path", ["/", "/kk/", "/en/", "/analytics/", "/en/analytics/"])
def test_without_a_counter_no_banner_no_tag_and_no_yandex_anywhere(client, no_counter, path):
    page = client.get(path).content.decode()
    assert banner(page) is None
    assert "metrika.js" not in page and "analytics-banner.js" not in page
    assert "yandex" not in page.lower()


def test_without_a_counter_even_an_old_yes_loads_nothing(client, no_counter):
    client.cookies[COOKIE] = "granted"
    page = client.get("/").content.decode()
    assert "metrika.js" not in page
    assert "yandex" not in page.lower()


def test_without_a_counter_the_settings_page_says_there_is_no_analytics(client, no_counter):
    page = client.get("/en/analytics/").content.decode()
    assert "This site uses no web analytics." in page
    assert 'value="granted"' not in page


# --- Counter configured, no choice yet: the banner, and no tag ------------------------------


def test_banner_asks_first_with_two_equal_buttons_and_no_tag(client, counter):
    page = client.get("/en/").content.decode()
    asked = banner(page)
    assert asked is not None
    assert 'aria-labelledby="analytics-banner-title"' in asked
    assert 'id="analytics-banner-title"' in asked
    form = re.search(r'<form method="post" action="/en/analytics/".*?</form>', asked, re.S)
    assert form, "the banner posts to the choice view without JavaScript"
    form = form.group(0)
    assert "csrfmiddlewaretoken" in form
    assert 'name="next" value="/en/"' in form
    buttons = re.findall(r"<button ([^>]*)>([^<]*)</button>", form)
    assert [text for _attrs, text in buttons] == ["Accept analytics", "Decline"]
    classes = {re.search(r'class="([^"]*)"', attrs).group(1) for attrs, _text in buttons}
    assert classes == {"button"}, "accept and decline look the same"
    assert all('type="submit"' in attrs for attrs, _text in buttons)
    # Nothing from an analytics host, and no Metrica tag, before the answer.
    assert metrika_tag(page) is None
    assert "mc.yandex" not in page and "tag.js" not in page
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver/)', page)


def test_banner_only_on_html_pages_until_a_choice_is_made(client, counter):
    assert banner(client.get("/").content.decode())
    choose(client, "denied")
    assert banner(client.get("/").content.decode()) is None


def test_settings_page_shows_the_buttons_but_not_the_banner(client, counter):
    page = client.get("/en/analytics/").content.decode()
    assert banner(page) is None
    assert 'value="granted"' in page and 'value="denied"' in page
    assert "not made yet" in page
    assert 'name="next" value="/en/analytics/"' in page


# --- Accept -----------------------------------------------------------------------------------


def test_accept_sets_a_first_party_cookie_and_goes_back(client, counter):
    response = choose(client, "granted", next_url="/en/consent/", prefix="/en")
    assert response.status_code == 303
    assert response["Location"] == "/en/consent/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "granted"
    assert cookie["max-age"] == int(timedelta(days=365).total_seconds())
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert not cookie["secure"], "HTTPS is off in tests"


def test_cookie_is_secure_and_host_only_when_the_site_is_on_https(client, counter, settings):
    settings.HTTPS = True
    response = choose(client, "granted")
    cookie = response.cookies["__Host-analytics_consent"]
    assert cookie.value == "granted"
    assert cookie["secure"] is True
    assert cookie["path"] == "/" and not cookie["domain"]
    assert COOKIE not in response.cookies


def test_after_accepting_the_tag_loads_with_the_counter_and_no_banner(client, counter):
    choose(client, "granted")
    page = client.get("/").content.decode()
    tag = metrika_tag(page)
    assert tag is not None
    assert f'data-counter="{COUNTER}"' in tag
    assert 'data-webvisor="false"' in tag
    assert "defer" in tag
    assert banner(page) is None
    assert "analytics-banner.js" not in page
    assert "analytics accepted" in client.get("/en/analytics/").content.decode()


def test_session_replay_is_off_by_default_and_on_only_with_its_setting(client, counter, settings):
    choose(client, "granted")
    assert 'data-webvisor="false"' in metrika_tag(client.get("/").content.decode())
    settings.YANDEX_METRIKA_WEBVISOR = True
    assert 'data-webvisor="true"' in metrika_tag(client.get("/").content.decode())


def test_the_banner_passes_the_same_switches_to_the_script_it_may_load(client, counter, settings):
    settings.YANDEX_METRIKA_WEBVISOR = True
    asked = banner(client.get("/").content.decode())
    assert f'data-counter="{COUNTER}"' in asked
    assert 'data-webvisor="true"' in asked
    assert re.search(r'data-metrika-src="[^"]*/js/metrika\.js"', asked)


# --- Decline, and changing one's mind --------------------------------------------------------


def test_decline_keeps_the_tag_away_and_the_banner_gone(client, counter):
    response = choose(client, "denied")
    assert response.status_code == 303
    assert response.cookies[COOKIE].value == "denied"
    page = client.get("/").content.decode()
    assert metrika_tag(page) is None and banner(page) is None
    assert "mc.yandex" not in page
    assert "analytics declined" in client.get("/en/analytics/").content.decode()


def test_the_choice_can_be_changed_both_ways(client, counter):
    choose(client, "granted")
    assert metrika_tag(client.get("/").content.decode())
    choose(client, "denied")
    assert metrika_tag(client.get("/").content.decode()) is None
    choose(client, "granted")
    assert metrika_tag(client.get("/").content.decode())


def test_an_unknown_cookie_value_counts_as_no_choice(client, counter):
    client.cookies[COOKIE] = "yes"
    page = client.get("/").content.decode()
    assert banner(page) is not None
    assert metrika_tag(page) is None


def test_an_unknown_answer_is_refused_and_sets_nothing(client, counter):
    response = choose(client, "maybe")
    assert response.status_code == 400
    assert COOKIE not in response.cookies


def test_the_choice_needs_the_csrf_token(counter):
    from django.test import Client

    response = choose(Client(enforce_csrf_checks=True), "granted")
    assert response.status_code == 403
    assert COOKIE not in response.cookies


# --- Where the visitor goes back to ------------------------------------------------------------


@pytest.mark.parametrize(
    "unsafe",
    ["http://evil.example/", "//evil.example/", "https://evil.example/en/", "javascript:alert(1)"],
)
def test_an_unsafe_next_falls_back_to_the_home_page(client, counter, unsafe):
    response = choose(client, "granted", next_url=unsafe)
    assert response.status_code == 303
    assert response["Location"] == "/"


def test_a_missing_next_goes_to_the_home_page_of_the_language(client, counter):
    response = client.post("/kk/analytics/", {"choice": "denied"})
    assert response["Location"] == "/kk/"


def test_the_banner_brings_the_visitor_back_to_the_page_they_were_on(client, counter):
    inquiry = make_inquiry()
    path = f"/en/thanks/{inquiry.reference}/"
    asked = banner(client.get(path).content.decode())
    assert f'name="next" value="{path}"' in asked
    assert choose(client, "granted", next_url=path)["Location"] == path


# --- The goal of a sent inquiry ------------------------------------------------------------------


def test_thanks_page_names_the_goal_for_the_tag(client, counter):
    choose(client, "granted")
    inquiry = make_inquiry()
    page = client.get(f"/thanks/{inquiry.reference}/").content.decode()
    assert re.search(r'<body[^>]* data-metrika-goal="inquiry_sent"', page)
    assert metrika_tag(page)
    assert "ym-hide-content" in page


def test_only_the_thanks_page_names_a_goal(client, counter):
    choose(client, "granted")
    assert "data-metrika-goal" not in client.get("/").content.decode()


def test_metrika_script_makes_no_call_with_visitor_data():
    from django.conf import settings

    source = (settings.BASE_DIR / "static" / "js" / "metrika.js").read_text()
    script = re.sub(r"^\s*//.*$", "", re.sub(r"/\*.*?\*/", "", source, flags=re.S), flags=re.M)
    assert "https://mc.yandex.ru/metrika/tag.js" in script
    assert "params" not in script.lower()
    calls = re.findall(r'ym\(counter, "(\w+)"', script)
    assert calls == ["init", "hit", "reachGoal"]
    assert "clickmap: true" in script and "trackLinks: true" in script
    assert "accurateTrackBounce: true" in script


# --- The footer link, in every language; and cost ------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/kk", "/en"])
def test_footer_links_the_cookie_settings_in_every_language(client, counter, prefix):
    page = client.get(f"{prefix}/").content.decode()
    footer = re.search(r'<footer class="site-footer">.*?</footer>', page, re.S).group(0)
    assert f'href="{prefix}/analytics/"' in footer
    assert client.get(f"{prefix}/analytics/").status_code == 200


@pytest.mark.parametrize("prefix", ["", "/kk", "/en"])
def test_footer_link_is_there_without_a_counter_too(client, no_counter, prefix):
    page = client.get(f"{prefix}/").content.decode()
    assert f'href="{prefix}/analytics/"' in page


@pytest.mark.parametrize("choice", [None, "granted", "denied"])
def test_home_page_makes_no_query_whatever_the_choice(
    client, counter, choice, django_assert_num_queries
):
    if choice:
        choose(client, choice)
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_the_choice_makes_no_database_query(client, counter, django_assert_num_queries):
    client.get("/analytics/")  # the footer's editable texts are read once, then cached
    with django_assert_num_queries(0):
        assert choose(client, "granted").status_code == 303
        assert client.get("/analytics/").status_code == 200


class FieldClasses(HTMLParser):
    """The classes of each form field, and of the elements around it."""

    def __init__(self):
        super().__init__()
        self.stack, self.fields = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag in ("input", "textarea", "select") and attrs.get("name"):
            around = set().union(*(c for _t, c in self.stack)) if self.stack else set()
            self.fields[attrs["name"]] = (classes, around)
        if tag not in ("input", "br", "img", "link", "meta"):
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass


@pytest.mark.parametrize("how", ["blank", "refused"])
def test_metrica_never_records_what_is_typed_into_the_form(client, how, db):
    """Each personal-data field is keyless for Webvisor, inside a form whose content is hidden."""
    if how == "blank":
        page = client.get("/en/").content.decode()
    else:
        page = client.post("/en/", form_data(phone="12")).content.decode()
    parser = FieldClasses()
    parser.feed(page)
    for name in ("name", "phone", "message"):
        classes, around = parser.fields[name]
        assert "ym-disable-keys" in classes, name
        assert "ym-hide-content" in around, name
