from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from staff.models import PasswordChangeRequired

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    """Django's user admin, except that a password a superuser sets for someone else is
    theirs to replace at the next login (staff.views.password)."""

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


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
