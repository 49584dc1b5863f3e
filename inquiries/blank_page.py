"""The blank form page, rendered once per variant and filled in on each visit.

The blank form is most of the site's traffic, and the template engine costs several times
more than the rest of the request. So each worker renders it once per variant (the values of
`blank_page_variant()`), with stand-ins for the three values that differ on every visit (the
CSRF token, the form's token and its signed start time), and fills those in. It is rendered
from `blank_page_context()` alone, never from the visitor's RequestContext: nothing else of a
visit (account, messages, session) can reach a page served to everyone. A test renders each
variant both ways and compares, and fails if the template reads anything else.
"""

import re
import secrets
import uuid

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language

from consent.models import current_version
from inquiries.forms import InquiryForm, form_started
from qarat.analytics import analytics_choice
from qarat.context_processors import site
from qarat.csrf import csrf_token
from qarat.seo import page_links
from texts.context_processors import public_texts as public_texts_context
from texts.models import public_texts

TEMPLATE = "inquiries/form.html"
SLOTS = {name: f"slot-{secrets.token_hex(8)}-{name}" for name in ("csrf", "token", "started")}
_SPLIT = re.compile("(" + "|".join(SLOTS.values()) + ")")
_SLOT_BYTES = {name: slot.encode() for name, slot in SLOTS.items()}
_pages = {}
PAGES_MAX = 64


@receiver(setting_changed)
def _forget_pages(**kwargs):
    # Settings only change in tests (override_settings); the page shows several of them.
    _pages.clear()


def blank_page_variant(request):
    """Everything the blank page depends on besides the three slots; None: render normally."""
    version = current_version()
    if request.GET or version is None:
        return None
    language = get_language()
    return (
        request.get_host(),
        request.scheme,
        request.path,
        language,
        version.pk,
        analytics_choice(request),
        tuple(public_texts(language).values()),
    )


def blank_page_context(request):
    """The page's whole context: what the variant names, and the slots' stand-ins."""
    return {
        **site(request),
        **page_links(request),
        **public_texts_context(request),
        "form": InquiryForm(initial={"token": SLOTS["token"], "started": SLOTS["started"]}),
        "csrf_token": SLOTS["csrf"],
    }


def blank_page(request, variant):
    """The page of this variant, with this visit's CSRF token, form token and start time."""
    parts = _pages.get(variant)
    if parts is None:
        page = render_to_string(TEMPLATE, blank_page_context(request))
        parts = [part.encode() for part in _SPLIT.split(page)]
        if len(_pages) >= PAGES_MAX:
            _pages.clear()
        _pages[variant] = parts
    token = str(uuid.uuid4())
    # The three values are ASCII (the token's letters, base 62 and 64): encoded as they are.
    values = {
        _SLOT_BYTES["csrf"]: csrf_token(request).encode("ascii"),
        _SLOT_BYTES["token"]: token.encode("ascii"),
        _SLOT_BYTES["started"]: form_started(token).encode("ascii"),
    }
    return HttpResponse(b"".join([values.get(part, part) for part in parts]))
