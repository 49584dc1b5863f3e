"""Links that tell search engines and link previews which address a page has in each language."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

# Open Graph names locales with the country.
OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}


def page_links(request):
    """The canonical address of this page (no query string), its hreflang alternates and locales."""
    language = get_language() or settings.LANGUAGE_CODE
    origin = f"{request.scheme}://{request.get_host()}"
    urls = {code: origin + translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    alternates = [{"hreflang": code, "url": url} for code, url in urls.items()]
    # x-default: the unprefixed default-language address, for visitors of any other language.
    alternates.append({"hreflang": "x-default", "url": urls[settings.LANGUAGE_CODE]})
    return {
        "page_links": {
            "origin": origin,
            "canonical": origin + request.path,
            "alternates": alternates,
            "og_locale": OG_LOCALES.get(language, OG_LOCALES[settings.LANGUAGE_CODE]),
            "og_locale_alternates": [
                OG_LOCALES[code] for code, _name in settings.LANGUAGES if code != language
            ],
        }
    }
