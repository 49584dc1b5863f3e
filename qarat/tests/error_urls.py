"""The site's URLs plus one that fails with whatever the client sent in its exception's text."""

from django.urls import path

from qarat.urls import urlpatterns as site_urlpatterns


def fail(request, rest):
    # As a library's error can: quote the path, the query, a cookie and the form.
    raise RuntimeError(
        f"failed on {rest!r} {request.GET!r} {request.COOKIES!r} {request.POST!r} "
        f"{request.META.get('HTTP_REFERER')!r}"
    )


urlpatterns = [path("fail/<path:rest>", fail), *site_urlpatterns]
