"""Every public page, in each language, passes axe-core with no serious or critical issue."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

LANGUAGES = ["", "/kk", "/en"]
SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    found = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.fixture(scope="module")
def receipt_path(site, browser):
    page = browser.new_page()
    page.goto(site.url + "/")
    page.fill("#id_name", "Ая Доступность")
    page.fill("#id_phone", "8 701 444 33 22")
    page.check("#id_consent")
    page.click(".inquiry-form button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks/Q-"))
    path = page.url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    page.close()
    return "/" + path.removeprefix("en/").removeprefix("kk/")


@pytest.mark.parametrize("prefix", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["/", "/consent/", "/consent/1/", "/privacy/", "/privacy/1/", "/analytics/", "/no-such-page/"],
)
def test_public_pages_have_no_serious_accessibility_issue(site, phone_page, prefix, path):
    phone_page.goto(f"{site.url}{prefix}{path}")
    assert serious_violations(phone_page) == []


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_receipt_has_no_serious_accessibility_issue(site, phone_page, receipt_path, prefix):
    phone_page.goto(f"{site.url}{prefix}{receipt_path}")
    assert phone_page.locator(".reference").count() == 1
    assert serious_violations(phone_page) == []


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_form_with_errors_has_no_serious_accessibility_issue(site, phone_page, prefix):
    phone_page.goto(f"{site.url}{prefix}/")
    phone_page.fill("#id_phone", "12")
    phone_page.click(".inquiry-form button[type=submit]")
    phone_page.wait_for_selector("#id_phone_error")
    assert serious_violations(phone_page) == []
