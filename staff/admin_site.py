from django.conf import settings
from django.contrib import admin
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from staff.forms import StaffAuthenticationForm
from staff.otp import is_verified, redirect_to_second_factor, second_factor_pending


class StaffAdminSite(admin.AdminSite):
    """`admin.site` of the project: staff only, and with ADMIN_REQUIRE_2FA only after the code.

    Apps register on it with @admin.register as usual. The password step is the admin's
    own login page; the code step lives in `staff.views`.
    """

    site_header = _("QARAT Service — back office")
    site_title = _("QARAT Service — back office")
    # One or two models per role: the list gets the whole width.
    enable_nav_sidebar = False
    login_form = StaffAuthenticationForm

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_REQUIRE_2FA or is_verified(request.user)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and second_factor_pending(request):
            return redirect_to_second_factor(request.GET.get("next", ""))
        context = {"second_factor_required": settings.ADMIN_REQUIRE_2FA, **(extra_context or {})}
        response = super().login(request, context)
        # Password accepted: the code is next, then the page the user asked for.
        if response.status_code == 302 and second_factor_pending(request):
            return redirect_to_second_factor(response.url)
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system: staff with the permission read them, nobody edits."""

    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
