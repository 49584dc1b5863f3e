"""The admins of the libraries' records, in the site's words: the second factor's devices
(django-otp) and the login lockouts and records (django-axes). The libraries' own admins
name them, their fields and their records in English only."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuthenticatorApp, BackupCodes, LoginFailure, LoginLock, LoginRecord
from staff.wording import deleted_objects, flag


class DeviceAdmin(admin.ModelAdmin):
    """A staff member's second-factor device: seen and deleted (a reset), never edited; the
    library's own admin shows keys and counters in English."""

    list_display = ["owner", "confirmed_mark", "created", "last_used"]
    fields = readonly_fields = ["owner", "confirmed_mark", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    search_help_text = _("Username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("staff member"), ordering="user__username")
    def owner(self, device):
        return device.user.get_username()

    @admin.display(description=_("confirmed"))
    def confirmed_mark(self, device):
        return flag(device.confirmed)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at or "—"


class AuthenticatorAppAdmin(DeviceAdmin):
    """Deleting the app resets the second factor: the backup codes go with it, and the owner
    connects a new app (and makes new codes) at the next login."""

    def get_deleted_objects(self, objs, request):
        codes = list(StaticDevice.objects.filter(user__in=[obj.user_id for obj in objs]))
        return deleted_objects([*objs, *codes], request, self.admin_site)

    def delete_model(self, request, obj):
        StaticDevice.objects.filter(user=obj.user).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        StaticDevice.objects.filter(user__in=queryset.values("user")).delete()
        super().delete_queryset(request, queryset)


class BackupCodesAdmin(DeviceAdmin):
    list_display = [*DeviceAdmin.list_display, "left"]
    fields = readonly_fields = [*DeviceAdmin.fields, "left"]

    @admin.display(description=_("codes left"))
    def left(self, device):
        return device.token_set.count()


class LoginRecordAdmin(admin.ModelAdmin):
    """Who logged in or failed to, when, from where: read, never edited."""

    list_display = ["when", "username", "address", "browser"]
    fields = readonly_fields = ["when", "username", "address", "browser", "page"]
    search_fields = ["username", "ip_address"]
    search_help_text = _("Username or address")
    date_hierarchy = "attempt_time"
    list_filter = ["attempt_time"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("when"), ordering="attempt_time")
    def when(self, record):
        return record.attempt_time

    @admin.display(description=_("address"), ordering="ip_address")
    def address(self, record):
        return record.ip_address or "—"

    @admin.display(description=_("browser"))
    def browser(self, record):
        return record.user_agent or "—"

    @admin.display(description=_("page"))
    def page(self, record):
        return record.path_info or "—"


class LoginLogAdmin(LoginRecordAdmin):
    list_display = [*LoginRecordAdmin.list_display, "logged_out"]
    fields = readonly_fields = [*LoginRecordAdmin.fields, "logged_out"]

    @admin.display(description=_("logged out"), ordering="logout_time")
    def logged_out(self, record):
        return record.logout_time or "—"


class LoginFailureAdmin(LoginRecordAdmin):
    list_display = [*LoginRecordAdmin.list_display, "locked"]
    fields = readonly_fields = [*LoginRecordAdmin.fields, "locked"]

    @admin.display(description=_("locked out"))
    def locked(self, record):
        return flag(record.locked_out, _("locked out"))


class LoginLockAdmin(LoginRecordAdmin):
    """Wrong passwords in a row for a username from an address; deleting the row lifts the
    lock at once."""

    list_display = ["when", "username", "address", "failures", "state"]
    fields = readonly_fields = ["when", "username", "address", "browser", "failures", "state"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("wrong passwords"), ordering="failures_since_start")
    def failures(self, attempt):
        return attempt.failures_since_start

    @admin.display(description=_("state"))
    def state(self, attempt):
        left = settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        if left <= 0:
            return flag(True, _("locked out"))
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(AuthenticatorApp, AuthenticatorAppAdmin)
admin.site.register(BackupCodes, BackupCodesAdmin)
admin.site.register(LoginLock, LoginLockAdmin)
admin.site.register(LoginRecord, LoginLogAdmin)
admin.site.register(LoginFailure, LoginFailureAdmin)
