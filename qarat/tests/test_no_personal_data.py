"""A canary name and phone sent through every path appear in the inquiry rows and nowhere else.

Not in log output, e-mails (notifications and error reports), URLs, cache keys or admin
log entries.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from inquiries.models import Inquiry
from testkit.inquiries import (
    CANARIES,
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
    form_data,
)

pytestmark = pytest.mark.django_db


def assert_clean(text, where):
    for canary in CANARIES:
        assert canary not in text, f"{canary!r} found in {where}"


def test_canary_through_every_path_lands_only_in_the_inquiry_rows(
    settings, log_output, verified_client_factory, monkeypatch
):
    settings.INQUIRY_NOTIFY_EMAILS = ["operators@example.kz"]
    settings.INQUIRY_NOTIFY_IN_BACKGROUND = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ADMINS = [("Admin", "admin@example.kz")]
    settings.INQUIRY_RATE_LIMIT = "2/10m"
    urls = []
    visitor = Client(raise_request_exception=False)

    def visit(response):
        # Every address the site sends a browser to (the requests are the test's own).
        for redirect in getattr(response, "redirect_chain", []):
            urls.append(redirect[0])
        if response.has_header("Location"):
            urls.append(response["Location"])
        return response

    # The visitor's paths: sent, refused, CSRF failure, honeypot, rate limit, not found.
    assert visit(visitor.post("/", form_data())).status_code == 303
    assert visit(visitor.post("/kk/", form_data(phone="8 701 555"))).status_code == 400
    assert visit(Client(enforce_csrf_checks=True).post("/", form_data())).status_code == 403
    honeypot = visit(visitor.post("/", form_data(website="x")))
    assert honeypot.status_code == 303
    assert visit(visitor.get(honeypot["Location"])).status_code == 200  # its decoy receipt
    assert visit(visitor.post("/en/", form_data())).status_code == 303
    assert visit(visitor.post("/en/", form_data())).status_code == 429
    assert visit(visitor.get(f"/thanks/{CANARY_PHONE}/")).status_code == 404

    # A server error while storing: the e-mailed report must not carry the submission.
    def explode(**kwargs):
        raise RuntimeError("storage failed")

    monkeypatch.setattr("inquiries.views.inquiry_submit", explode)
    cache.clear()
    assert visit(visitor.post("/", form_data())).status_code == 500
    monkeypatch.undo()

    # The back office: search by phone and name, open, process, correct.
    officer = User.objects.create_user("officer", password="irrelevant", is_staff=True)
    officer.groups.add(Group.objects.get(name="Privacy officers"))
    staff = verified_client_factory(officer)
    inquiry = Inquiry.objects.first()
    for query in (CANARY_PHONE_TYPED, CANARY_NAME):
        assert visit(staff.get("/admin/inquiries/inquiry/", {"q": query})).status_code == 200
    change = f"/admin/inquiries/inquiry/{inquiry.pk}/change/"
    assert visit(staff.get(change)).status_code == 200
    response = staff.post(
        change,
        {
            "name": CANARY_NAME,
            "phone": CANARY_PHONE_TYPED,
            "message": CANARY_MESSAGE,
            "status": "processed",
            "note": "",
            "legal_hold_reason": "",
        },
        follow=True,
    )
    visit(response)
    messages_shown = " ".join(str(m.message) for m in response.context["messages"])

    # The data are where they belong...
    assert Inquiry.objects.filter(name=CANARY_NAME, phone=CANARY_PHONE).count() == 2
    # ...and nowhere else.
    assert_clean(log_output.getvalue(), "the log output")
    assert mail.outbox, "no notification or error report was sent"
    assert any("storage failed" in m.body or "RuntimeError" in m.subject for m in mail.outbox)
    for message in mail.outbox:
        assert_clean(
            message.subject + message.body + str(message.message()), f"e-mail {message.subject}"
        )
    assert urls, "no redirect was followed"
    for url in urls:
        assert_clean(url, f"URL {url}")
    assert_clean(" ".join(cache._cache.keys()), "cache keys")
    assert_clean(
        " ".join(f"{e.object_repr} {e.change_message}" for e in LogEntry.objects.all()),
        "admin log entries",
    )
    assert_clean(messages_shown, "admin messages")
