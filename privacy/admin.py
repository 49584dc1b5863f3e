"""The register of data subjects' requests, and the page that carries each one out.

The phone number of a request is typed by the privacy officer, checked against the
request's keyed hash, and carried between the steps as a POST field only: never in a URL,
the session, a message, a log line or an admin log entry. The register itself keeps the
hash and the last two digits, so it may outlive the inquiries it concerns.
"""

from csp.decorators import csp_update
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Value, When
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from inquiries.models import Inquiry, InquiryView
from inquiries.phones import phone_display
from privacy.exports import (
    PRINT_CSS,
    XLSX_CONTENT_TYPE,
    export_csv,
    export_json,
    export_xlsx,
    print_css_source,
    subject_export,
)
from privacy.forms import SubjectPhoneForm, SubjectRequestAddForm, SubjectRequestChangeForm
from privacy.models import DestructionRecord, JobRun, SubjectRequest
from privacy.services import inquiries_block, inquiries_destroy, inquiries_unblock
from staff.admin_site import ReadOnlyAdmin, StaffModelAdmin

Kind = SubjectRequest.Kind

FIND = "find"
EXPORT_HTML = "export_html"
EXPORT_JSON = "export_json"
EXPORT_CSV = "export_csv"
EXPORT_XLSX = "export_xlsx"
BLOCK = "block"
UNBLOCK = "unblock"
DELETE = "delete"  # the confirmation step
DELETE_CONFIRMED = "delete_confirmed"

EXPORTS = {EXPORT_HTML, EXPORT_JSON, EXPORT_CSV, EXPORT_XLSX}
ERASURE = {DELETE, DELETE_CONFIRMED}
# What an open request of each kind allows besides the exports (any kind: a copy of what
# is held is part of every answer, and is taken before an erasure).
KIND_ACTIONS = {
    Kind.INFORMATION: set(),
    Kind.CORRECTION: set(),  # done on each inquiry's own page, linked from the list
    Kind.BLOCKING: {BLOCK, UNBLOCK},
    Kind.DELETION: ERASURE,
    Kind.WITHDRAWAL: ERASURE,
}
ACTION_PERMISSIONS = {
    EXPORT_HTML: "inquiries.export_inquiry",
    EXPORT_JSON: "inquiries.export_inquiry",
    EXPORT_CSV: "inquiries.export_inquiry",
    EXPORT_XLSX: "inquiries.export_inquiry",
    BLOCK: "inquiries.block_inquiry",
    UNBLOCK: "inquiries.block_inquiry",
    DELETE: "privacy.change_subjectrequest",
    DELETE_CONFIRMED: "privacy.change_subjectrequest",
}
JOURNAL_FAILED = _(
    "The journal could not be written: a restored backup would undo this. "
    "Tell the site's administrator."
)
ERASURE_BASIS = {
    Kind.DELETION: DestructionRecord.Basis.DELETION,
    Kind.WITHDRAWAL: DestructionRecord.Basis.WITHDRAWAL,
}
# Acting on a request: privacy officers (they keep the register and see blocked inquiries).
ACT_PERMISSIONS = ("privacy.change_subjectrequest", "inquiries.see_blocked_inquiry")


def allowed_actions(subject_request, user):
    """The actions `user` may run on `subject_request` now (lifting a block: at any time)."""
    actions = {UNBLOCK}
    if subject_request.status == SubjectRequest.Status.OPEN:
        actions |= EXPORTS | KIND_ACTIONS[subject_request.kind]
    return {action for action in actions if user.has_perm(ACTION_PERMISSIONS[action])}


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        overdue = SubjectRequest.objects.overdue().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


@admin.register(SubjectRequest)
class SubjectRequestAdmin(StaffModelAdmin):
    """The register: open requests first, the nearest deadline on top; never deleted."""

    add_form = SubjectRequestAddForm
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
    list_filter = ["status", "kind", OverdueFilter]
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
    ]

    # --- columns --------------------------------------------------------------------------

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, subject_request):
        return subject_request.is_overdue()

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
        extra_context = {**(extra_context or {}), "may_act": self.may_act(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- carrying out a request -----------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/act/",
                self.admin_site.admin_view(self.act_view),
                name="{}_{}_act".format(*info),
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def may_act(request):
        return request.user.has_perms(ACT_PERMISSIONS)

    def _does_not_exist_redirect(self, request, object_id):
        # What Django's own views do, but back to the register rather than the admin index.
        message = gettext("There is no request with ID “%(key)s”; it may have been deleted.")
        self.message_user(request, message % {"key": unquote(object_id)}, messages.WARNING)
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(url)

    @method_decorator(sensitive_post_parameters("phone"))
    def act_view(self, request, object_id):
        """Type the number, see its inquiries, run the request's actions (POST only)."""
        if not self.may_act(request):
            raise PermissionDenied
        subject_request = self.get_object(request, unquote(object_id))
        if subject_request is None:
            return self._does_not_exist_redirect(request, object_id)
        if request.method != "POST":
            form = SubjectPhoneForm(subject_request=subject_request)
            return self._render_act(request, subject_request, form=form)
        form = SubjectPhoneForm(request.POST, subject_request=subject_request)
        if not form.is_valid():
            return self._render_act(request, subject_request, form=form)
        phone = form.cleaned_data["phone"]
        action = request.POST.get("action") or FIND
        if action == FIND:
            return self._render_act(request, subject_request, form=form, phone=phone)
        if action not in allowed_actions(subject_request, request.user):
            raise PermissionDenied
        return getattr(self, f"_act_{action}")(request, subject_request, form, phone)

    def _render_act(self, request, subject_request, *, form, phone=None, stage=FIND, **extra):
        inquiries = None
        if phone:
            inquiries = list(Inquiry.objects.of_phone(phone).order_by("created_at"))
        held_count = sum(1 for inquiry in inquiries or [] if inquiry.legal_hold_reason)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": subject_request,
            "title": gettext("Carry out request %(id)s") % {"id": subject_request.pk},
            "form": form,
            "phone": phone,
            "phone_shown": phone_display(phone) if phone else "",
            "inquiries": inquiries,
            "held_count": held_count,
            "due_count": len(inquiries or []) - held_count,
            "blocked_count": sum(1 for i in inquiries or [] if i.blocked_at),
            "actions": allowed_actions(subject_request, request.user),
            "is_open": subject_request.status == SubjectRequest.Status.OPEN,
            "stage": stage,
            "may_correct": request.user.has_perm("inquiries.correct_inquiry"),
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/privacy/subjectrequest/act.html", context)

    def _handled(self, request, subject_request, message):
        """The request was acted on: who handled it, and an admin log line with counts only."""
        SubjectRequest.objects.filter(pk=subject_request.pk).update(handled_by=request.user)
        subject_request.handled_by = request.user
        self.log_change(request, subject_request, message)

    # --- information: a copy of everything held -------------------------------------------

    def _export(self, request, subject_request, phone, label):
        inquiries = Inquiry.objects.of_phone(phone)
        export = subject_export(inquiries=inquiries, subject_request=subject_request, phone=phone)
        count = len(export["inquiries"])
        # The export showed these inquiries to the officer: recorded like opening each one.
        InquiryView.objects.bulk_create(
            InquiryView(inquiry=inquiry, user=request.user, username=request.user.get_username())
            for inquiry in inquiries
        )
        self._handled(
            request,
            subject_request,
            ngettext(
                "Exported as %(format)s: %(count)d inquiry.",
                "Exported as %(format)s: %(count)d inquiries.",
                count,
            )
            % {"format": label, "count": count},
        )
        return export

    @staticmethod
    def _attachment(response, subject_request, extension, disposition="attachment"):
        response["Content-Disposition"] = (
            f'{disposition}; filename="request-{subject_request.pk}-data.{extension}"'
        )
        return response

    # The page's own inline stylesheet, and nothing else, is allowed.
    @method_decorator(csp_update({"style-src": [print_css_source()]}))
    def _act_export_html(self, request, subject_request, form, phone):
        export = self._export(request, subject_request, phone, "HTML")
        response = TemplateResponse(
            request,
            "admin/privacy/subjectrequest/export.html",
            {
                "export": export,
                "subject_request": subject_request,
                "phone_shown": phone_display(phone),
                "print_css": PRINT_CSS,
            },
        )
        return self._attachment(response, subject_request, "html", "inline")

    def _act_export_json(self, request, subject_request, form, phone):
        export = self._export(request, subject_request, phone, "JSON")
        response = HttpResponse(export_json(export), content_type="application/json")
        return self._attachment(response, subject_request, "json")

    def _act_export_csv(self, request, subject_request, form, phone):
        export = self._export(request, subject_request, phone, "CSV")
        response = HttpResponse(export_csv(export), content_type="text/csv; charset=utf-8")
        return self._attachment(response, subject_request, "csv")

    def _act_export_xlsx(self, request, subject_request, form, phone):
        export = self._export(request, subject_request, phone, "XLSX")
        response = HttpResponse(export_xlsx(export), content_type=XLSX_CONTENT_TYPE)
        return self._attachment(response, subject_request, "xlsx")

    # --- blocking -----------------------------------------------------------------------

    def _act_block(self, request, subject_request, form, phone):
        count, journaled = inquiries_block(phone=phone, user=request.user)
        text = ngettext("%(count)d inquiry blocked.", "%(count)d inquiries blocked.", count) % {
            "count": count
        }
        return self._blocking_done(request, subject_request, form, phone, text, journaled)

    def _act_unblock(self, request, subject_request, form, phone):
        count, journaled = inquiries_unblock(phone=phone, user=request.user)
        text = ngettext("%(count)d inquiry unblocked.", "%(count)d inquiries unblocked.", count) % {
            "count": count
        }
        return self._blocking_done(request, subject_request, form, phone, text, journaled)

    def _blocking_done(self, request, subject_request, form, phone, text, journaled):
        self._handled(request, subject_request, text)
        messages.success(request, text)
        if not journaled:
            messages.warning(request, JOURNAL_FAILED)
        return self._render_act(request, subject_request, form=form, phone=phone)

    # --- deletion and withdrawal: the purge's own path, with a destruction record --------

    def _act_delete(self, request, subject_request, form, phone):
        return self._render_act(request, subject_request, form=form, phone=phone, stage=DELETE)

    def _act_delete_confirmed(self, request, subject_request, form, phone):
        now = timezone.now()
        destruction = inquiries_destroy(
            # Received up to now: the same number may write again later, with fresh consent.
            queryset=Inquiry.objects.of_phone(phone).filter(created_at__lte=now),
            basis=ERASURE_BASIS[subject_request.kind],
            actor=request.user.get_username(),
            cutoff=now,
            phone_hash=subject_request.phone_hash,
            request=subject_request,
        )
        text = gettext("Deleted: %(deleted)d; kept under legal hold: %(held)d.") % {
            "deleted": destruction.count,
            "held": destruction.held_back,
        }
        self._handled(request, subject_request, text)
        messages.success(request, text)
        if not destruction.journaled:
            messages.warning(request, JOURNAL_FAILED)
        return self._render_act(
            request,
            subject_request,
            form=form,
            phone=phone,
            stage=DELETE_CONFIRMED,
            destruction=destruction,
            erasure_text=text,
        )


@admin.register(DestructionRecord)
class DestructionRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "destroyed_at",
        "basis",
        "count",
        "held_back",
        "actor",
        "cutoff",
        "request",
    ]
    list_filter = ["basis", "destroyed_at"]
    list_select_related = ["request"]
    date_hierarchy = "destroyed_at"


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_success_at", "last_failure_at"]
