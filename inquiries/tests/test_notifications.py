import email
import email.policy
import logging
import re
import socket
import threading
from datetime import timedelta
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from inquiries import notifications
from inquiries.models import Inquiry
from inquiries.notifications import (
    CLAIM_EXPIRY,
    FAILURES_BEFORE_GIVING_UP,
    Outcome,
    notification_send,
    notifications_send_pending,
)
from qarat.live_server import free_port
from testkit.inquiries import (
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
    form_data,
    make_inquiry,
)

pytestmark = pytest.mark.django_db

STAFF = "operator@example.kz"
PERSONAL_DATA = (CANARY_NAME, CANARY_PHONE, CANARY_PHONE_TYPED, CANARY_PHONE[2:], CANARY_MESSAGE)


def assert_no_personal_data(text):
    for personal in PERSONAL_DATA:
        assert personal not in text


def admin_link(settings, inquiry):
    return f"https://example.kz/{settings.ADMIN_URL}inquiries/inquiry/{inquiry.pk}/change/"


class Inbox:
    """An aiosmtpd handler that accepts every message and keeps it as received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Accepted"


class RefusingRecipients:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "554 5.7.1 Recipient refused"


class RefusingData:
    async def handle_DATA(self, server, session, envelope):
        return "554 5.6.0 Message refused"


@pytest.fixture
def notify(settings):
    """Notifications on, sent inline, so a test sees the send's result when it returns."""
    settings.INQUIRY_NOTIFY_EMAILS = [STAFF]
    settings.SITE_URL = "https://example.kz"
    settings.INQUIRY_NOTIFY_IN_BACKGROUND = False
    settings.DEFAULT_FROM_EMAIL = "noreply@example.kz"
    return settings


@pytest.fixture
def mail_server(settings):
    """Starts a real SMTP server on 127.0.0.1 with a handler and points EMAIL_* at it."""
    controllers = []

    def start(handler):
        controller = Controller(
            handler, hostname="127.0.0.1", port=free_port(), server_hostname="localhost"
        )
        controller.start()
        controllers.append(controller)
        use_mail_server(settings, controller.port)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def broken_mail_server(settings, mail_server):
    """Points EMAIL_* at a server that refuses, at a closed port, or at one that never answers."""
    silent = []

    def start(kind):
        if kind == "refuses recipients":
            mail_server(RefusingRecipients())
        elif kind == "refuses the message":
            mail_server(RefusingData())
        elif kind == "closed port":
            use_mail_server(settings, free_port())
        elif kind == "never answers":
            # The kernel completes the TCP handshake for the backlog; no greeting ever comes.
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            silent.append(listener)
            use_mail_server(settings, listener.getsockname()[1])

    yield start
    for listener in silent:
        listener.close()


def use_mail_server(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1


def everything_in(raw):
    """The raw message and its decoded headers and body: encoded words hide nothing."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    return "\n".join([raw.decode("utf-8", "replace"), headers, message.get_content()])


def post_and_run_commit_hooks(client, capture, **overrides):
    with capture(execute=True):
        response = client.post("/", form_data(**overrides))
    return response


def run_command(*, verbosity=1):
    out = StringIO()
    call_command("send_pending_notifications", verbosity=verbosity, stdout=out)
    return out.getvalue()


# --- Content -----------------------------------------------------------------------------


def test_submission_sends_one_email_with_the_reference_and_admin_link_to_a_real_smtp_server(
    client, notify, mail_server, django_capture_on_commit_callbacks
):
    inbox = mail_server(Inbox())
    response = post_and_run_commit_hooks(client, django_capture_on_commit_callbacks)
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == [STAFF]
    received = everything_in(envelope.original_content)
    assert inquiry.reference in received
    assert admin_link(notify, inquiry) in received
    assert_no_personal_data(received)
    assert inquiry.notified_at is not None
    assert inquiry.notification_claimed_at is None


def test_notification_holds_the_reference_and_admin_link_and_nothing_else(notify):
    inquiry = make_inquiry()
    assert notification_send(reference=inquiry.reference) == Outcome.SENT
    [sent] = mail.outbox
    assert inquiry.reference in sent.subject
    assert sent.to == [STAFF]
    assert sent.from_email == "noreply@example.kz"
    assert re.findall(r"https?://\S+", sent.body) == [admin_link(notify, inquiry)]
    assert re.findall(r"Q-[0-9A-Z-]+", f"{sent.subject}\n{sent.body}") == [inquiry.reference] * 2
    message = sent.message()
    assert set(message.keys()) == {
        "Content-Type",
        "MIME-Version",
        "Content-Transfer-Encoding",
        "Subject",
        "From",
        "To",
        "Date",
        "Message-ID",
    }
    assert_no_personal_data(message.as_string() + sent.subject + sent.body)


def test_repost_of_the_same_form_notifies_once(client, notify, django_capture_on_commit_callbacks):
    data = form_data()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/", data)
        client.post("/", data)
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_a_notification_already_sent_is_not_sent_again(notify):
    inquiry = make_inquiry()
    assert notification_send(reference=inquiry.reference) == Outcome.SENT
    assert notification_send(reference=inquiry.reference) == Outcome.SKIPPED
    assert len(mail.outbox) == 1


# --- A slow or failing mail server --------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["refuses recipients", "refuses the message", "closed port", "never answers"]
)
def test_failing_mail_server_keeps_the_submission_and_the_command_sends_it_later(
    client,
    notify,
    caplog,
    broken_mail_server,
    mail_server,
    kind,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.INFO)
    broken_mail_server(kind)
    response = post_and_run_commit_hooks(client, django_capture_on_commit_callbacks)

    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert response["Location"] == f"/thanks/{inquiry.reference}/"
    assert inquiry.notified_at is None
    assert inquiry.notification_claimed_at is None
    assert any(
        record.levelno >= logging.WARNING and inquiry.reference in record.getMessage()
        for record in caplog.records
    )
    assert_no_personal_data(caplog.text)

    inbox = mail_server(Inbox())
    assert "1 sent, 0 failed" in run_command()
    assert "0 sent, 0 failed" in run_command()
    assert len(inbox.envelopes) == 1
    assert inquiry.reference in everything_in(inbox.envelopes[0].original_content)
    inquiry.refresh_from_db()
    assert inquiry.notified_at is not None


def test_background_send_runs_on_its_own_thread_and_the_request_does_not_wait_for_it(
    client, notify, broken_mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    notify.INQUIRY_NOTIFY_IN_BACKGROUND = True
    broken_mail_server("never answers")
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def send_blocked_like_a_silent_server(*, reference):
        thread = threading.current_thread()
        seen.update(ident=thread.ident, daemon=thread.daemon, reference=reference)
        started.set()
        release.wait(10)
        finished.set()

    monkeypatch.setattr(notifications, "notification_send", send_blocked_like_a_silent_server)
    try:
        response = post_and_run_commit_hooks(client, django_capture_on_commit_callbacks)
        assert response.status_code == 303
        assert started.wait(10)
        # The request and its commit hook are over while the send is still blocked.
        assert not finished.is_set()
        assert seen["ident"] != threading.get_ident()
        assert seen["daemon"]
        assert seen["reference"] == Inquiry.objects.get().reference
    finally:
        release.set()
        assert finished.wait(10)


def test_submission_that_notifies_in_background_stays_within_four_queries(
    client,
    notify,
    monkeypatch,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    notify.INQUIRY_NOTIFY_IN_BACKGROUND = True
    sent = threading.Event()
    monkeypatch.setattr(notifications, "notification_send", lambda *, reference: sent.set())
    client.get("/")
    with django_assert_max_num_queries(4):
        response = post_and_run_commit_hooks(client, django_capture_on_commit_callbacks)
    assert response.status_code == 303
    assert sent.wait(10)


def test_command_fails_cleanly_when_the_mail_server_never_answers(
    notify, caplog, capsys, broken_mail_server
):
    caplog.set_level(logging.INFO)
    broken_mail_server("never answers")
    inquiry = make_inquiry()
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("send_pending_notifications", stdout=out)
    assert "1 failed" in out.getvalue()
    assert inquiry.reference in caplog.text
    for text in (str(refused.value), out.getvalue(), caplog.text, *capsys.readouterr()):
        assert_no_personal_data(text)
    inquiry.refresh_from_db()
    assert inquiry.notified_at is None
    assert inquiry.notification_claimed_at is None


def test_command_stops_trying_once_the_mail_server_looks_down(notify, caplog, broken_mail_server):
    broken_mail_server("closed port")
    for _ in range(FAILURES_BEFORE_GIVING_UP + 1):
        make_inquiry()
    with pytest.raises(CommandError):
        run_command()
    failures = [record for record in caplog.records if "not sent" in record.getMessage()]
    assert len(failures) == FAILURES_BEFORE_GIVING_UP
    assert Inquiry.objects.filter(notified_at__isnull=True).count() == FAILURES_BEFORE_GIVING_UP + 1


# --- The command and claims ---------------------------------------------------------------


def test_command_skips_a_fresh_claim_and_retries_a_stale_one(notify):
    now = timezone.now()
    fresh = make_inquiry(notification_claimed_at=now - timedelta(minutes=1))
    stale = make_inquiry(notification_claimed_at=now - CLAIM_EXPIRY - timedelta(seconds=1))
    assert "1 sent, 0 failed, 0 skipped, 1 still pending" in run_command()
    [sent] = mail.outbox
    assert stale.reference in sent.subject
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.notified_at is None
    assert fresh.notification_claimed_at == now - timedelta(minutes=1)
    assert stale.notified_at is not None


def test_a_sender_does_not_send_what_another_has_just_claimed(notify):
    inquiry = make_inquiry(notification_claimed_at=timezone.now())
    assert notification_send(reference=inquiry.reference) == Outcome.SKIPPED
    assert mail.outbox == []


def test_pending_notifications_go_out_oldest_first_in_batches(notify):
    now = timezone.now()
    references = [
        make_inquiry(created_at=now - timedelta(hours=hours)).reference for hours in (1, 5, 3, 4, 2)
    ]
    run = notifications_send_pending(batch_size=2)
    assert (run.sent, run.failed, run.skipped, run.pending) == (5, 0, 0, 0)
    by_age = [references[i] for i in (1, 3, 2, 4, 0)]
    sent = [re.search(r"Q-[0-9A-Z-]+", message.subject).group(0) for message in mail.outbox]
    assert sent == by_age


def test_command_prints_counts_only_and_nothing_at_verbosity_zero(notify):
    inquiry = make_inquiry()
    make_inquiry(notified_at=timezone.now())
    assert run_command(verbosity=0) == ""
    assert Inquiry.objects.get(pk=inquiry.pk).notified_at is not None
    make_inquiry()
    out = run_command()
    assert out == "Notifications: 1 sent, 0 failed, 0 skipped, 0 still pending.\n"


# --- Switched off --------------------------------------------------------------------------


def test_without_recipients_nothing_is_sent_and_nothing_breaks(
    client, settings, mail_server, monkeypatch, django_capture_on_commit_callbacks
):
    settings.INQUIRY_NOTIFY_EMAILS = []
    settings.INQUIRY_NOTIFY_IN_BACKGROUND = True
    inbox = mail_server(Inbox())
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    response = post_and_run_commit_hooks(client, django_capture_on_commit_callbacks)
    assert response.status_code == 303
    assert started == []
    assert "nothing sent; 1 pending" in run_command()
    assert inbox.envelopes == []
    # Left pending, not marked: notified_at means "sent" (see the module docstring).
    assert Inquiry.objects.get().notified_at is None
