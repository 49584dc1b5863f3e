from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from consent.models import ConsentVersion

CONSENT = ConsentVersion.Kind.CONSENT
# The URL namespace of each kind's pages: consent.urls and consent.policy_urls.
NAMESPACES = {ConsentVersion.Kind.CONSENT: "consent", ConsentVersion.Kind.POLICY: "policy"}


def _published(kind):
    return ConsentVersion.all_kinds.filter(kind=kind).published()


def _render(request, version):
    language = get_language()
    namespace = NAMESPACES[version.kind]
    return render(
        request,
        "consent/version.html",
        {
            "version": version,
            "language": language,
            "text": version.text(language),
            "sha256": version.sha256(language),
            "versions": _published(version.kind).only("number", "published_on"),
            "version_url": f"{namespace}:version",
            "text_url": f"{namespace}:text",
        },
    )


def current(request, kind=CONSENT):
    version = _published(kind).order_by("-number").first()
    if version is None and kind == ConsentVersion.Kind.POLICY:
        # A fresh installation, until the privacy officer publishes the draft: say so.
        return render(request, "consent/policy_preparing.html")
    if version is None:
        raise Http404("No version is published.")
    return _render(request, version)


def version(request, number, kind=CONSENT):
    return _render(request, get_object_or_404(_published(kind), number=number))


def version_text(request, number, language, kind=CONSENT):
    """The exact published text, byte for byte, so anyone can check its SHA-256."""
    if language not in dict(settings.LANGUAGES):
        raise Http404("Unknown language.")
    version = get_object_or_404(_published(kind), number=number)
    return HttpResponse(version.text(language), content_type="text/plain; charset=utf-8")
