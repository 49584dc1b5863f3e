"""Carrying out a data subject's request: type the number, see its inquiries, act on them.

The number is checked against the request's keyed hash and carried between the steps as a
POST field only: never in a URL, the session, a message, a log line or an admin log entry.
"""

from dataclasses import dataclass

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from inquiries.models import Inquiry, InquiryView
from inquiries.phones import phone_display
from privacy.audit import audit_record
from privacy.blocking import blocked_kept_text
from privacy.exports import (
    PRINT_CSS,
    XLSX_CONTENT_TYPE,
    export_csv,
    export_json,
    export_xlsx,
    print_css_source,
    subject_export,
)
from privacy.forms import IdentityForm, SubjectPhoneForm
from privacy.identity import IDENTITY_REQUIRED, identity_confirm
from privacy.models import AuditEvent, DestructionRecord, SubjectRequest
from privacy.services import inquiries_block, inquiries_destroy, inquiries_unblock

Kind = SubjectRequest.Kind

FIND = "find"
CONFIRM_IDENTITY = "confirm_identity"
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


def may_act(user):
    return user.has_perms(ACT_PERMISSIONS)


def allowed_actions(subject_request, user):
    """The actions `user` may run on `subject_request` now (lifting a block: at any time)."""
    actions = {UNBLOCK}
    if subject_request.status == SubjectRequest.Status.OPEN:
        actions |= EXPORTS | KIND_ACTIONS[subject_request.kind]
    return {action for action in actions if user.has_perm(ACTION_PERMISSIONS[action])}


@dataclass
class Step:
    """One POST of the carry-out page: the request, the checked number and the register."""

    request: HttpRequest
    model_admin: ModelAdmin
    subject_request: SubjectRequest
    form: Form
    phone: str | None = None
    identity_form: Form | None = None

    def render(self, stage=FIND, **extra):
        inquiries = None
        if self.phone:
            inquiries = list(Inquiry.objects.of_phone(self.phone).order_by("created_at"))
        blocked_count = sum(1 for inquiry in inquiries or [] if inquiry.blocked_at)
        # As the erasure counts them: a blocked inquiry is kept as blocked, hold or not.
        held_count = sum(1 for i in inquiries or [] if i.legal_hold_reason and not i.blocked_at)
        user = self.request.user
        identity_form = self.identity_form or IdentityForm(instance=self.subject_request)
        context = {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": self.model_admin.opts,
            "original": self.subject_request,
            "title": gettext("Carry out request %(id)s") % {"id": self.subject_request.pk},
            "form": self.form,
            "phone": self.phone,
            "phone_shown": phone_display(self.phone) if self.phone else "",
            "inquiries": inquiries,
            "held_count": held_count,
            "due_count": len(inquiries or []) - held_count - blocked_count,
            "blocked_count": blocked_count,
            "identity_form": identity_form,
            "actions": allowed_actions(self.subject_request, user),
            "is_open": self.subject_request.status == SubjectRequest.Status.OPEN,
            "stage": stage,
            "may_correct": user.has_perm("inquiries.correct_inquiry"),
            **extra,
        }
        self.request.current_app = self.model_admin.admin_site.name
        return TemplateResponse(self.request, "admin/privacy/subjectrequest/act.html", context)

    def handled(self, message):
        """The request was acted on: who handled it, and an admin log line with counts only."""
        user = self.request.user
        SubjectRequest.objects.filter(pk=self.subject_request.pk).update(handled_by=user)
        self.subject_request.handled_by = user
        self.model_admin.log_change(self.request, self.subject_request, message)

    def done(self, text, journaled, **render):
        self.handled(text)
        messages.success(self.request, text)
        if not journaled:
            messages.warning(self.request, JOURNAL_FAILED)
        return self.render(**render)

    def audit(self, kind, *, references, count=None, detail=""):
        """One event in the audit trail, naming the request it was done for."""
        request_name = gettext("request %(id)s") % {"id": self.subject_request.pk}
        detail = f"{detail}, {request_name}" if detail else request_name
        audit_record(self.request.user, kind, references=references, count=count, detail=detail)

    def references(self, queryset=None):
        queryset = Inquiry.objects.of_phone(self.phone) if queryset is None else queryset
        return list(queryset.order_by("created_at").values_list("reference", flat=True))

    def attachment(self, response, extension, disposition="attachment"):
        name = f"request-{self.subject_request.pk}-data.{extension}"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        return response


# --- information: a copy of everything held -------------------------------------------


def export(step, label):
    inquiries = Inquiry.objects.of_phone(step.phone)
    data = subject_export(
        inquiries=inquiries, subject_request=step.subject_request, phone=step.phone
    )
    user = step.request.user
    # The export showed these inquiries to the officer: recorded like opening each one.
    InquiryView.objects.bulk_create(
        InquiryView(inquiry=inquiry, user=user, username=user.get_username())
        for inquiry in inquiries
    )
    count = len(data["inquiries"])
    step.audit(
        AuditEvent.Kind.EXPORT,
        references=[inquiry.reference for inquiry in inquiries],
        detail=label,
    )
    step.handled(
        ngettext(
            "Exported as %(format)s: %(count)d inquiry.",
            "Exported as %(format)s: %(count)d inquiries.",
            count,
        )
        % {"format": label, "count": count}
    )
    return data


# The page's own inline stylesheet, and nothing else, is allowed.
@csp_update({"style-src": [print_css_source()]})
def export_html(step):
    data = export(step, "HTML")
    context = {
        "export": data,
        "subject_request": step.subject_request,
        "phone_shown": phone_display(step.phone),
        "print_css": PRINT_CSS,
    }
    response = TemplateResponse(step.request, "admin/privacy/subjectrequest/export.html", context)
    # In the person's language, not the officer's (privacy.exports).
    with translation.override(data["language"]):
        response.render()
    return step.attachment(response, "html", "inline")


def export_file(label, extension, content_type, serialise):
    def view(step):
        response = HttpResponse(serialise(export(step, label)), content_type=content_type)
        return step.attachment(response, extension)

    return view


# --- blocking -----------------------------------------------------------------------


def block(step):
    references = step.references(Inquiry.objects.of_phone(step.phone).not_blocked())
    count, journaled = inquiries_block(phone=step.phone, user=step.request.user)
    step.audit(AuditEvent.Kind.BLOCK, references=references, count=count)
    text = ngettext("%(count)d inquiry blocked.", "%(count)d inquiries blocked.", count)
    return step.done(text % {"count": count}, journaled)


def unblock(step):
    references = step.references(Inquiry.objects.of_phone(step.phone).blocked())
    count, journaled = inquiries_unblock(phone=step.phone, user=step.request.user)
    step.audit(AuditEvent.Kind.UNBLOCK, references=references, count=count)
    text = ngettext("%(count)d inquiry unblocked.", "%(count)d inquiries unblocked.", count)
    return step.done(text % {"count": count}, journaled)


# --- deletion and withdrawal: the purge's own path, with a destruction record --------


def lookup(step, stage=FIND):
    """The inquiries of the number listed (references, dates, states): recorded as seen."""
    step.audit(AuditEvent.Kind.LOOKUP, references=step.references())
    return step.render(stage=stage)


def delete(step):
    return lookup(step, stage=DELETE)


def delete_confirmed(step):
    now = timezone.now()
    destruction = inquiries_destroy(
        # Received up to now: the same number may write again later, with fresh consent.
        queryset=Inquiry.objects.of_phone(step.phone).filter(created_at__lte=now),
        basis=ERASURE_BASIS[step.subject_request.kind],
        actor=step.request.user.get_username(),
        cutoff=now,
        phone_hash=step.subject_request.phone_hash,
        request=step.subject_request,
    )
    text = gettext("Deleted: %(deleted)d; kept under legal hold: %(held)d.") % {
        "deleted": destruction.count,
        "held": destruction.held_back,
    }
    record = destruction.record.pk if destruction.record else "—"
    detail = gettext("destruction record %(id)s") % {"id": record}
    step.audit(AuditEvent.Kind.ERASURE, references=[], count=destruction.count, detail=detail)
    if destruction.blocked_kept:
        messages.warning(step.request, blocked_kept_text(destruction.blocked_kept))
    return step.done(
        text,
        destruction.journaled,
        stage=DELETE_CONFIRMED,
        destruction=destruction,
        erasure_text=text,
    )


ACTIONS = {
    EXPORT_HTML: export_html,
    EXPORT_JSON: export_file("JSON", "json", "application/json", export_json),
    EXPORT_CSV: export_file("CSV", "csv", "text/csv; charset=utf-8", export_csv),
    EXPORT_XLSX: export_file("XLSX", "xlsx", XLSX_CONTENT_TYPE, export_xlsx),
    BLOCK: block,
    UNBLOCK: unblock,
    DELETE: delete,
    DELETE_CONFIRMED: delete_confirmed,
}


def missing_request(request, model_admin, object_id):
    """What Django's own views do, but back to the register rather than the admin index."""
    message = gettext("There is no request with ID “%(key)s”; it may have been deleted.")
    model_admin.message_user(request, message % {"key": unquote(object_id)}, messages.WARNING)
    opts = model_admin.opts
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_changelist",
        current_app=model_admin.admin_site.name,
    )
    return HttpResponseRedirect(url)


@sensitive_post_parameters("phone")
def carry_out(request, object_id, *, model_admin):
    """The carry-out page: GET asks for the number; each POST checks it, then one action."""
    if not may_act(request.user):
        raise PermissionDenied
    subject_request = model_admin.get_object(request, unquote(object_id))
    if subject_request is None:
        return missing_request(request, model_admin, object_id)
    if request.method != "POST":
        form = SubjectPhoneForm(subject_request=subject_request)
        return Step(request, model_admin, subject_request, form).render()
    action = request.POST.get("action") or FIND
    form = SubjectPhoneForm(request.POST, subject_request=subject_request)
    step = Step(request, model_admin, subject_request, form)
    if action == CONFIRM_IDENTITY:
        if subject_request.status != SubjectRequest.Status.OPEN:
            raise PermissionDenied
        step.identity_form = identity_confirm(request, model_admin, subject_request)
        if not request.POST.get("phone"):
            step.form = SubjectPhoneForm(subject_request=subject_request)
        elif form.is_valid():
            step.phone = form.cleaned_data["phone"]
        return step.render()
    if not form.is_valid():
        return step.render()
    step.phone = form.cleaned_data["phone"]
    if action == FIND:
        return lookup(step)
    if action not in allowed_actions(subject_request, request.user):
        raise PermissionDenied
    if not subject_request.identity_confirmed:
        messages.error(request, IDENTITY_REQUIRED)
        return step.render()  # with the form to record it
    return ACTIONS[action](step)
