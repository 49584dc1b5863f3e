"""Confirming a data subject's identity before their request is carried out: typing the
number only shows it is the request's number, not that the person asking holds it."""

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy.forms import IdentityForm

IDENTITY_REQUIRED = _(
    "Record how the person's identity was confirmed (below) before carrying out the request: "
    "typing the number only shows that it is the request's number."
)


def identity_confirm(request, model_admin, subject_request):
    """Record how, by whom and when from the POSTed form; None, or the form with its errors."""
    form = IdentityForm(request.POST, instance=subject_request)
    if not form.is_valid():
        return form
    subject_request.identity_confirmed_at = timezone.now()
    subject_request.identity_confirmed_by = request.user
    subject_request.save(
        update_fields=[
            "identity_method",
            "identity_note",
            "identity_confirmed_at",
            "identity_confirmed_by",
        ]
    )
    text = gettext("Identity confirmation recorded.")
    model_admin.log_change(request, subject_request, text)
    messages.success(request, text)
    return None
