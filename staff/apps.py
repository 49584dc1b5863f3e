from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff accounts")
    default = True

    def ready(self):
        from staff.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="staff.roles.sync_roles")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Installed in place of "django.contrib.admin": same app, our site as `admin.site`."""

    default_site = "staff.admin_site.StaffAdminSite"
    # Not picked up when INSTALLED_APPS names plain "staff".
    default = False
