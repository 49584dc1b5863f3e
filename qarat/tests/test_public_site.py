"""What browsers, crawlers and link previews get besides the pages: icons, head tags,
robots.txt, the sitemap, error pages, the print stylesheet and the weight of the home page."""

import gzip
import json
import re
import struct
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import path as url_path
from django.urls import reverse

from inquiries.models import Inquiry
from qarat.sitemaps import PUBLIC_PAGES
from qarat.urls import urlpatterns as site_urlpatterns
from testkit.inquiries import form_data

LANGUAGES = [("", "ru"), ("/kk", "kk"), ("/en", "en")]
HOME_BUDGET_BYTES = 60 * 1024


def boom(request):
    raise RuntimeError("a view that fails")


# The site's URLs plus a failing view, in each language (ROOT_URLCONF of the 500 tests).
urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(url_path("boom/", boom), prefix_default_language=False),
]


def broken_context_processor(request):
    raise RuntimeError("a context processor that fails")


class Head(HTMLParser):
    """The tags a page's head and body carry, as lists of attribute dicts by tag name."""

    def __init__(self, html):
        super().__init__()
        self.tags = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.setdefault(tag, []).append(dict(attrs))

    def links(self, rel):
        return [t["href"] for t in self.tags.get("link", []) if rel in t.get("rel", "").split()]

    def meta(self, key, value):
        return [t["content"] for t in self.tags.get("meta", []) if t.get(key) == value]

    def scripts(self):
        return [t["src"] for t in self.tags.get("script", []) if "src" in t]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def static_file(url):
    """The source file behind a /static/ address (unit tests do not collectstatic)."""
    found = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
    assert found, f"{url} is not a static file"
    with open(found, "rb") as f:
        return f.read()


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


# --- 1. Icons and the web app manifest --------------------------------------------------------


def test_favicon_ico_answers_at_the_root_without_a_redirect(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00", "not an ICO file"
    assert struct.unpack("<H", body[4:6])[0] >= 2, "one size only"
    assert "max-age" in response["Cache-Control"]


@pytest.mark.django_db
def test_every_page_links_the_favicon_svg_icon_apple_touch_icon_and_manifest(client):
    head = page(client, "/en/")
    icons = head.links("icon")
    assert "/favicon.ico" in icons
    assert any(static_file(url).startswith(b"<svg") for url in icons if url.endswith(".svg"))
    (touch,) = head.links("apple-touch-icon")
    assert png_size(static_file(touch)) == (180, 180)
    (manifest,) = head.links("manifest")
    assert manifest.endswith("site.webmanifest")
    assert head.meta("name", "theme-color") == [accent_colour()]


def accent_colour():
    css = static_file(settings.STATIC_URL + "css/site.css").decode()
    return re.search(r"--accent:\s*(#[0-9a-f]{6})", css).group(1)


def test_manifest_names_the_service_with_its_icons_and_the_site_colour():
    manifest = json.loads(static_file(settings.STATIC_URL + "site.webmanifest"))
    assert manifest["name"] == "QARAT Service"
    assert manifest["theme_color"] == accent_colour()
    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
    assert {icon["sizes"] for icon in pngs} >= {"192x192", "512x512"}
    for icon in pngs:
        # Relative to the manifest's own address, as browsers resolve it.
        width, height = png_size(static_file(settings.STATIC_URL + icon["src"]))
        assert f"{width}x{height}" == icon["sizes"]


# --- 2. Description, Open Graph, canonical and hreflang ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/consent/", "/privacy/"])
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_public_pages_describe_themselves_for_search_engines_and_link_previews(
    client, prefix, language, path
):
    url = prefix + path
    head = page(client, url)
    (description,) = head.meta("name", "description")
    assert len(description) > 30
    assert head.meta("property", "og:description") == [description]
    assert head.meta("property", "og:type") == ["website"]
    assert head.meta("property", "og:title")[0].strip()
    assert head.meta("property", "og:url") == [f"http://testserver{url}"]
    assert head.links("canonical") == [f"http://testserver{url}"]
    locales = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}
    assert head.meta("property", "og:locale") == [locales.pop(language)]
    assert sorted(head.meta("property", "og:locale:alternate")) == sorted(locales.values())
    alternates = {
        t["hreflang"]: t["href"]
        for t in head.tags["link"]
        if t.get("rel") == "alternate" and "hreflang" in t
    }
    assert alternates == {
        "ru": f"http://testserver{path}",
        "kk": f"http://testserver/kk{path}",
        "en": f"http://testserver/en{path}",
        "x-default": f"http://testserver{path}",
    }


@pytest.mark.django_db
def test_the_consent_page_has_its_own_description_and_title_for_previews(client):
    head = page(client, "/en/consent/")
    (description,) = head.meta("name", "description")
    assert "consent" in description and "version 1" in description
    assert head.meta("property", "og:title") == ["Consent, version 1"]
    home = page(client, "/en/")
    assert home.meta("name", "description") != [description]


@pytest.mark.django_db
def test_the_policy_page_has_its_own_description_and_title_for_previews(client, published_policy):
    head = page(client, "/en/privacy/")
    (description,) = head.meta("name", "description")
    assert "policy" in description and "version 1" in description
    assert head.meta("property", "og:title") == ["Personal data policy, version 1"]
    assert head.meta("property", "og:description") == [description]


@pytest.mark.django_db
def test_the_policy_page_being_prepared_describes_itself_too(client):
    head = page(client, "/en/privacy/")
    (description,) = head.meta("name", "description")
    assert "policy" in description and "being prepared" in description
    assert head.meta("property", "og:title") == ["Personal data policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/consent/", "/en/consent/1/"])
def test_the_consent_texts_title_is_the_pages_one_main_heading(client, url):
    head = page(client, url)
    html = client.get(url).content.decode()
    assert len(head.tags["h1"]) == 1
    assert re.search(r"<h1>CONSENT TO THE COLLECTION AND PROCESSING OF PERSONAL DATA</h1>", html)


@pytest.mark.django_db
def test_the_preview_image_is_an_absolute_1200_by_630_png(client):
    head = page(client, "/en/")
    (image,) = head.meta("property", "og:image")
    assert image.startswith("http://testserver/static/")
    assert png_size(static_file(image.removeprefix("http://testserver"))) == (1200, 630)


@pytest.mark.django_db
def test_the_canonical_address_leaves_out_the_query_string(client):
    head = page(client, "/en/?utm_source=newsletter")
    assert head.links("canonical") == ["http://testserver/en/"]
    assert head.meta("property", "og:url") == ["http://testserver/en/"]
    assert not any("utm_source" in t.get("href", "") for t in head.tags["link"])


@pytest.mark.django_db
def test_the_receipt_has_no_canonical_alternates_or_preview_tags(client):
    response = client.post("/en/", form_data(), follow=True)
    reference = Inquiry.objects.get().reference
    head = Head(response.content.decode())
    assert head.links("canonical") == [] and head.links("alternate") == []
    assert not [t for t in head.tags["meta"] if t.get("property", "").startswith("og:")]
    assert reference in response.content.decode()


# --- 3. robots.txt and the sitemap ------------------------------------------------------------


def robots_rules(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_robots_txt_keeps_crawlers_off_receipts_and_points_to_the_sitemap(client):
    text = robots_rules(client)
    disallowed = re.findall(r"^Disallow: (\S+)$", text, re.M)
    assert sorted(disallowed) == ["/en/thanks/", "/kk/thanks/", "/thanks/"]
    assert re.search(r"^Sitemap: http://testserver/sitemap\.xml$", text, re.M)


@pytest.mark.django_db
def test_robots_txt_leaves_every_public_page_open(client):
    disallowed = re.findall(r"^Disallow: (\S*)$", robots_rules(client), re.M)
    for prefix, _language in LANGUAGES:
        for path in ["/", "/consent/", "/consent/1/", "/privacy/"]:
            url = prefix + path
            assert not any(url.startswith(rule) for rule in disallowed), url


@pytest.mark.django_db
def test_robots_txt_does_not_reveal_the_admin_address_which_says_noindex_itself(client):
    # Naming ADMIN_URL in a public file would advertise it; its pages opt out themselves.
    admin_path = "/" + settings.ADMIN_URL
    assert admin_path not in robots_rules(client)
    login = client.get(admin_path + "login/").content.decode()
    assert re.search(r'<meta name="robots" content="NONE,NOARCHIVE">', login)


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_entries(client, **extra):
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    return {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }


@pytest.mark.django_db
def test_sitemap_lists_each_public_page_in_each_language_with_hreflang_alternates(client):
    entries = sitemap_entries(client)
    paths = [reverse(name) for name in PUBLIC_PAGES]
    expected = {f"http://testserver{prefix}{path}" for path in paths for prefix, _ in LANGUAGES}
    assert set(entries) == expected
    for path in paths:
        alternates = {
            "ru": f"http://testserver{path}",
            "kk": f"http://testserver/kk{path}",
            "en": f"http://testserver/en{path}",
            "x-default": f"http://testserver{path}",
        }
        for prefix, _language in LANGUAGES:
            assert entries[f"http://testserver{prefix}{path}"] == alternates


@pytest.mark.django_db
def test_sitemap_addresses_are_on_the_host_that_was_asked(client):
    entries = sitemap_entries(client, HTTP_HOST="localhost")
    assert entries and all(loc.startswith("http://localhost/") for loc in entries)


def test_public_pages_of_the_sitemap_are_not_the_receipt_or_the_admin():
    assert "inquiries:thanks" not in PUBLIC_PAGES
    assert all(not reverse(name).startswith("/" + settings.ADMIN_URL) for name in PUBLIC_PAGES)


# --- 4. Error pages ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_the_404_page_is_styled_in_the_language_of_the_address(client, prefix, language):
    response = client.get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    head = Head(html)
    assert f'<html lang="{language}">' in html
    assert any(url.endswith(".css") for url in head.links("stylesheet"))
    assert len(head.tags["h1"]) == 1
    assert head.meta("name", "robots") == ["noindex"]
    # An address that does not exist is not canonical, nor has it alternates.
    assert head.links("canonical") == [] and head.links("alternate") == []
    assert f'href="{prefix}/"' in html, "no way back to the home page"


@pytest.mark.django_db
def test_the_404_page_speaks_english_under_en(client):
    html = client.get("/en/no-such-page/").content.decode()
    assert "Page not found" in html
    assert "There is no page at this address." in html


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


# No database fixture: a query while the 500 page renders would fail the test.
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_the_500_page_is_styled_in_the_language_of_the_address_without_the_database(
    failing_site, prefix, language
):
    response = failing_site.get(f"{prefix}/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert any(url.endswith(".css") for url in Head(html).links("stylesheet"))
    assert f'href="{prefix}/"' in html, "no way back to the home page"


def test_the_500_page_speaks_english_under_en(failing_site):
    html = failing_site.get("/en/boom/").content.decode()
    assert "Something went wrong on our side" in html
    assert "a view that fails" not in html


def test_the_500_page_renders_when_a_context_processor_fails(failing_site, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    f"{__name__}.broken_context_processor",
                ],
            },
        }
    ]
    response = failing_site.get("/en/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# --- 5. Print -----------------------------------------------------------------------------


def print_rules():
    css = static_file(settings.STATIC_URL + "css/site.css").decode()
    # Print blocks hold only flat rules, so the block ends at the first "}" on its own line.
    blocks = re.findall(r"@media print \{(.*?)\n\}", css, re.S)
    assert blocks, "no print stylesheet"
    return re.sub(r"/\*.*?\*/", "", "\n".join(blocks), flags=re.S)


def rule_for(rules, selector):
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", rules):
        if selector in [s.strip() for s in selectors.split(",")]:
            return body
    raise AssertionError(f"no print rule for {selector}")


def test_print_hides_navigation_banner_and_footer_links_and_prints_black_on_white():
    rules = print_rules()
    for hidden in [".site-header nav", ".analytics-banner", ".skip", ".button"]:
        assert "display: none" in rule_for(rules, hidden), hidden
    assert "display: none" in rule_for(rules, '.site-footer p:has(a:not([href^="mailto:"]))')
    colours = rule_for(rules, "*")
    assert "color: #000" in colours and "background: transparent" in colours
    assert "serif" in rule_for(rules, "body")


def test_print_shows_where_links_go_and_keeps_headings_with_their_text():
    rules = print_rules()
    assert "attr(href)" in rule_for(rules, 'main a[href]:not([href^="#"])::after')
    headings = rule_for(rules, "h2")
    assert "break-inside: avoid" in headings and "break-after: avoid" in headings


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/consent/", "/en/consent/1/", "/en/privacy/"])
def test_the_consent_pages_link_the_stylesheet_with_the_print_rules(client, url):
    head = page(client, url)
    stylesheets = head.links("stylesheet")
    assert [url for url in stylesheets if b"@media print" in static_file(url)]
    # One stylesheet for every medium: no media attribute keeps it from the printer.
    assert all("media" not in t for t in head.tags["link"] if t.get("rel") == "stylesheet")


# --- 6. A light home page -------------------------------------------------------------------


def same_site(url):
    return url.startswith("/") and not url.startswith("//")


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_the_home_page_with_its_styles_scripts_and_fonts_is_under_60_kb_compressed(
    client, prefix, language
):
    html = client.get(f"{prefix}/").content
    head = Head(html.decode())
    sizes = {f"{prefix}/": len(gzip.compress(html, compresslevel=9))}
    for url in head.links("stylesheet") + head.scripts():
        body = static_file(url)
        sizes[url] = len(gzip.compress(body, compresslevel=9))
        if url.endswith(".css"):
            for font in re.findall(r"url\(['\"]?([^'\")]+)", body.decode()):
                font_url = settings.STATIC_URL + "css/" + font if not font.startswith("/") else font
                sizes[font] = len(gzip.compress(static_file(font_url), compresslevel=9))
    assert sum(sizes.values()) < HOME_BUDGET_BYTES, sizes


@pytest.mark.django_db
@pytest.mark.parametrize("analytics", ["off", "granted"])
def test_the_home_page_loads_no_stylesheet_or_script_from_another_host(client, settings, analytics):
    if analytics == "granted":
        settings.YANDEX_METRIKA_ID = "98765432"
        client.cookies["analytics_consent"] = "granted"
    head = page(client, "/")
    assert head.links("stylesheet") and all(same_site(url) for url in head.links("stylesheet"))
    assert all(same_site(url) for url in head.scripts())
    if analytics == "granted":
        assert head.scripts(), "the analytics tag should load (from this site)"
