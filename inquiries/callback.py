"""The call desk: take an inquiry, call, then one button per outcome.

"Called: processed" sets the status the consent names; "No answer: call again" counts the
attempt and puts the inquiry back at the queue's end after a delay. Each outcome and claim is
one conditional UPDATE, so two operators never both act on the same waiting inquiry, and
leaves an admin log entry with the status and the attempt count only.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from inquiries.models import Inquiry

PROCESSED, NO_ANSWER = "processed", "no_answer"
# The delays an operator may choose after "no answer", in minutes (the setting's is added).
CALL_AGAIN_CHOICES = [15, 30, 60, 120, 240, 24 * 60]


def shown_time(value):
    """A moment as staff read it everywhere: Almaty time with its zone, no seconds."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def delay_words(minutes):
    return timesince(timezone.now() - datetime.timedelta(minutes=minutes), timezone.now())


def call_again_choices():
    every = sorted({*CALL_AGAIN_CHOICES, settings.CALL_AGAIN_MINUTES})
    return [(str(minutes), delay_words(minutes)) for minutes in every]


class CallbackForm(forms.Form):
    """The outcome of one call: the button pressed, the note, and when to call again."""

    outcome = forms.ChoiceField(choices=[(PROCESSED, PROCESSED), (NO_ANSWER, NO_ANSWER)])
    note = forms.CharField(
        label=_("operator note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Internal; never sent to the visitor or anyone else."),
    )
    call_again_in = forms.TypedChoiceField(
        label=_("Call again in"), coerce=int, choices=call_again_choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call_again_in"].initial = str(settings.CALL_AGAIN_MINUTES)

    def clean_call_again_in(self):
        return self.cleaned_data["call_again_in"] or settings.CALL_AGAIN_MINUTES


# --- services: each one UPDATE, on a waiting (not processed, not blocked) inquiry ----------


def _released():
    return {"claimed_by": None, "claimed_at": None, "claimed_until": None}


def inquiry_claim(*, pk, by, now=None):
    """Take a waiting inquiry for CALL_CLAIM_MINUTES unless another operator's claim runs.

    Returns whether `by` holds it now. Taking it again keeps the moment first taken.
    """
    now = now or timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now) | Q(claimed_by=by)
    mine = Q(claimed_by=by, claimed_until__gt=now)
    return bool(
        Inquiry.objects.waiting()
        .filter(free, pk=pk)
        .update(
            claimed_by=by,
            claimed_at=Case(When(mine, then=F("claimed_at")), default=now),
            claimed_until=now + datetime.timedelta(minutes=settings.CALL_CLAIM_MINUTES),
        )
    )


def callback_processed(*, pk, by, note, now=None):
    """Called and done: processed by `by`, one more attempt counted, the claim released."""
    now = now or timezone.now()
    return bool(
        Inquiry.objects.waiting()
        .filter(pk=pk)
        .update(
            status=Inquiry.Status.PROCESSED,
            processed_at=now,
            processed_by=by,
            note=note,
            call_attempts=F("call_attempts") + 1,
            **_released(),
        )
    )


def callback_no_answer(*, pk, note, minutes, now=None):
    """Nobody answered: one more attempt, and back at the queue's end `minutes` from now.

    Returns the next attempt's time, or None if the inquiry was no longer waiting.
    """
    now = now or timezone.now()
    again = now + datetime.timedelta(minutes=minutes)
    changed = (
        Inquiry.objects.waiting()
        .filter(pk=pk)
        .update(queued_at=again, note=note, call_attempts=F("call_attempts") + 1, **_released())
    )
    return again if changed else None


# --- what the change page and the list show ------------------------------------------------


def outcome_open(inquiry, *, may_change):
    """Whether the page offers the outcome buttons: a waiting inquiry, staff who may change it."""
    return may_change and inquiry.status == Inquiry.Status.NEW and not inquiry.blocked_at


def claim_state(inquiry, user=None, now=None):
    """None, or who is calling this inquiry and since when, while the claim runs."""
    now = now or timezone.now()
    if inquiry.claimed_until is None or inquiry.claimed_until <= now or not inquiry.claimed_by:
        return None
    by, since = inquiry.claimed_by, inquiry.claimed_at or now
    return {
        "mine": user is not None and by.pk == user.pk,
        "name": by.get_full_name() or by.get_username(),
        "since": timesince(since, now)
        if now - since >= datetime.timedelta(minutes=1)
        else gettext("less than a minute"),
    }


def callback_context(request, inquiry, *, may_change):
    """The call-back panel of the change page: claim, waiting time, attempts, the form."""
    now = timezone.now()
    return {
        "inquiry": inquiry,
        "may_act": outcome_open(inquiry, may_change=may_change),
        "claim": claim_state(inquiry, request.user, now),
        "waited": timesince(inquiry.created_at, now),
        "next_attempt": shown_time(inquiry.queued_at)
        if inquiry.queued_at and inquiry.queued_at > now
        else "",
        "form": CallbackForm(initial={"note": inquiry.note}),
        "processed_at": shown_time(inquiry.processed_at),
    }


# --- views (registered by InquiryAdmin.get_urls) ------------------------------------------


def _inquiry_for(request, object_id, model_admin):
    inquiry = model_admin.get_object(request, unquote(object_id))
    if inquiry is None or not model_admin.has_change_permission(request, inquiry):
        raise PermissionDenied
    return inquiry


def _back_to_list(request, model_admin):
    """The list the operator came from (its filters kept), else the queue."""
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    filters = request.POST.get("_changelist_filters", "")
    target = f"{url}?{filters}" if filters else url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return HttpResponseRedirect(target)


def _change_page(inquiry, model_admin):
    opts = model_admin.opts
    return HttpResponseRedirect(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[inquiry.pk])
    )


@require_POST
def callback_outcome(request, object_id, *, model_admin):
    inquiry = _inquiry_for(request, object_id, model_admin)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        model_admin.message_user(
            request, gettext("The outcome was not recorded: try again."), messages.ERROR
        )
        return _change_page(inquiry, model_admin)
    data = form.cleaned_data
    attempt = inquiry.call_attempts + 1
    if data["outcome"] == PROCESSED:
        done = callback_processed(pk=inquiry.pk, by=request.user, note=data["note"])
        log = gettext("Call back: processed (call %(attempt)d).") % {"attempt": attempt}
        told = gettext("%(inquiry)s: processed.") % {"inquiry": inquiry}
    else:
        again = callback_no_answer(pk=inquiry.pk, note=data["note"], minutes=data["call_again_in"])
        done = again is not None
        log = gettext("Call back: no answer (call %(attempt)d), next attempt %(at)s.") % {
            "attempt": attempt,
            "at": shown_time(again),
        }
        told = gettext("%(inquiry)s: no answer, back in the queue at %(at)s.") % {
            "inquiry": inquiry,
            "at": shown_time(again),
        }
    if not done:
        model_admin.message_user(
            request,
            gettext("%(inquiry)s is no longer waiting: nothing was changed.")
            % {"inquiry": inquiry},
            messages.WARNING,
        )
        return _change_page(inquiry, model_admin)
    model_admin.log_change(request, inquiry, log)
    model_admin.message_user(request, told, messages.SUCCESS)
    return _back_to_list(request, model_admin)


@require_POST
def callback_take(request, object_id, *, model_admin):
    inquiry = _inquiry_for(request, object_id, model_admin)
    if inquiry_claim(pk=inquiry.pk, by=request.user):
        text = ngettext(
            "%(inquiry)s is yours for %(count)d minute.",
            "%(inquiry)s is yours for %(count)d minutes.",
            settings.CALL_CLAIM_MINUTES,
        ) % {"inquiry": inquiry, "count": settings.CALL_CLAIM_MINUTES}
        model_admin.message_user(request, text, messages.SUCCESS)
    else:
        model_admin.message_user(
            request,
            gettext("%(inquiry)s is taken by someone else or no longer waiting.")
            % {"inquiry": inquiry},
            messages.WARNING,
        )
    return _change_page(inquiry, model_admin)
