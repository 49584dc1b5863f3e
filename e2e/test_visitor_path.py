import re

import pytest

from testkit.inquiries import phone_forms

pytestmark = pytest.mark.browser

NAME = "Айгүл Тестова"
MESSAGE = "Хочу узнать о ремонте, e2e"


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_visitor_sends_an_inquiry_from_a_phone_in_russian(site, phone_page, tmp_path):
    page = phone_page
    page.goto(site.url + "/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert no_horizontal_scroll(page)
    assert not page.is_checked("#id_consent")

    # A mistyped number and no tick: the server answers in Russian, keeping the input.
    page.fill("#id_name", NAME)
    page.fill("#id_phone", "8 701 12")
    page.fill("#id_message", MESSAGE)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_phone_error")
    assert page.locator("#id_phone_error").is_visible()
    assert "номер" in page.inner_text("#id_phone_error").lower()
    assert "отметьте согласие" in page.inner_text("#id_consent_error").lower()
    assert page.input_value("#id_name") == NAME
    assert page.input_value("#id_message") == MESSAGE
    assert page.get_attribute("#id_phone", "aria-invalid") == "true"
    page.screenshot(path=str(tmp_path / "form-errors.png"), full_page=True)

    # Fixed, ticked, sent: the receipt with its reference and no personal data.
    page.fill("#id_phone", "8 701 123 45 67")
    page.check("#id_consent")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks/Q-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/$"))
    reference = page.inner_text(".reference")
    body = page.inner_text("body")
    assert NAME not in body and MESSAGE not in body
    assert not [form for form in phone_forms("+77011234567") if form in body]
    assert "a_kassenov@mail.ru" in body
    assert no_horizontal_scroll(page)

    stored = site.manage(
        "shell",
        "--no-imports",
        "-c",
        "from inquiries.models import Inquiry;"
        f"i = Inquiry.objects.get(reference='{reference}');"
        "print(i.phone, i.consent_version.number, i.consent_language)",
    )
    assert stored.split() == ["+77011234567", "1", "ru"]

    # The consent link of the receipt opens the text that was accepted.
    page.click("text=версия 1")
    page.wait_for_url(re.compile(r"/consent/1/$"))
    assert "СОГЛАСИЕ НА СБОР И ОБРАБОТКУ ПЕРСОНАЛЬНЫХ ДАННЫХ" in page.inner_text("main")
    assert no_horizontal_scroll(page)


def test_consent_link_on_the_form_opens_the_text_in_the_page_language(site, phone_page):
    page = phone_page
    page.goto(site.url + "/kk/")
    with page.context.expect_page() as new_tab:
        page.click("label[for=id_consent] a")
    consent = new_tab.value
    consent.wait_for_load_state()
    assert consent.url.endswith("/kk/consent/1/")
    assert "ДЕРБЕС ДЕРЕКТЕРДІ" in consent.inner_text("main")
