from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff accounts")
    default = True

    def ready(self):
        from django.contrib.auth.models import Group

        from staff.roles import group_label, sync_roles

        Group.__str__ = group_label
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="staff.roles.sync_roles")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Installed in place of "django.contrib.admin": same app, our site as `admin.site`."""

    default_site = "staff.admin_site.StaffAdminSite"
    # Not picked up when INSTALLED_APPS names plain "staff".
    default = False


class LoginLockoutsConfig(AxesConfig):
    """django-axes, named for staff ("AXES" otherwise)."""

    verbose_name = _("Login lockouts")
    default = False


class AuthenticatorAppsConfig(TOTPConfig):
    """django-otp's TOTP plugin, named for staff ("OTP_TOTP" otherwise)."""

    verbose_name = _("Authenticator apps")
    default = False


class BackupCodesConfig(StaticConfig):
    """django-otp's static plugin: backup codes ("OTP_STATIC" otherwise)."""

    verbose_name = _("Backup codes")
    default = False
