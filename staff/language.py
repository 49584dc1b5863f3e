"""The back office's language: Russian unless the staff member chose Kazakh.

The public pages take theirs from the URL (/kk/, /en/), and an address without a prefix is
Russian whatever the browser asks; the admin has no prefix, so its language is the one
chosen with the switch at the top of its pages (Django's set_language cookie).
"""

from django.conf import settings
from django.utils import translation

ADMIN_LANGUAGES = ("ru", "kk")


def admin_language_choices():
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in ADMIN_LANGUAGES]


class AdminLanguageMiddleware:
    """After LocaleMiddleware: on admin pages, the language from the staff member's cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        if request.path.startswith(self.prefix):
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen in ADMIN_LANGUAGES:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)
