"""The staff e-mail about a new inquiry: its reference and a link to its admin page, nothing else.

The e-mail provider is a third party the consent does not name (clause 7), so no name, phone
or message goes into it. How it is never lost and never sent twice: docs/notifications.md.
"""

import enum
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from inquiries.models import Inquiry

logger = logging.getLogger(__name__)

# Far longer than a send can take with a sane EMAIL_TIMEOUT (every SMTP step is bounded by
# it), and short enough that a dead sender's notification goes out within a few cron runs.
CLAIM_EXPIRY = timedelta(minutes=5)
BATCH_SIZE = 100
# After this many failures in a row the mail server is taken to be down: the command stops
# rather than wait out a timeout for each pending notification and overlap the next cron run.
FAILURES_BEFORE_GIVING_UP = 3
# The name of each sending thread starts with it (a worker about to exit waits for them).
THREAD_PREFIX = "notify-"


class Outcome(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    # Already sent, claimed by another sender, gone, or no recipients configured.
    SKIPPED = "skipped"


@dataclass
class PendingRun:
    """Counts of one `notifications_send_pending()` run; never a reference or personal data."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0
    recipients: int = 0


def notification_recipients():
    return list(getattr(settings, "INQUIRY_NOTIFY_EMAILS", None) or [])


def notification_build(*, reference, pk, recipients):
    """The e-mail for one inquiry: only its reference and its admin link."""
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    context = {
        "reference": reference,
        "url": site_url + reverse("admin:inquiries_inquiry_change", args=[pk]),
    }
    # The operators read Russian; the site's default language is theirs.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("inquiries/email/notification_subject.txt", context)
        body = render_to_string("inquiries/email/notification_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )


def _claimable(now):
    stale = now - CLAIM_EXPIRY
    # A blocked inquiry is not announced until it is unblocked.
    return Q(notified_at__isnull=True, blocked_at__isnull=True) & (
        Q(notification_claimed_at__isnull=True) | Q(notification_claimed_at__lt=stale)
    )


def _failure(exc):
    # Only the class and the SMTP code: an error's text may quote whatever the server said.
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def notification_send(*, reference):
    """Claim, send and mark the notification of one inquiry. Never raises; returns an Outcome."""
    recipients = notification_recipients()
    if not recipients:
        return Outcome.SKIPPED
    claim = timezone.now()
    try:
        claimed = Inquiry.objects.filter(_claimable(claim), reference=reference).update(
            notification_claimed_at=claim
        )
        if not claimed:
            return Outcome.SKIPPED
        pk = Inquiry.objects.filter(reference=reference).values_list("pk", flat=True).get()
        notification_build(reference=reference, pk=pk, recipients=recipients).send()
    except Exception as exc:
        logger.warning(
            "Notification of inquiry %s not sent (%s); it stays pending for "
            "send_pending_notifications.",
            reference,
            _failure(exc),
        )
        try:
            # Only our own claim: a sender that took over an expired one keeps its claim.
            Inquiry.objects.filter(
                reference=reference, notified_at__isnull=True, notification_claimed_at=claim
            ).update(notification_claimed_at=None)
        except Exception as release_exc:
            logger.warning(
                "Claim on inquiry %s not released (%s); it expires in %s.",
                reference,
                _failure(release_exc),
                CLAIM_EXPIRY,
            )
        return Outcome.FAILED
    try:
        Inquiry.objects.filter(reference=reference).update(
            notified_at=timezone.now(), notification_claimed_at=None
        )
    except Exception as exc:
        logger.error(
            "Notification of inquiry %s sent but not recorded (%s); it will be sent again.",
            reference,
            _failure(exc),
        )
    else:
        logger.info("Notification of inquiry %s sent.", reference)
    return Outcome.SENT


def _send_in_thread(*, reference):
    try:
        notification_send(reference=reference)
    except Exception as exc:
        # An exception escaping a thread is printed with its text; keep it to the class.
        logger.error("Notification thread for inquiry %s failed (%s).", reference, _failure(exc))
    finally:
        # This thread's own connection; left open, each submission would leak one.
        connection.close()


def notification_threads_wait(seconds):
    """Wait, `seconds` at most in all, for the notifications this process is still sending
    (a worker about to exit: its daemon threads would end with it, mid-send)."""
    deadline = time.monotonic() + seconds
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_PREFIX) and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


def notification_dispatch(*, reference):
    """Send the notification of a just-committed inquiry without holding up the request."""
    if not notification_recipients():
        return
    if not getattr(settings, "INQUIRY_NOTIFY_IN_BACKGROUND", True):
        notification_send(reference=reference)
        return
    try:
        threading.Thread(
            target=_send_in_thread,
            kwargs={"reference": reference},
            name=f"{THREAD_PREFIX}{reference}",
            daemon=True,
        ).start()
    except Exception as exc:
        logger.warning(
            "Notification of inquiry %s not started (%s); send_pending_notifications sends it.",
            reference,
            _failure(exc),
        )


def _pending_references(*, now, batch_size):
    """References still to notify, oldest first, read in batches from the pending index."""
    after = None
    while True:
        rows = Inquiry.objects.filter(_claimable(now)).order_by("created_at", "pk")
        if after is not None:
            created_at, pk = after
            rows = rows.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk))
        batch = list(rows.values_list("created_at", "pk", "reference")[:batch_size])
        for _created_at, _pk, reference in batch:
            yield reference
        if len(batch) < batch_size:
            return
        after = batch[-1][:2]


def notifications_send_pending(*, now=None, batch_size=BATCH_SIZE):
    """Send every pending notification not freshly claimed elsewhere; returns a PendingRun."""
    run = PendingRun(recipients=len(notification_recipients()))
    now = now or timezone.now()
    if run.recipients:
        failures_in_a_row = 0
        for reference in _pending_references(now=now, batch_size=batch_size):
            outcome = notification_send(reference=reference)
            setattr(run, outcome.value, getattr(run, outcome.value) + 1)
            failures_in_a_row = failures_in_a_row + 1 if outcome == Outcome.FAILED else 0
            if failures_in_a_row >= FAILURES_BEFORE_GIVING_UP:
                logger.warning(
                    "%d notifications failed in a row; the rest wait for the next run.",
                    failures_in_a_row,
                )
                break
    run.pending = Inquiry.objects.filter(notified_at__isnull=True).count()
    return run
