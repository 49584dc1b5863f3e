from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consent.models import ConsentVersion, ConsentVersionIncomplete
from consent.publishing import current_of_kind, publication_preview
from staff.admin_site import StaffModelAdmin
from staff.wording import flag


@admin.register(ConsentVersion)
class ConsentVersionAdmin(StaffModelAdmin):
    """Drafts of either kind are edited here and published with the action; published
    versions are read-only. Numbers count separately for the consent and the policy."""

    list_display = ["__str__", "kind", "number", "published_on", "significant_mark"]
    list_filter = ["kind", "significant", ("published_on", admin.EmptyFieldListFilter)]
    readonly_fields = ["number", "published_on", "sha256_ru", "sha256_kk", "sha256_en"]
    fields = [
        "kind",
        "number",
        "published_on",
        "significant",
        "text_ru",
        "sha256_ru",
        "text_kk",
        "sha256_kk",
        "text_en",
        "sha256_en",
    ]
    actions = ["publish"]

    def get_queryset(self, request):
        # The default manager holds consent texts only; here both kinds are edited.
        queryset = ConsentVersion.all_kinds.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm("consent.publish_consentversion")

    def get_actions(self, request):
        # Bulk delete would reach published versions; drafts are deleted one by one.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("significant change"), ordering="significant")
    def significant_mark(self, version):
        return flag(version.significant)

    def get_changeform_initial_data(self, request):
        """A new draft starts as a copy of the current version of its kind, with "significant
        change" left for the author to decide (most edits are not significant)."""
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind") or ConsentVersion.Kind.CONSENT
        current = current_of_kind(kind)
        initial.setdefault("significant", False)
        if current is not None:
            for code, _name in settings.LANGUAGES:
                initial.setdefault(f"text_{code}", current.text(code))
        return initial

    @admin.action(description=_("Publish the selected drafts"), permissions=["publish"])
    def publish(self, request, queryset):
        """First a page with each draft against the current version; publishing is
        irreversible, so only its "Publish" button (post=yes) does it."""
        drafts = list(queryset.drafts().order_by("created_at"))
        skipped = len(queryset) - len(drafts)
        if not drafts:
            self.message_user(request, _("Only drafts can be published."), messages.WARNING)
            return None
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/consent/consentversion/publish_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Publish: check the changes"),
                    "opts": self.opts,
                    "previews": [publication_preview(draft) for draft in drafts],
                    "skipped": skipped,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        published = []
        for draft in drafts:
            try:
                draft.publish()
            except ConsentVersionIncomplete:
                self.message_user(
                    request,
                    _(
                        "%(draft)s was not published: first complete every placeholder in "
                        "its texts (“[TO BE COMPLETED: …]”, “[ЗАПОЛНИТЬ: …]”, “[ТОЛТЫРЫҢЫЗ: …]”)."
                    )
                    % {"draft": draft},
                    messages.ERROR,
                )
                continue
            published.append(draft)
        self._published_messages(request, published)
        if skipped:
            self.message_user(
                request,
                _("Versions already published were left as they are."),
                messages.WARNING,
            )
        return None

    def _published_messages(self, request, drafts):
        consents = sum(1 for draft in drafts if not draft.is_policy)
        policies = len(drafts) - consents
        if consents:
            self.message_user(
                request,
                ngettext(
                    "Published %(count)d version; the form now asks for it.",
                    "Published %(count)d versions; the form now asks for the latest.",
                    consents,
                )
                % {"count": consents},
                messages.SUCCESS,
            )
        if policies:
            self.message_user(
                request,
                ngettext(
                    "Published %(count)d policy version; the site now shows it.",
                    "Published %(count)d policy versions; the site now shows the latest.",
                    policies,
                )
                % {"count": policies},
                messages.SUCCESS,
            )
