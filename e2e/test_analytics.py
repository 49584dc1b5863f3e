"""Yandex Metrica in a real browser: nothing leaves for an analytics host before a "yes".

Every request to another host is recorded and aborted (there is no network here anyway),
so the tests see exactly what the page would have sent, and to whom.
"""

import json
import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COUNTER = "98765432"
NAME = "Канарейка Аналитикова"
PHONE_TYPED = "8 707 555 98 76"
PERSONAL = [
    NAME,
    quote(NAME),
    "Канарейка",
    quote("Канарейка"),
    "5559876",
    "555 98 76",
    "555%2098%2076",
]
TAG = "https://mc.yandex.ru/metrika/tag.js"
INIT = [
    int(COUNTER),
    "init",
    {"clickmap": True, "trackLinks": True, "accurateTrackBounce": True, "webvisor": False},
]

ACCEPT = "[data-analytics-banner] button[value=granted]"
DECLINE = "[data-analytics-banner] button[value=denied]"


@pytest.fixture(scope="module")
def metrica_site(site_factory):
    return site_factory(YANDEX_METRIKA_ID=COUNTER)


def record_other_hosts(page):
    """Abort every request that is not to the site itself; return the list of their URLs."""
    sent = []

    def handle(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            sent.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return sent


def metrica_calls(page):
    """The calls waiting in the official `ym` stub (tag.js, aborted, never takes them)."""
    return json.loads(
        page.evaluate(
            "JSON.stringify(window.ym ? Array.from(window.ym.a, (call) => Array.from(call)) : null)"
        )
    )


def assert_no_personal_data(urls):
    for url in urls:
        for personal in PERSONAL:
            assert personal not in url


def test_without_a_counter_no_banner_and_nothing_sent_elsewhere(site, phone_page):
    page = phone_page
    sent = record_other_hosts(page)
    page.goto(site.url + "/")
    page.fill("#id_name", NAME)
    assert page.locator("[data-analytics-banner]").count() == 0
    assert page.evaluate("typeof window.ym") == "undefined"
    page.goto(site.url + "/analytics/")
    assert sent == []


def test_accepting_loads_the_tag_and_it_gets_no_form_data(metrica_site, phone_page):
    page = phone_page
    sent = record_other_hosts(page)
    page.goto(metrica_site.url + "/")
    banner = page.locator("[data-analytics-banner]")
    assert banner.is_visible()
    accept, decline = page.locator(ACCEPT), page.locator(DECLINE)
    accept_box, decline_box = accept.bounding_box(), decline.bounding_box()
    assert (accept_box["width"], accept_box["height"]) == (
        decline_box["width"],
        decline_box["height"],
    ), "accept and decline are equally prominent"
    assert accept.evaluate("e => getComputedStyle(e).backgroundColor") == decline.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )

    # A visitor starts on the form before answering: still nothing goes anywhere.
    page.fill("#id_name", NAME)
    page.fill("#id_phone", PHONE_TYPED)
    page.wait_for_timeout(300)
    assert sent == []
    assert page.evaluate("typeof window.ym") == "undefined"

    with page.expect_request(lambda request: request.url.startswith(TAG)):
        accept.click()
    saved = page.locator('[data-analytics-saved="granted"]')
    saved.wait_for()
    assert page.evaluate("document.activeElement.dataset.analyticsSaved") == "granted"
    assert not page.locator("[data-analytics-question]").is_visible()
    # Answered without leaving the page: what the visitor typed is still there.
    assert page.input_value("#id_name") == NAME
    assert page.input_value("#id_phone") == PHONE_TYPED
    assert metrica_calls(page) == [INIT]

    cookie = next(c for c in page.context.cookies() if c["name"] == "analytics_consent")
    assert cookie["value"] == "granted"
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"

    # The form sent: the thank-you page loads the tag itself and reaches the goal, bare.
    page.check("#id_consent")
    with page.expect_request(lambda request: request.url.startswith(TAG)):
        page.click(".inquiry-form button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks/"))
    reference = page.inner_text(".reference")
    origin = page.url.split("/thanks/")[0]
    calls = metrica_calls(page)
    # The receipt's address carries the reference: Metrica is told a neutral one instead.
    assert calls == [
        [*INIT[:2], {**INIT[2], "defer": True}],
        [int(COUNTER), "hit", f"{origin}/thanks/", {"referer": calls[1][3]["referer"]}],
        [int(COUNTER), "reachGoal", "inquiry_sent"],
    ]
    assert reference not in json.dumps(calls)
    assert page.locator("[data-analytics-banner]").count() == 0

    assert sent and all(urlsplit(url).hostname == "mc.yandex.ru" for url in sent)
    assert_no_personal_data(sent)
    assert_no_personal_data([json.dumps(metrica_calls(page), ensure_ascii=False)])


def test_declining_sends_nothing_now_or_on_the_next_pages(metrica_site, phone_page):
    page = phone_page
    sent = record_other_hosts(page)
    page.goto(metrica_site.url + "/")
    page.fill("#id_name", NAME)
    page.click(DECLINE)
    page.locator('[data-analytics-saved="denied"]').wait_for()
    assert page.input_value("#id_name") == NAME

    page.goto(metrica_site.url + "/")
    assert page.locator("[data-analytics-banner]").count() == 0
    page.goto(metrica_site.url + "/consent/")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.ym") == "undefined"
    assert sent == []


def test_the_choice_can_be_changed_from_the_footer(metrica_site, desktop_page):
    page = desktop_page
    sent = record_other_hosts(page)
    page.goto(metrica_site.url + "/en/")
    with page.expect_request(lambda request: request.url.startswith(TAG)):
        page.click(ACCEPT)

    page.click(".site-footer a[href='/en/analytics/']")
    page.wait_for_url(re.compile(r"/en/analytics/$"))
    assert "analytics accepted" in page.inner_text(".analytics-current")
    page.click("main button[value=denied]")
    # The same address comes back: wait for the answer's text, not the URL.
    expect(page.locator(".analytics-current")).to_contain_text("analytics declined")

    count = len(sent)
    page.goto(metrica_site.url + "/en/")
    page.wait_for_timeout(300)
    assert len(sent) == count, "no analytics request after withdrawing"
    assert page.evaluate("typeof window.ym") == "undefined"


def test_without_javascript_the_banner_posts_and_comes_back(metrica_site, browser):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        sent = record_other_hosts(page)
        page.goto(metrica_site.url + "/consent/")
        page.click(ACCEPT)
        # Back on the same address: the banner gone is the sign the answer arrived.
        page.wait_for_selector("[data-analytics-banner]", state="detached")
        assert page.url == metrica_site.url + "/consent/"
        tag = page.locator("script[src*='/js/metrika.']")
        assert tag.get_attribute("data-counter") == COUNTER
        assert tag.get_attribute("data-webvisor") == "false"
        assert sent == []  # no JavaScript, no tag.js
    finally:
        context.close()
