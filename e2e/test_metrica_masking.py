"""Yandex Metrica never records what a visitor types into the form, in a real browser.

Metrica honours two classes on an element and everything inside it: `ym-disable-keys` (no
keystrokes or field contents recorded, nor in form analysis) and `ym-hide-content` (nothing
of it in Session Replay). There is no network here, so tag.js is served locally by a
stand-in that records as Metrica documents it does: the keystrokes of every field outside
`ym-disable-keys`, and the contents of every field and text outside `ym-hide-content`.
Whatever it recorded must hold no personal data, and every field must carry both classes.
"""

import json
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

COUNTER = "98765432"  # the same site as e2e/test_analytics.py: one server for both
TAG = "https://mc.yandex.ru/metrika/tag.js"
NAME = "Маскировка Проверочная"
PHONE = "8 707 555 12 34"
MESSAGE = "Сообщение канарейки 4242424"
PERSONAL = [NAME, "Маскировка", "555 12 34", "5551234", MESSAGE, "4242424"]
ACCEPT = "[data-analytics-banner] button[value=granted]"

# Records as Metrica's documentation says it records: keys outside ym-disable-keys,
# contents and text outside ym-hide-content.
RECORDER = """
(function () {
  var recorded = (window.__metrica = []);
  function inside(element, name) { return !!element.closest("." + name); }
  function keys(event) {
    var field = event.target;
    if (field.closest && !inside(field, "ym-disable-keys")) {
      recorded.push(["keys", field.name || field.id, event.key || field.value]);
    }
  }
  document.addEventListener("keydown", keys, true);
  document.addEventListener("input", keys, true);
  window.__metricaSnapshot = function () {
    document.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (field.type !== "hidden" && !inside(field, "ym-hide-content")) {
        recorded.push(["content", field.name, field.value]);
      }
    });
    document.querySelectorAll("body *").forEach(function (element) {
      if (!inside(element, "ym-hide-content")) {
        element.childNodes.forEach(function (node) {
          if (node.nodeType === 3 && node.textContent.trim()) {
            recorded.push(["text", element.tagName, node.textContent.trim()]);
          }
        });
      }
    });
  };
})();
"""

FIELDS = "form.inquiry-form input:not([type=hidden]), form.inquiry-form textarea"


@pytest.fixture(scope="module")
def metrica_site(site_factory):
    return site_factory(YANDEX_METRIKA_ID=COUNTER)


def serve_metrica_locally(page):
    """tag.js from the stand-in above; every other host aborted (nothing leaves)."""

    def handle(route):
        url = route.request.url
        if url.startswith(TAG):
            route.fulfill(status=200, content_type="application/javascript", body=RECORDER)
        elif urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)


def wait_for_the_tag(page):
    # Polled from outside the page: a wait_for_function predicate is eval'd, which the CSP
    # forbids in the page.
    for _attempt in range(200):
        if page.evaluate("typeof window.__metricaSnapshot === 'function'"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the stand-in tag.js never ran")


def recorded(page):
    page.evaluate("window.__metricaSnapshot()")
    return json.loads(page.evaluate("JSON.stringify(window.__metrica)"))


def masks(page, selector):
    """For each element: its name and whether it sits inside each class Metrica honours."""
    return page.eval_on_selector_all(
        selector,
        """elements => elements.map(e => [e.name || e.className,
            !!e.closest('.ym-disable-keys'), !!e.closest('.ym-hide-content')])""",
    )


def assert_nothing_personal(page):
    text = json.dumps(recorded(page), ensure_ascii=False)
    for personal in PERSONAL:
        assert personal not in text, f"Metrica would record {personal!r}"


def type_into_the_form(page):
    page.locator("#id_name").press_sequentially(NAME)
    page.locator("#id_phone").press_sequentially(PHONE)
    page.locator("#id_message").press_sequentially(MESSAGE)


def test_metrica_records_no_keystroke_and_no_content_of_the_form(metrica_site, desktop_page):
    page = desktop_page
    serve_metrica_locally(page)
    page.goto(metrica_site.url + "/")
    with page.expect_request(lambda request: request.url.startswith(TAG)):
        page.click(ACCEPT)
    wait_for_the_tag(page)
    type_into_the_form(page)
    assert page.input_value("#id_name") == NAME
    assert_nothing_personal(page)
    # Every field a visitor can type in is keyless and hidden from Session Replay.
    fields = masks(page, FIELDS + ", form.inquiry-form select")
    personal_fields = {name for name, _keys, _hidden in fields}
    assert {"name", "phone", "message"} <= personal_fields
    for name, no_keys, hidden in fields:
        if name in ("name", "phone", "message"):
            assert no_keys, f"{name} lacks ym-disable-keys"
        assert hidden, f"{name} lacks ym-hide-content"
    # The recorder saw the page: what it records is not empty, just free of personal data.
    assert any(kind == "text" for kind, *_rest in recorded(page))


def test_a_refused_form_shows_the_typed_values_still_masked(metrica_site, desktop_page):
    page = desktop_page
    serve_metrica_locally(page)
    page.goto(metrica_site.url + "/")
    with page.expect_request(lambda request: request.url.startswith(TAG)):
        page.click(ACCEPT)
    type_into_the_form(page)
    # No consent ticked: the page comes back with what was typed, filled in by the server.
    with page.expect_request(lambda request: request.url.startswith(TAG)):
        page.click(".inquiry-form button[type=submit]")
    wait_for_the_tag(page)
    assert page.input_value("#id_message") == MESSAGE
    fields = masks(page, FIELDS)
    assert all(no_keys for name, no_keys, _h in fields if name in ("name", "phone", "message"))
    assert all(hidden for _n, _k, hidden in fields)
    assert_nothing_personal(page)


def test_the_result_message_is_hidden_from_session_replay(metrica_site, desktop_page):
    page = desktop_page
    serve_metrica_locally(page)
    page.goto(metrica_site.url + "/")
    with page.expect_request(lambda request: request.url.startswith(TAG)):
        page.click(ACCEPT)
    type_into_the_form(page)
    page.check("#id_consent")
    page.click(".inquiry-form button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks/"))
    wait_for_the_tag(page)
    assert masks(page, "[role=status]") == [["alert alert-success ym-hide-content", False, True]]
    assert_nothing_personal(page)
