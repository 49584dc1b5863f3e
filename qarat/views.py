import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qarat.context_processors import (
    ANALYTICS_DENIED,
    ANALYTICS_GRANTED,
    analytics_cookie_name,
)

ANALYTICS_COOKIE_DAYS = 365
TEMPLATE = "analytics/settings.html"


@never_cache
def healthz(request):
    """For monitoring and the container's health check: 200 while database and cache answer."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        problems.append("database unavailable")
    try:
        probe = f"healthz:{uuid.uuid4().hex}"
        cache.set(probe, "1", 10)
        if cache.get(probe) != "1":
            problems.append("cache not answering")
        cache.delete(probe)
    except Exception:  # noqa: BLE001 - any cache failure means unhealthy
        problems.append("cache unavailable")
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def analytics_choice(request):
    """The visitor's analytics choice: shown on GET, kept in a first-party cookie on POST.

    Works without JavaScript: the banner on every page and this page post the same form.
    """
    # The page's own buttons come back here, to show the choice just made.
    context = {"next": reverse("analytics-choice"), "analytics_page": True}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    choice = request.POST.get("choice")
    if choice not in (ANALYTICS_GRANTED, ANALYTICS_DENIED):
        return render(request, TEMPLATE, context, status=400)
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
