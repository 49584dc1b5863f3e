import re
import uuid

import pytest

from testkit.browser import (
    PASSWORD,
    choose_own_password,
    current_code,
    make_backup_codes,
    submit_inquiry,
)

pytestmark = pytest.mark.browser


def test_operator_logs_in_with_second_factor_finds_by_phone_and_marks_processed(
    site, desktop_page, tmp_path
):
    page = desktop_page
    wanted = submit_inquiry(page, site, "+7 701 777 66 55")
    other = submit_inquiry(page, site, "8 702 111 22 33")

    username = f"operator-{uuid.uuid4().hex[:6]}"
    site.manage("create_operator", username, "--password-stdin", stdin=PASSWORD + "\n")

    # Password first, a password of their own, then the authenticator app is enrolled from
    # the QR page's key.
    page.goto(site.url + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    choose_own_password(page)
    page.wait_for_url(re.compile(r"/second-factor/enrol/"))
    assert page.locator(".qr svg").count() == 1
    secret = page.inner_text(".secret")
    page.fill("input[name=token]", current_code(secret))
    page.click("form button[type=submit], form input[type=submit]")
    # Straight on to the backup codes: ten, shown once, then the admin.
    codes = make_backup_codes(page)
    page.wait_for_url(re.compile(r"/admin/$"))
    assert len(set(codes)) == 10
    # The admin index says how many wait (other browser tests may have added some).
    assert re.search(r"\d+", page.inner_text(".waiting-inquiries"))

    # Search by the number as the caller says it, mark processed with the bulk action.
    page.goto(site.url + "/admin/inquiries/inquiry/")
    page.fill("#searchbar", "8 701 777 66 55")
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"\?q="))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert wanted in rows.first.inner_text()
    assert other not in page.inner_text("#result_list")
    page.screenshot(path=str(tmp_path / "admin-search.png"), full_page=True)
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "mark_processed")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".messagelist .success").count() == 1

    stored = site.manage(
        "shell",
        "--no-imports",
        "-c",
        "from inquiries.models import Inquiry;"
        f"i = Inquiry.objects.get(reference='{wanted}');"
        "print(i.status, i.processed_by.username);"
        f"print(Inquiry.objects.get(reference='{other}').status)",
    )
    assert stored.split() == ["processed", username, "new"]
