import re
import uuid

import pytest

from testkit.browser import PASSWORD, log_in_first_time

pytestmark = pytest.mark.browser


def test_a_privacy_officer_checks_the_changes_on_a_phone_before_publishing(own_site, phone_page):
    """From the add page (a copy of the version in force) to the comparison, on a 390 px
    phone: the changed line is shown, nothing scrolls sideways, and only "Publish" publishes."""
    page, site = phone_page, own_site  # publishing changes the consent the other tests see
    username = f"officer-{uuid.uuid4().hex[:6]}"
    site.manage(
        "create_operator", username, "--privacy-officer", "--password-stdin", stdin=PASSWORD
    )
    log_in_first_time(page, site, username)

    page.goto(site.url + "/admin/consent/consentversion/add/")
    assert not page.is_checked("#id_significant")
    text_ru = page.input_value("#id_text_ru")
    assert len(text_ru) > 1000  # the version in force, to edit rather than retype
    first_line = text_ru.splitlines()[0]
    page.fill("#id_text_ru", text_ru.replace(first_line, first_line + " (редакция 2)", 1))
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/consentversion/$"))

    draft = page.locator("#result_list tbody tr", has_text="Черновик")
    draft.locator("input.action-select").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector(".consent-diff")
    added = page.locator(".consent-diff[lang=ru] .diff-add").all_inner_texts()
    assert added == [first_line + " (редакция 2)"]
    assert page.locator(".consent-diff[lang=kk] .diff-line").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the comparison is {width} px wide"

    page.click("button.danger")
    page.wait_for_selector(".messagelist .success")
    assert "Опубликована 1 версия" in page.inner_text(".messagelist")
    assert "(редакция 2)" in site_text(page, site)


def site_text(page, site):
    page.goto(site.url + "/consent/")
    return page.inner_text("main")
