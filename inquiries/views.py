import functools
import logging
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from consent.models import current_version
from inquiries.blank_page import TEMPLATE, blank_page, blank_page_variant
from inquiries.forms import InquiryForm
from inquiries.models import REFERENCE_ALPHABET, Inquiry, new_reference
from inquiries.rate_limit import SlotRequest
from inquiries.services import inquiry_submit
from qarat.nul_bytes import nul_checked_by_view

logger = logging.getLogger(__name__)


def _stored_reference(token):
    if token is None:
        return None
    try:
        connection.close()
        return (
            Inquiry.objects.filter(submission_token=token)
            .values_list("reference", flat=True)
            .first()
        )
    except DatabaseError:
        return None


def _not_sent(request, form, reason, status):
    context = {"form": form, "not_sent": True, "not_sent_reason": reason}
    return render(request, TEMPLATE, context, status=status)


def _headline(form):
    """Point at the marked fields only when a field is marked; a form-wide problem (sent too
    quickly, open too long) is said in the list below without any field to correct."""
    if any(name != NON_FIELD_ERRORS for name in form.errors):
        return None
    return _("Your inquiry was not sent yet. What you typed is kept.")


def _database_unavailable(request, form, error):
    logger.error("Inquiry not stored: database unavailable (%s).", type(error).__name__)
    return _not_sent(
        request,
        form,
        _(
            "Your inquiry was not sent: our server has a temporary problem. What you "
            "typed is kept; please press “Send” again in a few minutes."
        ),
        status=503,
    )


# The form says which of these fields holds the NUL, with the visitor's input kept.
@nul_checked_by_view("name", "phone", "message")
@sensitive_post_parameters("name", "phone", "message")
@require_http_methods(["GET", "HEAD", "POST"])
def inquiry_form(request):
    if request.method != "POST":
        variant = blank_page_variant(request)
        if variant is None:
            return render(request, TEMPLATE, {"form": InquiryForm()})
        return blank_page(request, variant)
    # Reserved before storing, given back unless a new inquiry was stored: concurrent
    # posts cannot pass the limit, and a refused or failed one does not use it up. Sent
    # now, answered once the form is checked: its round trip runs meanwhile.
    with SlotRequest(request) as slot_request:
        form = InquiryForm(request.POST)
        if form.is_honeypot_filled:
            # A bot filled the invisible field: nothing is stored, but it gets what a person
            # gets (a 303 to a receipt), so it cannot tell that it was caught.
            return _see_receipt(decoy_reference())
        try:
            if not form.is_valid():
                return _not_sent(request, form, _headline(form), status=400)
        except DatabaseError as error:
            return _database_unavailable(request, form, error)
        slot = slot_request.reserve()
    if not slot.granted:
        return _not_sent(
            request,
            form,
            _(
                "Your inquiry was not sent: too many inquiries came from your connection "
                "in the last minutes. What you typed is kept; please try again later."
            ),
            status=429,
        )
    created = False
    try:
        reference, created = inquiry_submit(
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            message=form.cleaned_data["message"],
            consent_version=form.accepted_version,
            language=get_language(),
            token=form.cleaned_data["token"],
        )
    except DatabaseError as error:
        # A commit whose answer was lost may still have stored it: look once more on a
        # fresh connection. Sending the same form again never stores it twice.
        reference = _stored_reference(form.cleaned_data.get("token"))
        if reference is None:
            return _database_unavailable(request, form, error)
    finally:
        if not created:
            slot.release()
    return _see_receipt(reference)


def _see_receipt(reference):
    response = HttpResponseRedirect(receipt_url(reference))
    response.status_code = 303
    return response


# Shaped like every reference, so that the URL pattern's converter takes it.
_SAMPLE_REFERENCE = "Q-0000-0000-0000"


def receipt_url(reference):
    """`reverse("inquiries:thanks", kwargs={"reference": reference})`, from the URL around
    a reference, reversed once per language, script prefix and URLconf (a test holds the
    two together). Every reference has the same shape and needs no quoting."""
    head, tail = _receipt_url_around(
        get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    return f"{head}{reference}{tail}"


@functools.lru_cache(maxsize=64)
def _receipt_url_around(language, script_prefix, urlconf):
    url = reverse("inquiries:thanks", kwargs={"reference": _SAMPLE_REFERENCE}, urlconf=urlconf)
    head, _, tail = url.partition(_SAMPLE_REFERENCE)
    return head, tail


def _decoy_check(head):
    digest = salted_hmac("inquiries.decoy_receipt", head, algorithm="sha256").digest()
    return "".join(REFERENCE_ALPHABET[byte % len(REFERENCE_ALPHABET)] for byte in digest[:4])


def decoy_reference():
    """A reference the site recognises as the honeypot's (its last group is keyed on the
    rest), shaped like every other: its receipt page is shown without any inquiry."""
    head = new_reference()[: -len("-XXXX")]
    return f"{head}-{_decoy_check(head)}"


def _is_decoy(reference):
    # The URL's converter has checked the reference's shape (inquiries/urls.py).
    head, _, check = reference.rpartition("-")
    return constant_time_compare(check, _decoy_check(head))


def thanks(request, reference):
    """The receipt: reference and consent version, no personal data."""
    try:
        inquiry = get_object_or_404(
            Inquiry.objects.select_related("consent_version").only(
                "reference", "created_at", "consent_language", "consent_version__number"
            ),
            reference=reference,
        )
    except Http404:
        if not _is_decoy(reference):
            raise
        decoy = SimpleNamespace(
            reference=reference,
            created_at=timezone.now(),
            consent_language=get_language(),
            consent_version=current_version(),
        )
        return render(request, "inquiries/thanks.html", {"inquiry": decoy})
    except DatabaseError as error:
        # Only a stored inquiry is redirected here: say so, even if details must wait.
        logger.error("Receipt not shown: database unavailable (%s).", type(error).__name__)
        context = {"reference": reference}
        return render(request, "inquiries/thanks_unavailable.html", context, status=503)
    return render(request, "inquiries/thanks.html", {"inquiry": inquiry})


@sensitive_post_parameters("name", "phone", "message")
def csrf_failure(request, reason=""):
    """A refused form post keeps what the visitor typed and asks them to send again."""
    match = request.resolver_match
    if request.method == "POST" and match and match.view_name == "inquiries:form":
        form = InquiryForm(request.POST)
        form.is_valid()
        reason = _(
            "Your inquiry was not sent: the page had expired or your browser blocked "
            "cookies. What you typed is kept below; please press “Send” again."
        )
        return _not_sent(request, form, reason, status=403)
    return render(request, "403_csrf.html", status=403)
