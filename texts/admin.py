from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from staff.admin_site import StaffModelAdmin
from texts.models import PublicText

MARKDOWN_HELP = _(
    "Markdown: an empty line starts a new paragraph, a line break is kept, **bold**, "
    "*italic*, [link text](https://example.kz), mailto: and tel: links. "
    "HTML and other links are removed."
)
HEADING_HELP = _("Plain text on one line: formatting is removed.")


@admin.register(PublicText)
class PublicTextAdmin(StaffModelAdmin):
    """The four texts are fixed: staff change them, never add or delete one."""

    list_display = ["__str__", "updated_at"]
    readonly_fields = ["key", "updated_at", "preview"]
    show_facets = admin.ShowFacets.NEVER

    def get_fieldsets(self, request, obj=None):
        help_text = (
            HEADING_HELP if obj and obj.key == PublicText.Key.HOME_HEADING else MARKDOWN_HELP
        )
        return [
            (None, {"fields": ["key", "updated_at"]}),
            (_("Texts"), {"fields": ["text_ru", "text_kk", "text_en"], "description": help_text}),
            (_("As shown on the site (after saving)"), {"fields": ["preview"]}),
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html_join(
            "",
            '<div class="public-text-preview" lang="{}"><strong>{}</strong>{}</div>',
            ((code, name, obj.render(code)) for code, name in settings.LANGUAGES),
        )
