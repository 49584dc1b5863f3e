from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from consent.models import ConsentVersion


def _render(request, version):
    language = get_language()
    return render(
        request,
        "consent/version.html",
        {
            "version": version,
            "language": language,
            "text": version.text(language),
            "sha256": version.sha256(language),
            "versions": ConsentVersion.objects.published().only("number", "published_on"),
        },
    )


def current(request):
    version = ConsentVersion.objects.published().order_by("-number").first()
    if version is None:
        raise Http404("No consent version is published.")
    return _render(request, version)


def version(request, number):
    return _render(request, get_object_or_404(ConsentVersion.objects.published(), number=number))


def version_text(request, number, language):
    """The exact published text, byte for byte, so anyone can check its SHA-256."""
    if language not in dict(settings.LANGUAGES):
        raise Http404("Unknown language.")
    version = get_object_or_404(ConsentVersion.objects.published(), number=number)
    return HttpResponse(version.text(language), content_type="text/plain; charset=utf-8")
