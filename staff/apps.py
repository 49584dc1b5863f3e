from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff accounts")
    default = True


class StaffAdminConfig(admin_apps.AdminConfig):
    """Installed in place of "django.contrib.admin": same app, our site as `admin.site`."""

    default_site = "staff.admin_site.StaffAdminSite"
    # Not picked up when INSTALLED_APPS names plain "staff".
    default = False
