from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class PasswordChangeRequiredManager(models.Manager):
    def require(self, user):
        """The password of `user` was set by someone else: they choose their own next."""
        self.get_or_create(user=user)

    def is_required(self, user):
        return self.filter(user=user).exists()


class PasswordChangeRequired(models.Model):
    """A staff account whose password an administrator set (a new account, a reset).

    Whoever else knows that password could log in first and connect their own app; the
    owner replaces it at the next login, before any other page (staff.views.password).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PasswordChangeRequiredManager()

    class Meta:
        verbose_name = _("password change required")
        verbose_name_plural = _("password changes required")

    def __str__(self):
        return _("password change required #%(pk)s") % {"pk": self.user_id}


class AuthenticatorApp(TOTPDevice):
    """django-otp's TOTP device under the name staff know it by, for the admin: the library
    names it in English only ("TOTP device")."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self):
        return _("app of %(username)s") % {"username": self.user.get_username()}


class BackupCodes(StaticDevice):
    """django-otp's static device: a staff member's one-time backup codes (staff.backup_codes)."""

    class Meta:
        proxy = True
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def __str__(self):
        return _("codes of %(username)s") % {"username": self.user.get_username()}


def login_label(record):
    """ "aigerim с адреса 198.51.100.7": django-axes' own str is English."""
    return _("%(username)s from %(address)s") % {
        "username": record.username or "—",
        "address": record.ip_address or "—",
    }


class LoginLock(AccessAttempt):
    """django-axes' record of wrong passwords in a row for one username from one address;
    deleting it lifts the lock. The library's admin names it in English."""

    class Meta:
        proxy = True
        verbose_name = _("wrong password series")
        verbose_name_plural = _("wrong password series")

    def __str__(self):
        return login_label(self)


class LoginRecord(AccessLog):
    """django-axes' record of a staff login (kept STAFF_LOGIN_RECORDS_DAYS)."""

    class Meta:
        proxy = True
        verbose_name = _("staff login")
        verbose_name_plural = _("staff logins")

    def __str__(self):
        return login_label(self)


class LoginFailure(AccessFailureLog):
    """django-axes' record of one wrong password (kept STAFF_LOGIN_RECORDS_DAYS)."""

    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self):
        return login_label(self)
