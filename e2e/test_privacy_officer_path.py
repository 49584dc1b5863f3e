import json
import re
import uuid
from pathlib import Path

import pytest

from testkit.browser import PASSWORD, log_in_first_time, submit_inquiry
from testkit.inquiries import phone_forms

pytestmark = pytest.mark.browser

PHONE_AS_TYPED_BY_VISITOR = "+7 705 321 54 76"
PHONE_IN_THE_E_MAIL = "8 (705) 321-54-76"
PHONE_READ_OUT = "87053215476"


def new_page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU", accept_downloads=True
    )
    return context, context.new_page()


def test_privacy_officer_registers_exports_and_erases_and_the_operator_finds_nothing(
    site, browser, tmp_path
):
    officer_name = f"officer-{uuid.uuid4().hex[:6]}"
    operator_name = f"operator-{uuid.uuid4().hex[:6]}"
    site.manage(
        "create_operator", officer_name, "--privacy-officer", "--password-stdin", stdin=PASSWORD
    )
    site.manage("create_operator", operator_name, "--password-stdin", stdin=PASSWORD)

    visitor_context, visitor = new_page(browser)
    reference = submit_inquiry(visitor, site, PHONE_AS_TYPED_BY_VISITOR)
    visitor_context.close()

    officer_context, page = new_page(browser)
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in_first_time(page, site, officer_name)

    # Register the deletion request: the number as the e-mail gave it.
    page.goto(site.url + "/admin/privacy/subjectrequest/add/")
    page.select_option("#id_kind", "deletion")
    page.fill("#id_phone", PHONE_IN_THE_E_MAIL)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/subjectrequest/\d+/change/"))
    assert "…76" in page.inner_text("#content-main")

    # Carry it out: type the number again, see the inquiry.
    page.click("a.act-link")
    page.wait_for_url(re.compile(r"/subjectrequest/\d+/act/$"))
    page.fill("#id_phone", PHONE_READ_OUT)
    page.click("button[value=find]")
    page.wait_for_selector("table.subject-inquiries")
    assert reference in page.inner_text("table.subject-inquiries")

    # Nothing more before recording how the person's identity was confirmed.
    page.click("button[value=export_json]")
    page.wait_for_selector(".messagelist .error")
    page.select_option("#id_identity_method", "call_back")
    page.fill("#id_identity_note", "Called back; the person named the reference.")
    page.click("button[value=confirm_identity]")
    page.wait_for_selector("p.identity-confirmed")
    assert reference in page.inner_text("table.subject-inquiries")

    # A copy of everything held, before the erasure: JSON download and printable page.
    with page.expect_download() as download_info:
        page.click("button[value=export_json]")
    download = download_info.value
    assert re.fullmatch(r"request-\d+-data\.json", download.suggested_filename)
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert [record["reference"] for record in exported["inquiries"]] == [reference]
    assert exported["inquiries"][0]["phone"] == "+77053215476"
    with page.context.expect_page() as printable_info:
        page.click("button[value=export_html]")
    printable = printable_info.value
    printable.wait_for_load_state()
    assert reference in printable.inner_text("body")
    # The inline print stylesheet applies: the CSP lets exactly it through.
    assert printable.eval_on_selector("th", "e => getComputedStyle(e).fontWeight") == "600"
    printable.close()

    # Erase, with a confirmation step.
    page.click("button[value=delete]")
    page.wait_for_selector("button[value=delete_confirmed]")
    page.screenshot(path=str(tmp_path / "erasure-confirm.png"), full_page=True)
    page.click("button[value=delete_confirmed]")
    page.wait_for_selector(".erasure-result")
    assert "1" in page.inner_text(".erasure-result")
    assert page.locator(".messagelist .success").count() == 1
    address = page.url.removeprefix(site.url)  # the port is any five digits
    assert not [form for form in phone_forms("+77053215476") if form in address], address
    assert csp_violations == []
    officer_context.close()

    # The operator searches the number: nothing.
    operator_context, page = new_page(browser)
    log_in_first_time(page, site, operator_name)
    page.goto(site.url + "/admin/inquiries/inquiry/")
    page.fill("#searchbar", PHONE_IN_THE_E_MAIL)
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"\?q="))
    assert page.locator("#result_list tbody tr").count() == 0
    assert reference not in page.content()
    operator_context.close()

    stored = site.manage(
        "shell",
        "--no-imports",
        "-c",
        "from inquiries.models import Inquiry;"
        "from privacy.models import DestructionRecord as D;"
        f"print(Inquiry.objects.filter(reference='{reference}').count());"
        f"r = D.objects.get(basis='deletion', actor='{officer_name}');"
        "print(r.count, r.held_back, r.actor, r.request.kind, r.request.handled_by.username,"
        " r.request.identity_method, r.request.identity_confirmed_by.username)",
    )
    assert stored.split() == [
        "0",
        "1",
        "0",
        officer_name,
        "deletion",
        officer_name,
        "call_back",
        officer_name,
    ]
