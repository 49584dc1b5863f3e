from django.contrib import admin

from inquiries.models import Inquiry


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    """Minimal until the back-office issue: reference, status and consent evidence."""

    list_display = ["reference", "created_at", "status", "consent_version"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "name",
        "phone",
        "message",
        "created_at",
        "consent_version",
        "consent_language",
        "consent_sha256",
        "processed_at",
        "processed_by",
    ]
    fields = readonly_fields[:5] + ["status"] + readonly_fields[5:]

    def has_add_permission(self, request):
        return False
