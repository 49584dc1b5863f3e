import math
import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from staff.backup_codes import is_backup_code, normalise

# Far beyond any passphrase; bounds the hashing work an anonymous client can ask for.
PASSWORD_MAX_LENGTH = 1024


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's password step, with the username's length actually checked.

    Django sets the username's max_length after the field is built, so no validator checks
    it; django-axes would then record an overlong name, which PostgreSQL refuses (a 500).
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        for name, limit in (
            ("username", self.fields["username"].max_length),
            ("password", PASSWORD_MAX_LENGTH),
        ):
            field = self.fields[name]
            field.max_length = limit
            field.widget.attrs["maxlength"] = str(limit)
            field.validators.append(MaxLengthValidator(limit))


class TokenForm(forms.Form):
    """The six-digit code of an authenticator app, checked against one device; where the
    staff member has backup codes (`backup`), one of those instead."""

    token = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "size": 7,
            }
        ),
    )

    def __init__(self, *args, device, backup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.backup = backup
        self.used_backup_code = False
        if backup is not None:
            self.fields["token"].label = _("Code from the app, or a backup code")

    def clean_token(self):
        # Apps show the code as "123 456"; people type it that way.
        token = "".join(self.cleaned_data["token"].split())
        if re.fullmatch(r"[0-9]{6}", token):
            return token
        if self.backup is not None and is_backup_code(normalise(token)):
            # Spent here, not the app's: the device below becomes the backup codes.
            self.device, self.used_backup_code = self.backup, True
            return normalise(token)
        if self.backup is not None:
            raise forms.ValidationError(
                _("Enter the six digits the app shows, or one of your backup codes."),
                code="invalid",
            )
        raise forms.ValidationError(_("Enter the six digits the app shows."), code="invalid")

    def clean(self):
        cleaned_data = super().clean()
        token = cleaned_data.get("token")
        if token is None:
            return cleaned_data
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(self._throttled_message(details), code="throttled")
        # Locks the row, so two requests cannot both spend one code or slip past the
        # throttle; a failure is counted on the device (and committed) before we answer.
        with transaction.atomic():
            device = type(self.device).objects.select_for_update().get(pk=self.device.pk)
            verified = device.verify_token(token)
        if not verified and self.used_backup_code:
            raise forms.ValidationError(
                _("That backup code is not right, or was used already: each works once."),
                code="wrong",
            )
        if not verified:
            raise forms.ValidationError(
                _(
                    "That code is not right. Enter the code the app shows now; if it is "
                    "refused again, check that the phone's clock is set automatically."
                ),
                code="wrong",
            )
        self.device = device
        return cleaned_data

    @staticmethod
    def _throttled_message(details):
        locked_until = (details or {}).get("locked_until")
        seconds = 1
        if locked_until is not None:
            seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        return ngettext(
            "Too many wrong codes. Wait %(seconds)d second and enter the current code.",
            "Too many wrong codes. Wait %(seconds)d seconds and enter the current code.",
            seconds,
        ) % {"seconds": seconds}


class NewPasswordForm(SetPasswordForm):
    """A password of one's own in place of the one an administrator set: the site's
    validators, and not the same one again."""

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password2")
        if password and not self.errors and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError(
                    _("Choose a password different from the one you were given."), code="same"
                ),
            )
        return cleaned_data
