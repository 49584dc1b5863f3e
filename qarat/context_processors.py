from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

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
