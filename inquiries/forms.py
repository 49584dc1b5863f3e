import re
import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing, validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consent.acceptance import (
    RECONSENT,
    UNKNOWN_VERSION,
    consent_check,
    consent_version_to_show,
)
from consent.models import current_version
from inquiries.models import Inquiry
from inquiries.phones import PhoneField
from privacy.forms import refuse_contact_details
from qarat import fast_signing

NAME_MAX_LENGTH = 100
MESSAGE_MAX_LENGTH = 2000

STARTED_SALT = "inquiries.form.started"

# C0 and C1 control characters and DEL; a message may keep tabs and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MESSAGE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _reject(pattern):
    def validate(value):
        if pattern.search(value):
            raise ValidationError(
                _("Remove the invisible control characters (such as NUL) from this field."),
                code="control_characters",
            )

    return validate


# A form left open longer than this is asked to be sent again (with what was typed).
FORM_MAX_AGE_SECONDS = 24 * 60 * 60


_PLAIN_TOKEN = re.compile(r"[0-9A-Za-z-]+")


def form_started(token, *, at=None):
    """The signed moment the form with this token is shown at; see `started_problem()`.

    Bound to the form's token, so one signed value cannot be reused by other forms (the
    token makes a second post of the same form return the first one's receipt).
    """
    at = time.time() if at is None else at
    token = str(token)
    if not _PLAIN_TOKEN.fullmatch(token):
        return fast_signing.dumps([at, token], salt=STARTED_SALT)
    # [at, token] as json.dumps writes it (a number's repr, the token's plain letters), with
    # no encoder: this runs on every visit.
    return fast_signing.dumps_json(f'[{at!r},"{token}"]', salt=STARTED_SALT)


def form_started_at(value, token):
    """When the form with `token` was shown, or None if `value` is not its signed start."""
    try:
        at, signed_token = fast_signing.loads(value, salt=STARTED_SALT)
        at = float(at)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return at if signed_token == token else None


CONSENT_MESSAGES = {
    UNKNOWN_VERSION: _(
        "We could not tell which consent text this form showed. "
        "Please read the text linked below and tick the box again."
    ),
    RECONSENT: _(
        "The consent text has changed since this page was opened. "
        "Please read the new version linked below and tick the box again."
    ),
}
STARTED_MESSAGES = {
    "too_fast": _("That was very quick. Please check what you typed and press “Send” again."),
    "expired": _(
        "This page was open for more than a day. Please check what you typed and press "
        "“Send” again."
    ),
}


class InquiryForm(forms.Form):
    """The feedback form: exactly the data clause 3 of the consent names, plus consent."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        validators=[_reject(CONTROL_CHARACTERS)],
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please keep your name under %(limit_value)s characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField(
        help_text=_("For example: 8 701 123 45 67"),
        validators=[_reject(CONTROL_CHARACTERS)],
        error_messages={
            "required": _("Please enter a phone number so that we can call you back."),
            "max_length": _("This is too long for a phone number."),
        },
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[_reject(MESSAGE_CONTROL_CHARACTERS)],
        error_messages={
            "max_length": _("Please keep your message under %(limit_value)s characters."),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("Consent"),
        error_messages={
            "required": _(
                "Tick the box to agree to the processing of personal data: "
                "without it we cannot accept the inquiry."
            )
        },
    )
    # The consent version whose text this form links to, and the form's own token.
    # Limits far above what the page sends: no field a client posts is unbounded.
    consent_version = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # When the form was shown, signed: a submission much faster than a person types is a bot.
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # Invisible to people (off-screen, no tab stop, hidden from screen readers): bots fill it.
    website = forms.CharField(required=False, max_length=MESSAGE_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.accepted_version = None
        if not self.is_bound:
            self.initial.setdefault("token", str(uuid.uuid4()))
            self.initial.setdefault("started", form_started(self.initial["token"]))

    def clean_name(self):
        return self.clean_name_value(self.cleaned_data["name"])

    @staticmethod
    def clean_name_value(name):
        name = " ".join(name.split())
        if not any(ch.isalpha() for ch in name):
            raise ValidationError(_("Please enter your name in letters."), code="no_letters")
        if CONTROL_CHARACTERS.search(name):
            raise ValidationError(
                _("Remove the invisible control characters (such as NUL) from this field."),
                code="control_characters",
            )
        return name

    def clean_consent(self):
        # Only the value our own checkbox sends counts as ticked ("off", "no", ... do not).
        if self.data.get("consent") != "on":
            raise ValidationError(self.fields["consent"].error_messages["required"], "required")
        return True

    def clean_token(self):
        try:
            return uuid.UUID(self.cleaned_data["token"])
        except ValueError:
            # started_problem() refuses it too: the start time is signed for the token.
            return uuid.uuid4()

    @property
    def is_honeypot_filled(self):
        return bool(self.is_bound and self.data.get("website"))

    def started_problem(self):
        """None, or why the form's signed start time is refused: "too_fast" when it is
        missing, not this form's, or sooner than INQUIRY_MIN_FILL_SECONDS ago (a bot);
        "expired" when older than FORM_MAX_AGE_SECONDS."""
        at = form_started_at(self.data.get("started", ""), self.data.get("token", ""))
        if at is None or time.time() - at < settings.INQUIRY_MIN_FILL_SECONDS:
            return "too_fast"
        if time.time() - at > FORM_MAX_AGE_SECONDS:
            return "expired"
        return None

    def _restart(self):
        """Show the form again as if just opened (what was typed stays)."""
        self.data = self.data.copy()
        try:
            token = str(uuid.UUID(self.data.get("token", "")))
        except ValueError:
            token = str(uuid.uuid4())
        self.data["token"], self.data["started"] = token, form_started(token)

    def clean(self):
        cleaned = super().clean()
        problem = self.started_problem()
        if problem:
            # A person may really be this quick (autofill), or come back to a tab left open
            # for days: ask again, never drop silently.
            self.add_error(None, ValidationError(STARTED_MESSAGES[problem], code=problem))
            self._restart()
        if not cleaned.get("consent"):
            return cleaned
        shown, problem = consent_check(cleaned.get("consent_version"))
        if problem:
            self.add_error("consent", ValidationError(CONSENT_MESSAGES[problem], code=problem))
        else:
            self.accepted_version = shown
        return cleaned

    @property
    def shown_version(self):
        """The consent version the page links to: the one being accepted, else the current."""
        if self.is_bound and self.is_valid():
            return self.accepted_version
        if self.is_bound and "consent" not in self.errors:
            return consent_version_to_show(self.data.get("consent_version"))
        return current_version()

    @property
    def consent_ticked(self):
        return bool(self.is_bound and self["consent"].value() and "consent" not in self.errors)


class SharedFields(dict):
    """The public form's fields, given as they are to each form instead of deep-copied.

    Django deep-copies a form's fields for every instance, so that code may change one
    form's fields without touching the others'; nothing changes them here (a test renders
    and checks forms in each language and compares every field and widget before and
    after), and the copy was the largest single cost of a submission.
    """

    def __deepcopy__(self, memo):
        return dict(self)


# Set once on the class (each form takes its fields from there), not on every form.
for _field in InquiryForm.base_fields.values():
    # Our own control-character check gives one clear message for NUL too.
    _field.validators = [
        validator
        for validator in _field.validators
        if not isinstance(validator, validators.ProhibitNullCharactersValidator)
    ]
for _name in ("name", "phone", "message"):
    # Metrica's Webvisor never records keystrokes in a field with this class.
    InquiryForm.base_fields[_name].widget.attrs["class"] = "ym-disable-keys"
InquiryForm.base_fields = SharedFields(InquiryForm.base_fields)


class InquiryAdminForm(forms.ModelForm):
    """A privacy officer's correction keeps the rules of the public form."""

    phone = PhoneField(label=_("phone"))

    class Meta:
        model = Inquiry
        fields = ["name", "phone", "message", "status", "note", "legal_hold_reason"]

    def clean_name(self):
        return InquiryForm.clean_name_value(self.cleaned_data["name"])

    def clean_message(self):
        message = self.cleaned_data["message"]
        if MESSAGE_CONTROL_CHARACTERS.search(message):
            raise forms.ValidationError(
                _("Remove the invisible control characters (such as NUL) from this field.")
            )
        return message

    def clean_legal_hold_reason(self):
        reason = refuse_contact_details(" ".join(self.cleaned_data["legal_hold_reason"].split()))
        # The reason goes into the audit trail, which outlives the inquiry.
        if self.instance.name and self.instance.name.casefold() in reason.casefold():
            raise forms.ValidationError(_("Write the reason without the visitor's name."))
        return reason
