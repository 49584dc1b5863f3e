from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters

from inquiries import callback
from inquiries.columns import QueueColumns
from inquiries.forms import InquiryAdminForm
from inquiries.models import (
    Inquiry,
    InquiryView,
)
from inquiries.triage import (
    DUE,
    CappedCountPaginator,
    QueueChangeList,
    QueueFilter,
    SameNumberFilter,
    TriageQuerySet,
    queue_choice,
    search_by_name,
    search_by_reference_or_phone,
)
from privacy.audit import (
    audit_change_page,
    audit_list_view,
    audited_change,
    hold_history,
)
from privacy.blocking import blocked_page_notice, blocking_list_filters, without_blocked
from privacy.journal import journal_correction
from privacy.models import AuditEvent
from staff.admin_site import ReadOnlyAdmin, StaffModelAdmin, strict_changelist
from staff.wording import flag


@admin.register(Inquiry)
class InquiryAdmin(QueueColumns, StaffModelAdmin):
    """The operators' triage list and the inquiry page with its consent evidence."""

    list_display = [
        "reference",
        "received",
        "name",
        "phone_link",
        "language",
        "status",
        "call_attempts",
        "note_start",
        "message_start",
        "repeat_callers",
        "taken_by",
    ]
    list_display_links = ["reference", "name"]
    list_filter = [QueueFilter, "status", "created_at", "consent_version", SameNumberFilter]
    list_select_related = ["claimed_by"]
    date_hierarchy = "created_at"
    search_fields = ["name_search"]
    search_help_text = _(
        "Phone in any format (8 701 123 45 67, +7 701..., 701 123) or its last digits "
        "(555 01 99), a name or a reference."
    )
    # The queue to call is oldest first (see get_ordering); everything else newest first.
    ordering = ["-created_at"]
    queue_ordering = ["queued_at", "pk"]
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    # Facet counts would count the whole table once per filter choice.
    show_facets = admin.ShowFacets.NEVER
    actions = ["mark_processed", "mark_not_processed", "lift_legal_hold"]
    form = InquiryAdminForm
    empty_state = _(
        "No inquiries yet. Each inquiry a visitor sends through the site's form appears "
        "here at once."
    )
    readonly_fields = [
        "reference",
        "created_at",
        "name",
        "phone_link",
        "message",
        "processed_at",
        "processed_by",
        "call_attempts",
        "consent_version_link",
        "consent_language",
        "consent_accepted_at",
        "consent_sha256",
        "consent_text_link",
        "legal_hold_at",
        "legal_hold_by",
        "blocked_at",
        "blocked_by",
        "legal_hold_history",
    ]
    evidence_fields = [
        "consent_version_link",
        "consent_language",
        "consent_accepted_at",
        "consent_sha256",
        "consent_text_link",
    ]

    # --- what each role sees and may change -----------------------------------------------

    @staticmethod
    def _may(request, permission):
        return request.user.has_perm(f"inquiries.{permission}_inquiry")

    def get_fieldsets(self, request, obj=None):
        corrects = self._may(request, "correct")
        data = ["reference", "created_at", "name", "phone" if corrects else "phone_link", "message"]
        fieldsets = [
            (_("Inquiry"), {"fields": data}),
            (_("Processing"), {"fields": self._processing_fields(request, obj)}),
            (_("Consent evidence"), {"fields": self.evidence_fields}),
        ]
        if self._may(request, "see_blocked"):
            fieldsets.append(
                (
                    _("Legal hold and blocking"),
                    {
                        "fields": [
                            "legal_hold_reason",
                            "legal_hold_at",
                            "legal_hold_by",
                            "legal_hold_history",
                            "blocked_at",
                            "blocked_by",
                        ]
                    },
                )
            )
        return fieldsets

    def _processing_fields(self, request, obj):
        fields = ["status", "note", "call_attempts", "processed_at", "processed_by"]
        if obj is not None and callback.outcome_open(obj, may_change=True):
            fields.remove("note")  # the call-back panel above the form holds it
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if not self._may(request, "correct"):
            readonly += ["phone"]
        else:
            readonly = [f for f in readonly if f not in ("name", "message")]
        if not self._may(request, "hold"):
            readonly += ["legal_hold_reason"]
        return readonly

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), *blocking_list_filters(request)]

    def has_change_permission(self, request, obj=None):
        # Blocked: read-only for every role, superusers too, until unblocked (Art. 1).
        if obj is not None and obj.blocked_at is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("legal hold history"))
    def legal_hold_history(self, inquiry):
        return hold_history(inquiry)

    def get_list_display(self, request):
        columns = list(self.list_display)
        if queue_choice(request) == DUE:
            columns.remove("status")  # all of them wait: room for the rest
        if self._may(request, "see_blocked"):
            columns += ["is_blocked", "is_held"]
        return columns

    @admin.display(description=_("blocked"))
    def is_blocked(self, inquiry):
        return flag(inquiry.blocked_at is not None, _("blocked"))

    @admin.display(description=_("legal hold"))
    def is_held(self, inquiry):
        return flag(bool(inquiry.legal_hold_reason), _("on hold"))

    # --- consent evidence ---------------------------------------------------------------

    @admin.display(description=_("consent version"))
    def consent_version_link(self, inquiry):
        number = inquiry.consent_version.number
        return format_html('<a href="{}">{}</a>', reverse("consent:version", args=[number]), number)

    @admin.display(description=_("consent accepted at"))
    def consent_accepted_at(self, inquiry):
        return callback.shown_time(inquiry.created_at)

    @admin.display(description=_("exact text accepted"))
    def consent_text_link(self, inquiry):
        url = reverse(
            "consent:text", args=[inquiry.consent_version.number, inquiry.consent_language]
        )
        return format_html('<a href="{0}">{0}</a>', url)

    def get_queryset(self, request):
        # ModelAdmin.get_queryset(), started from TriageQuerySet instead of the manager's.
        queryset = TriageQuerySet(self.model).order_by(*self.get_ordering(request))
        if not self._may(request, "see_blocked"):
            # Blocked at the data subject's request: gone from operators' lists and searches.
            queryset = queryset.not_blocked()
        return queryset

    def visible_inquiries(self, request):
        queryset = Inquiry.objects.all()
        return queryset if self._may(request, "see_blocked") else queryset.not_blocked()

    def get_changelist(self, request, **kwargs):
        return strict_changelist(QueueChangeList)

    def get_ordering(self, request):
        return self.queue_ordering if queue_choice(request) == DUE else self.ordering

    # --- search: phone prefix or end on their indexes, reference exact, else the name -----

    def get_search_results(self, request, queryset, search_term):
        found = search_by_reference_or_phone(queryset, search_term)
        if found is None:
            found = search_by_name(queryset, search_term)
        return found, False

    # --- the call desk: one button per outcome (inquiries.callback) -----------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/callback/",
                self.admin_site.admin_view(partial(callback.callback_outcome, model_admin=self)),
                name="{}_{}_callback".format(*info),
            ),
            path(
                "<path:object_id>/take/",
                self.admin_site.admin_view(partial(callback.callback_take, model_admin=self)),
                name="{}_{}_take".format(*info),
            ),
            *super().get_urls(),
        ]

    # --- permissions: nobody deletes or adds inquiries here --------------------------------

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- processing -------------------------------------------------------------------

    def _mark(self, request, queryset, *, status, kind, change, message):
        rows = without_blocked(request, queryset).exclude(status=status)
        changed = audited_change(request.user, rows, kind, change)
        self.message_user(request, message(changed) % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Mark processed"), permissions=["change"])
    def mark_processed(self, request, queryset):
        self._mark(
            request,
            queryset,
            status=Inquiry.Status.PROCESSED,
            kind=AuditEvent.Kind.PROCESSED,
            change=lambda rows: rows.mark_processed(by=request.user),
            message=lambda n: ngettext(
                "%(count)d inquiry marked processed.", "%(count)d inquiries marked processed.", n
            ),
        )

    @admin.action(description=_("Mark not processed"), permissions=["change"])
    def mark_not_processed(self, request, queryset):
        self._mark(
            request,
            queryset,
            status=Inquiry.Status.NEW,
            kind=AuditEvent.Kind.NOT_PROCESSED,
            change=lambda rows: rows.mark_not_processed(),
            message=lambda n: ngettext(
                "%(count)d inquiry marked not processed.",
                "%(count)d inquiries marked not processed.",
                n,
            ),
        )

    @admin.action(description=_("Lift the legal hold"), permissions=["hold"])
    def lift_legal_hold(self, request, queryset):
        """After a page that lists the holds to be lifted: once lifted, the next purge may
        delete those inquiries for good."""
        held = without_blocked(request, queryset).under_hold()
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/inquiries/inquiry/lift_hold_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Lift the legal hold?"),
                    "opts": self.opts,
                    "held": held.order_by("created_at"),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        # Who set each hold, when and why stays in the audit trail (hold_history).
        changed = audited_change(
            request.user,
            held,
            AuditEvent.Kind.HOLD_LIFTED,
            lambda rows: rows.update(legal_hold_reason="", legal_hold_at=None, legal_hold_by=None),
        )
        self.message_user(
            request,
            ngettext(
                "Legal hold lifted on %(count)d inquiry.",
                "Legal hold lifted on %(count)d inquiries.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    def has_hold_permission(self, request):
        return self._may(request, "hold")

    def save_model(self, request, obj, form, change):
        if "legal_hold_reason" in form.changed_data:
            held = bool(obj.legal_hold_reason)
            obj.legal_hold_at = timezone.now() if held else None
            obj.legal_hold_by = request.user if held else None
        if "status" in form.changed_data:
            if obj.status == Inquiry.Status.PROCESSED:
                obj.processed_at, obj.processed_by = timezone.now(), request.user
            else:
                obj.processed_at, obj.processed_by = None, None
        super().save_model(request, obj, form, change)
        personal = [f for f in ("name", "phone", "message") if f in form.fields]
        corrected = [f for f in personal if change and getattr(obj, f) != form.initial.get(f)]
        if corrected:
            # A restored backup would undo the correction: the journal lists it to redo.
            journal_correction(reference=obj.reference, actor=request.user.get_username())
        if change:
            other = [f for f in form.changed_data if f not in personal]
            audit_change_page(request.user, obj, corrected + other)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        return audit_list_view(request, response)

    # --- who opened what -----------------------------------------------------------------

    @method_decorator(sensitive_post_parameters())
    def change_view(self, request, object_id, form_url="", extra_context=None):
        inquiry = self.get_object(request, unquote(object_id))
        if request.method == "GET" and inquiry is not None:
            may_change = self.has_change_permission(request, inquiry)
            if may_change and callback.inquiry_claim(pk=inquiry.pk, by=request.user):
                inquiry.refresh_from_db()  # opening a waiting inquiry takes it
            extra_context = {
                **(extra_context or {}),
                "callback": callback.callback_context(request, inquiry, may_change=may_change),
            }
        response = blocked_page_notice(
            request, super().change_view(request, object_id, form_url, extra_context)
        )
        if request.method == "GET" and response.status_code == 200:
            InquiryView.objects.create(
                inquiry_id=unquote(object_id),
                user=request.user,
                username=request.user.get_username(),
            )
        return response


@admin.register(InquiryView)
class InquiryViewAdmin(ReadOnlyAdmin):
    """Read-only record of who opened which inquiry; privacy officers see it."""

    list_display = ["viewed_at", "username", "inquiry"]
    list_filter = ["viewed_at"]
    search_fields = ["username", "inquiry__reference"]
    date_hierarchy = "viewed_at"
    list_select_related = ["inquiry"]
    paginator = CappedCountPaginator
    show_full_result_count = False
