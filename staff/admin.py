"""Accounts and groups in the admin (superusers only); the libraries' records: admin_libraries."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

# The libraries' records (devices, lockouts), registered by that module on import.
from staff import admin_libraries  # noqa: F401
from staff.models import PasswordChangeRequired
from staff.roles import ROLES
from staff.wording import flag, permission_label

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    """Django's user admin, except that a password a superuser sets for someone else is
    theirs to replace at the next login (staff.views.password), and that access is given by
    groups only (no single permissions: a role means the same for everyone in it)."""

    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "staff", "superuser"]

    @admin.display(description=_("staff status"), ordering="is_staff")
    def staff(self, user):
        return flag(user.is_staff)

    @admin.display(description=_("superuser status"), ordering="is_superuser")
    def superuser(self, user):
        return flag(user.is_superuser)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            PasswordChangeRequired.objects.require(obj)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        before = user and user.password
        response = super().user_change_password(request, id, form_url)
        if user is not None and user.pk != request.user.pk:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                PasswordChangeRequired.objects.require(user)
        return response


class StaffGroupAdmin(GroupAdmin):
    """Groups by their translated names; the two roles are the code's (staff.roles, kept after
    every migrate), so they are neither renamed nor deleted here."""

    list_display = ["__str__"]

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = permission_label
        return field

    def get_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLES:
            return ["role", "rights"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLES:
            return ["role", "rights"]
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("name"))
    def role(self, group):
        return str(group)

    @admin.display(description=_("permissions"))
    def rights(self, group):
        labels = sorted(permission_label(p) for p in group.permissions.all())
        return format_html_join("", "<div>{}</div>", ((label,) for label in labels))

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in ROLES:
            return False
        return super().has_delete_permission(request, obj)


for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(User, StaffUserAdmin)
admin.site.register(Group, StaffGroupAdmin)
