import uuid

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

ROOT_FILE_CACHE_SECONDS = 24 * 60 * 60
PAGE_STYLESHEET = "css/site.css"  # templates/base.html


@never_cache
def healthz(request):
    """For monitoring and the container's health check: 200 while the site can serve pages.

    That is: the database and the cache answer, and the stylesheet every page links to is in
    the collected static files (a STATIC_ROOT without them makes every page a 500).
    """
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
    try:
        staticfiles_storage.url(PAGE_STYLESHEET)
    except ValueError:
        problems.append("static files not collected in STATIC_ROOT")
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@cache_control(public=True, max_age=ROOT_FILE_CACHE_SECONDS)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the pages link."""
    # From the static files' source, so it is there with or without collectstatic.
    return FileResponse(open(finders.find("favicon.ico"), "rb"), content_type="image/x-icon")


@require_safe
@cache_control(public=True, max_age=ROOT_FILE_CACHE_SECONDS)
def robots_txt(request):
    """Crawlers may read the public pages, not the receipts, and learn where the sitemap is.

    The back office is not named here: robots.txt is public, and naming ADMIN_URL would
    advertise an address that is kept out of sight on purpose. Its pages say noindex
    themselves (Django's admin templates carry a robots meta tag) and need a login.
    """
    lines = ["User-agent: *"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # A receipt's address without its reference: /thanks/, /kk/thanks/, /en/thanks/.
            receipt = reverse("inquiries:thanks", args=["Q-0000-0000-0000"])
            lines.append("Disallow: " + receipt.removesuffix("Q-0000-0000-0000/"))
    lines.append("Sitemap: " + request.build_absolute_uri(reverse("sitemap")))
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
