from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from inquiries.forms import InquiryForm
from inquiries.models import Inquiry
from inquiries.services import inquiry_submit

TEMPLATE = "inquiries/form.html"


@sensitive_post_parameters("name", "phone", "message")
@require_http_methods(["GET", "HEAD", "POST"])
def inquiry_form(request):
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": InquiryForm()})
    form = InquiryForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "not_sent": True}, status=400)
    reference, _created = inquiry_submit(
        name=form.cleaned_data["name"],
        phone=form.cleaned_data["phone"],
        message=form.cleaned_data["message"],
        consent_version=form.accepted_version,
        language=get_language(),
        token=form.cleaned_data["token"],
    )
    response = redirect("inquiries:thanks", reference=reference)
    response.status_code = 303
    return response


def thanks(request, reference):
    """The receipt: reference and consent version, no personal data."""
    inquiry = get_object_or_404(
        Inquiry.objects.select_related("consent_version").only(
            "reference", "created_at", "consent_language", "consent_version__number"
        ),
        reference=reference,
    )
    return render(request, "inquiries/thanks.html", {"inquiry": inquiry})


@sensitive_post_parameters("name", "phone", "message")
def csrf_failure(request, reason=""):
    """A refused form post keeps what the visitor typed and asks them to send again."""
    match = request.resolver_match
    if request.method == "POST" and match and match.view_name == "inquiries:form":
        form = InquiryForm(request.POST)
        form.is_valid()
        context = {
            "form": form,
            "not_sent": True,
            "not_sent_reason": _(
                "Your inquiry was not sent: the page had expired or your browser blocked "
                "cookies. What you typed is kept below; please press “Send” again."
            ),
        }
        return render(request, TEMPLATE, context, status=403)
    return render(request, "403_csrf.html", status=403)
