"""Forms of the request register: the number is typed, checked, hashed, and never kept."""

import datetime
import hmac

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.phones import PhoneField, contains_phone_number
from privacy.hashing import phone_hash
from privacy.models import SubjectRequest
from qarat.privacy_logging import mask_phone_numbers

# A request may be registered a few minutes "early" when the clocks disagree, not later.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class RegisterPhoneField(PhoneField):
    """A data subject's number, typed by staff: not remembered by the browser."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"})
        )
        super().__init__(**kwargs)


class SubjectRequestAddForm(forms.ModelForm):
    """Registering a request: the number of the data subject in any format.

    Only its keyed hash and last two digits are stored; the number itself is not.
    """

    phone = RegisterPhoneField(
        help_text=_(
            "In any format, e.g. 8 701 123 45 67. The number itself is not stored: only a code "
            "computed from it, which cannot be turned back into the number, and its last two "
            "digits."
        )
    )

    class Meta:
        model = SubjectRequest
        fields = ["kind", "received_at"]

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("A request cannot be received in the future."))
        return received_at

    def save(self, commit=True):
        e164 = self.cleaned_data["phone"]
        self.instance.phone_hash = phone_hash(e164)
        self.instance.phone_last_digits = e164[-2:]
        return super().save(commit)


class SubjectRequestChangeForm(forms.ModelForm):
    """Closing a request: done, or refused with the reasons in the closing note."""

    class Meta:
        model = SubjectRequest
        fields = ["status", "closing_note"]

    def clean_closing_note(self):
        note = self.cleaned_data["closing_note"]
        # The register outlives the inquiries: it must not keep the number in clear, in
        # whatever way it was written down.
        if contains_phone_number(note) or mask_phone_numbers(note) != note:
            raise forms.ValidationError(
                _("Write the note without the phone number: the register must not keep it.")
            )
        return note

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == SubjectRequest.Status.REFUSED
            and not (cleaned.get("closing_note") or "").strip()
        ):
            self.add_error("closing_note", _("A refusal needs its reasons in the closing note."))
        return cleaned


class SubjectPhoneForm(forms.Form):
    """The number typed again on the request's page: it must be the request's number."""

    phone = RegisterPhoneField()

    def __init__(self, *args, subject_request, **kwargs):
        self.subject_request = subject_request
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        e164 = self.cleaned_data["phone"]
        if not hmac.compare_digest(phone_hash(e164), self.subject_request.phone_hash):
            raise forms.ValidationError(
                _("This number is not the one of the request."), code="other_number"
            )
        return e164
