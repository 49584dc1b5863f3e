import datetime
import functools
import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponseBadRequest
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from staff.forms import StaffAuthenticationForm
from staff.otp import is_verified, password_change_pending, redirect_to_next_step
from staff.wording import WordedAdminMixin

logger = logging.getLogger(__name__)


class StrictChangeListMixin:
    """A list filtered only by what it offers: its filters and its date drill-down.

    Django's admin lets any lookup on the model's own fields through the query string, so
    a staff member could filter by a field the role is not shown (and read it by
    bisection), or send a regex or a date the database rejects with a 500. Here whatever
    the filters and the drill-down did not consume, and any bad value, is an
    IncorrectLookupParameters: the admin answers with the list's "?e=1" page.
    """

    def get_filters(self, request):
        drill_down = self._check_date_hierarchy(self.get_filters_params())
        filters = super().get_filters(request)
        remaining = filters[2]
        if drill_down:
            # The drill-down turns year, month and day into these two bounds.
            remaining = {key: value for key, value in remaining.items() if key not in drill_down}
        if remaining:
            raise IncorrectLookupParameters(f"Not a filter of this list: {', '.join(remaining)}")
        return filters

    def _check_date_hierarchy(self, params):
        """The bounds the drill-down will add, once its year, month and day make a date."""
        if not self.date_hierarchy or f"{self.date_hierarchy}__year" not in params:
            return set()
        parts = [
            params.get(f"{self.date_hierarchy}__{part}", ["1"])[-1]
            for part in ("year", "month", "day")
        ]
        try:
            year, month, day = (int(part) for part in parts)
            datetime.date(year, month, day)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        # The bounds reach a day (or a year) past the date, and UTC a day before it.
        if not datetime.MINYEAR < year < datetime.MAXYEAR:
            raise IncorrectLookupParameters(f"Year out of range: {year}")
        return {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}


@functools.cache
def strict_changelist(changelist_class):
    if issubclass(changelist_class, StrictChangeListMixin):
        return changelist_class
    return type(changelist_class.__name__, (StrictChangeListMixin, changelist_class), {})


class StrictListsMixin(WordedAdminMixin):
    """Mixed into every admin of the site (`StaffAdminSite.register`): see StrictChangeListMixin,
    and the Russian and Kazakh wording of staff.wording."""

    def get_changelist(self, request, **kwargs):
        return strict_changelist(super().get_changelist(request, **kwargs))

    def action_checkbox(self, obj):
        """Django's row checkbox, the same HTML (a test compares), without rendering the
        widget's three templates on each row: a fifth of a 50-row list's time."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class StaffModelAdmin(StrictListsMixin, admin.ModelAdmin):
    """The base of the project's admins."""


class StaffAdminSite(admin.AdminSite):
    """`admin.site` of the project: staff only, with their own password (not one an
    administrator set), and with ADMIN_REQUIRE_2FA only after the code.

    Apps register on it with @admin.register as usual. The password step is the admin's
    own login page; the code step lives in `staff.views`.
    """

    site_header = _("QARAT Service — back office")
    site_title = _("QARAT Service — back office")
    # One or two models per role: the list gets the whole width.
    enable_nav_sidebar = False
    login_form = StaffAuthenticationForm

    def has_permission(self, request):
        if not super().has_permission(request) or password_change_pending(request):
            return False
        return not settings.ADMIN_REQUIRE_2FA or is_verified(request.user)

    def admin_view(self, view, cacheable=False):
        """Every admin page; a number no database integer holds is a bad request.

        A form or list given such a number as an id (a choice, a filter) makes SQLite raise
        OverflowError where PostgreSQL finds nothing: it is the staff member's input that
        is wrong, not the server.
        """
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except OverflowError:
                logger.warning("Admin request refused: a number out of range.")
                return HttpResponseBadRequest(_("A number in the request is out of range."))

        return guarded

    def register(self, model_or_iterable, admin_class=None, **options):
        # Other apps' admins (accounts, lockouts, devices) get the strict lists and wording too.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StrictListsMixin):
            admin_class = type(admin_class.__name__, (StrictListsMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and (
            step := redirect_to_next_step(request, request.GET.get("next", ""))
        ):
            return step
        context = {"second_factor_required": settings.ADMIN_REQUIRE_2FA, **(extra_context or {})}
        response = super().login(request, context)
        # Password accepted: a password of their own and the code are next, then the page asked for.
        if response.status_code == 302 and (step := redirect_to_next_step(request, response.url)):
            return step
        return response


class ReadOnlyAdmin(StaffModelAdmin):
    """Records written by the system: staff with the permission read them, nobody edits."""

    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
