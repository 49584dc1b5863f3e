"""Forms of the request register: the number is typed, checked, hashed, and never kept."""

import datetime
import hmac

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.phones import contains_phone_number, phone_to_e164
from privacy.hashing import phone_hash
from privacy.models import SubjectRequest
from qarat.privacy_logging import mask_phone_numbers

NOT_A_PHONE = _("This does not look like a phone number. Example: 8 701 123 45 67.")
# A request may be registered a few minutes "early" when the clocks disagree, not later.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def clean_phone(raw):
    e164 = phone_to_e164(raw or "")
    if e164 is None:
        raise forms.ValidationError(NOT_A_PHONE, code="not_a_phone")
    return e164


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("label", _("Phone number"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})


class SubjectRequestAddForm(forms.ModelForm):
    """Registering a request: the number of the data subject in any format.

    Only its keyed hash and last two digits are stored; the number itself is not.
    """

    phone = PhoneField(
        help_text=_(
            "In any format, e.g. 8 701 123 45 67. Not stored: only a keyed hash and the "
            "last two digits are kept."
        )
    )

    class Meta:
        model = SubjectRequest
        fields = ["kind", "received_at"]

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

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

    phone = PhoneField()

    def __init__(self, *args, subject_request, **kwargs):
        self.subject_request = subject_request
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        e164 = clean_phone(self.cleaned_data["phone"])
        if not hmac.compare_digest(phone_hash(e164), self.subject_request.phone_hash):
            raise forms.ValidationError(
                _("This number is not the one of the request."), code="other_number"
            )
        return e164
