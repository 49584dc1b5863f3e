from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from qarat.analytics import analytics


def site(request):
    """The operator's details, the language switcher and the analytics choice, on every page."""
    language = get_language() or settings.LANGUAGE_CODE
    operator = settings.OPERATOR
    return {
        "operator": {
            "name": operator["name"].get(language, operator["name"]["ru"]),
            "address": operator["address"].get(language, operator["address"]["ru"]),
            "bin": operator["bin"],
            "privacy_email": operator["privacy_email"],
        },
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(request.get_full_path(), code),
                "current": code == language,
            }
            for code, name in settings.LANGUAGES
        ],
        "analytics": analytics(request),
    }
