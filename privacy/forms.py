"""Forms of the request register: the number is typed, checked, hashed, and never kept."""

import datetime
import hmac
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.phones import PhoneField, contains_phone_number
from privacy.hashing import phone_hash
from privacy.models import IdentityMethod, Incident, SubjectRequest
from qarat.privacy_logging import mask_phone_numbers

# A request may be registered a few minutes "early" when the clocks disagree, not later.
CLOCK_SKEW = datetime.timedelta(minutes=5)
EMAIL_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def contains_contact_details(text):
    """A phone number, written in whatever way, or an e-mail address."""
    return (
        contains_phone_number(text)
        or mask_phone_numbers(text) != text
        or bool(EMAIL_ADDRESS.search(text))
    )


def refuse_contact_details(text):
    """The registers outlive the inquiries: they must not keep a number or an address."""
    if contains_contact_details(text):
        raise forms.ValidationError(
            _(
                "Write this without phone numbers or e-mail addresses: the register must "
                "not keep personal data."
            ),
            code="personal_data",
        )
    return text


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
        if contains_contact_details(note):
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


class IdentityForm(forms.ModelForm):
    """How the data subject was known to be the number's holder, before acting on it."""

    class Meta:
        model = SubjectRequest
        fields = ["identity_method", "identity_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_method"].required = True
        self.fields["identity_method"].choices = IdentityMethod.choices

    def clean_identity_note(self):
        return refuse_contact_details(self.cleaned_data["identity_note"])

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("identity_method") == IdentityMethod.OTHER
            and not (cleaned.get("identity_note") or "").strip()
        ):
            self.add_error("identity_note", _("Say in the note how the identity was confirmed."))
        return cleaned


class IncidentForm(forms.ModelForm):
    """An incident: what, when, how many, measures and notifications; no personal data."""

    class Meta:
        model = Incident
        fields = [
            "found_at",
            "description",
            "subjects_count",
            "measures",
            "notify_authority",
            "authority_notified_at",
            "notify_subjects",
            "subjects_notified_at",
            "status",
        ]

    def clean_description(self):
        return refuse_contact_details(self.cleaned_data["description"])

    def clean_measures(self):
        return refuse_contact_details(self.cleaned_data["measures"])

    def clean(self):
        cleaned = super().clean()
        latest = timezone.now() + CLOCK_SKEW
        found_at = cleaned.get("found_at")
        for name in ("found_at", "authority_notified_at", "subjects_notified_at"):
            moment = cleaned.get(name)
            if moment and moment > latest:
                self.add_error(name, _("This cannot be in the future."))
            elif moment and found_at and name != "found_at" and moment < found_at:
                self.add_error(name, _("A notification cannot come before the incident was found."))
        if cleaned.get("status") == Incident.Status.CLOSED:
            for must, done in (
                ("notify_authority", "authority_notified_at"),
                ("notify_subjects", "subjects_notified_at"),
            ):
                if cleaned.get(must) and not cleaned.get(done):
                    self.add_error(done, _("Close the incident once this notification is made."))
        return cleaned


class CalendarDayForm(forms.ModelForm):
    def clean_decree_number(self):
        return refuse_contact_details(self.cleaned_data["decree_number"])

    def clean_note(self):
        return refuse_contact_details(self.cleaned_data["note"])
