"""The triage list's columns: how long each inquiry waits, its language, calls, note, the
number's other inquiries and who is calling it; cells stay short on a desktop and make
labelled lines of a card on a phone."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from inquiries import callback
from inquiries.phones import phone_link

# An empty cell the admin leaves empty (not "-"): a phone's card skips its line.
NOTHING = mark_safe('<span class="nothing"></span>')  # noqa: S308 - a constant


class QueueColumns:
    """Mixed into InquiryAdmin: the methods its `list_display` names."""

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, inquiry):
        return format_html(
            '<span class="waited">{}</span> <time datetime="{}">{}</time>',
            timesince(inquiry.created_at, depth=1),
            timezone.localtime(inquiry.created_at).isoformat(timespec="minutes"),
            callback.shown_time(inquiry.created_at),
        )

    @admin.display(description=_("phone"), ordering="phone")
    def phone_link(self, inquiry):
        return phone_link(inquiry.phone)

    @admin.display(description=_("language"), ordering="consent_language")
    def language(self, inquiry):
        return format_html(
            '<abbr title="{}">{}</abbr>',
            inquiry.get_consent_language_display(),
            inquiry.consent_language.upper(),
        )

    @admin.display(description=_("note"))
    def note_start(self, inquiry):
        return Truncator(Truncator(inquiry.note).words(6, truncate=" …")).chars(50) or NOTHING

    @admin.display(description=_("message"))
    def message_start(self, inquiry):
        return Truncator(Truncator(inquiry.message).words(8, truncate=" …")).chars(80) or NOTHING

    @admin.display(description=_("same number"))
    def repeat_callers(self, inquiry):
        if not inquiry.repeat_count:
            return NOTHING
        return format_html(
            '<a class="repeat-callers" href="?same_number_as={}">+{}</a>',
            inquiry.pk,
            inquiry.repeat_count,
        )

    @admin.display(description=_("taken by"))
    def taken_by(self, inquiry):
        claim = callback.claim_state(inquiry)
        if claim is None:
            return NOTHING
        return format_html(
            '<span class="taken">{}</span>',
            _("%(name)s is calling — taken %(since)s ago") % claim,
        )
