"""The register of data subjects' requests (carried out by privacy.carry_out), the incident
register, the working calendar, the audit trail, the destruction records and the job runs.
The registers keep no personal data (the number: its keyed hash and last two digits only),
so they may outlive the inquiries they concern."""

from functools import partial

from django.contrib import admin
from django.db.models import Case, F, Value, When
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from inquiries.triage import CappedCountPaginator
from privacy.carry_out import carry_out, may_act
from privacy.forms import (
    CalendarDayForm,
    IncidentForm,
    SubjectRequestAddForm,
    SubjectRequestChangeForm,
)
from privacy.models import AuditEvent, DestructionRecord, Incident, JobRun, SubjectRequest
from privacy.workdays import CalendarDay
from staff.admin_site import ReadOnlyAdmin, StaffModelAdmin
from staff.wording import flag


class DeadlineFilter(admin.SimpleListFilter):
    """Open requests past their due date, or due today (the dashboard's tile links here)."""

    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("today", _("Due today")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        overdue = SubjectRequest.objects.overdue(today=today).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "today":
            return queryset.filter(status=SubjectRequest.Status.OPEN, due_on=today)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


@admin.register(SubjectRequest)
class SubjectRequestAdmin(StaffModelAdmin):
    """The register: open requests first, the nearest deadline on top; never deleted."""

    add_form = SubjectRequestAddForm
    empty_state = _(
        "No requests registered. When someone asks to see, correct, block or delete their "
        "data, or withdraws consent, register it here with “Add”: the deadline is counted "
        "for you."
    )
    form = SubjectRequestChangeForm
    list_display = [
        "id",
        "kind",
        "received_at",
        "due_on",
        "status",
        "overdue",
        "phone_end",
        "handled_by",
    ]
    list_display_links = ["id", "kind"]
    list_filter = ["status", "kind", DeadlineFilter]
    list_select_related = ["handled_by"]
    ordering = [
        Case(When(status=SubjectRequest.Status.OPEN, then=Value(0)), default=Value(1)),
        Case(When(status=SubjectRequest.Status.OPEN, then=F("due_on"))),
        "-received_at",
    ]
    show_facets = admin.ShowFacets.NEVER
    change_readonly_fields = [
        "kind",
        "received_at",
        "due_on",
        "overdue",
        "phone_end",
        "created_by",
        "handled_by",
        "closed_at",
        "identity_method",
        "identity_note",
        "identity_confirmed_by",
        "identity_confirmed_at",
    ]

    # --- columns --------------------------------------------------------------------------

    @admin.display(description=_("overdue"))
    def overdue(self, subject_request):
        return flag(subject_request.is_overdue(), _("overdue"))

    @admin.display(description=_("phone"))
    def phone_end(self, subject_request):
        return f"…{subject_request.phone_last_digits}"

    # --- the add page (with the number) and the change page (the outcome) -----------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["kind", "received_at", "phone"]})]
        return [
            (
                _("Request"),
                {
                    "fields": [
                        "kind",
                        "received_at",
                        "due_on",
                        "overdue",
                        "phone_end",
                        "created_by",
                    ]
                },
            ),
            (
                _("Identity"),
                {
                    "fields": [
                        "identity_method",
                        "identity_note",
                        "identity_confirmed_by",
                        "identity_confirmed_at",
                    ]
                },
            ),
            (_("Outcome"), {"fields": ["status", "closing_note", "handled_by", "closed_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.change_readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif "status" in form.changed_data:
            if obj.status == SubjectRequest.Status.OPEN:
                obj.closed_at = None
            else:
                obj.closed_at = timezone.now()
                obj.handled_by = request.user
        super().save_model(request, obj, form, change)

    @method_decorator(sensitive_post_parameters("phone"))
    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_act": may_act(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = partial(carry_out, model_admin=self)
        return [
            path(
                "<path:object_id>/act/",
                self.admin_site.admin_view(view),
                name="{}_{}_act".format(*info),
            ),
            *super().get_urls(),
        ]


@admin.register(DestructionRecord)
class DestructionRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "destroyed_at",
        "basis",
        "count",
        "held_back",
        "blocked_kept",
        "actor",
        "cutoff",
        "request",
    ]
    list_filter = ["basis", "destroyed_at"]
    list_select_related = ["request"]
    date_hierarchy = "destroyed_at"


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "last_success_at", "last_failure_at"]
    fields = readonly_fields = ["job", "last_success_at", "last_failure_at"]

    @admin.display(description=_("job"), ordering="name")
    def job(self, run):
        return str(run)


class IncidentOverdueFilter(admin.SimpleListFilter):
    title = _("notification overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        overdue = Incident.objects.overdue().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


@admin.register(Incident)
class IncidentAdmin(StaffModelAdmin):
    """The incident register: open ones first; never deleted by hand (the daily job does)."""

    form = IncidentForm
    list_display = [
        "id",
        "found_at",
        "notify_by",
        "overdue",
        "subjects_count",
        "notify_authority",
        "authority_notified_at",
        "notify_subjects",
        "subjects_notified_at",
        "status",
    ]
    list_filter = ["status", IncidentOverdueFilter]
    ordering = [
        Case(When(status=Incident.Status.OPEN, then=Value(0)), default=Value(1)),
        "-found_at",
    ]
    readonly_fields = ["notify_by", "overdue", "recorded_by", "closed_at"]
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("notification overdue"), boolean=True)
    def overdue(self, incident):
        return incident.pk is not None and incident.is_overdue()

    def get_fields(self, request, obj=None):
        fields = list(IncidentForm.Meta.fields)
        return fields if obj is None else [*fields, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        if obj.status == Incident.Status.CLOSED and obj.closed_at is None:
            obj.closed_at = timezone.now()
        elif obj.status == Incident.Status.OPEN:
            obj.closed_at = None
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(StaffModelAdmin):
    """Decrees moving days off: each entry wins over the holidays library in every due date."""

    form = CalendarDayForm
    list_display = ["date", "kind", "decree_number", "decree_date", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    show_facets = admin.ShowFacets.NEVER


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """What staff did with inquiries: read-only; search by a reference or a username."""

    list_display = ["at", "actor", "kind", "count", "searched", "filtered", "detail_text"]
    fields = ["at", "actor", "kind", "count", "searched", "filtered", "detail_text", "references"]
    readonly_fields = fields

    @admin.display(description=_("detail"))
    def detail_text(self, event):
        return event.detail_shown()

    list_filter = ["kind", "at"]
    search_fields = ["actor", "references"]
    paginator = CappedCountPaginator
    show_full_result_count = False
