"""Helpers of the browser tests: the staff accounts' first login, and a visitor's inquiry."""

import base64
import re

from django_otp.oath import totp

PASSWORD = "Operator password for e2e 2026"
# create_operator sets PASSWORD; at the first login the person replaces it with this one.
OWN_PASSWORD = "A password only the operator knows 2026"


def current_code(secret):
    key = base64.b32decode(secret.replace(" ", "").upper())
    return f"{totp(key):06d}"


def choose_own_password(page):
    """The first login's second step: the password the administrator set is replaced."""
    page.wait_for_url(re.compile(r"/second-factor/password/"))
    page.fill("#id_new_password1", OWN_PASSWORD)
    page.fill("#id_new_password2", OWN_PASSWORD)
    page.click("form input[type=submit]")


def make_backup_codes(page):
    """Right after connecting the app: make the backup codes, then go on; returns them."""
    page.wait_for_url(re.compile(r"/second-factor/backup-codes/"))
    page.click("form.make-codes button[type=submit]")
    page.wait_for_selector(".backup-codes code")
    codes = page.locator(".backup-codes code").all_inner_texts()
    page.click("a.continue")  # "I have kept them: continue"
    return codes


def submit_inquiry(page, site, phone):
    page.goto(site.url + "/")
    page.fill("#id_name", "Ержан Оператор-тест")
    page.fill("#id_phone", phone)
    page.check("#id_consent")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks/"))
    return page.inner_text(".reference")


def log_in_first_time(page, site, username):
    """Password, a password of one's own, then the authenticator app is enrolled from the
    key on the QR page, and the backup codes are made."""
    page.goto(site.url + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    choose_own_password(page)
    page.wait_for_url(re.compile(r"/second-factor/enrol/"))
    page.fill("input[name=token]", current_code(page.inner_text(".secret")))
    page.click("form button[type=submit], form input[type=submit]")
    make_backup_codes(page)
    page.wait_for_url(re.compile(r"/admin/$"))
