"""Web analytics (consent, clauses 7-8): Yandex Metrica, off unless configured, and only
after the visitor says yes; the answer is kept in a first-party cookie.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

ANALYTICS_COOKIE_DAYS = 365
ANALYTICS_TEMPLATE = "analytics/settings.html"
ANALYTICS_GRANTED = "granted"
ANALYTICS_DENIED = "denied"


def analytics_cookie_name():
    # "__Host-", like the session and CSRF cookies: no subdomain can plant a "granted".
    return "__Host-analytics_consent" if settings.HTTPS else "analytics_consent"


def analytics_choice(request):
    """The visitor's analytics choice from their cookie: "granted", "denied" or None."""
    value = request.COOKIES.get(analytics_cookie_name())
    return value if value in (ANALYTICS_GRANTED, ANALYTICS_DENIED) else None


def analytics(request):
    """What the pages need for Yandex Metrica: nothing at all unless a counter is configured."""
    counter = settings.YANDEX_METRIKA_ID
    choice = analytics_choice(request)
    return {
        "counter": counter,
        "webvisor": settings.YANDEX_METRIKA_WEBVISOR,
        "choice": choice,
        # Asked once, until the visitor answers; the tag only after an explicit "yes".
        "ask": bool(counter) and choice is None,
        "tag": bool(counter) and choice == ANALYTICS_GRANTED,
        # Where the banner's answer returns to: this page.
        "next": request.get_full_path(),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def analytics_page(request):
    """The visitor's analytics choice: shown on GET, kept in a first-party cookie on POST.

    Works without JavaScript: the banner on every page and this page post the same form.
    """
    # The page's own buttons come back here, to show the choice just made.
    context = {"next": reverse("analytics-choice"), "analytics_page": True}
    if request.method != "POST":
        return render(request, ANALYTICS_TEMPLATE, context)
    choice = request.POST.get("choice")
    if choice not in (ANALYTICS_GRANTED, ANALYTICS_DENIED):
        return render(request, ANALYTICS_TEMPLATE, context, status=400)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("inquiries:form")
    response = HttpResponseRedirect(next_url, status=303)
    response.set_cookie(
        analytics_cookie_name(),
        choice,
        max_age=ANALYTICS_COOKIE_DAYS * 24 * 60 * 60,
        path="/",
        secure=settings.HTTPS,
        httponly=True,
        samesite="Lax",
    )
    return response
