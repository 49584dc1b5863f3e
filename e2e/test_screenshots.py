"""Screenshots of the main pages on a phone and a desktop, in Chromium, with layout checks.

Each page is saved as a PNG under pytest's tmp_path, or in SCREENSHOT_DIR if that is set
(to look at them, or to attach them to a review), and must show: no sideways scroll, no
element wider than the screen, its main heading in the first screenful, something drawn,
and no serious or critical axe-core finding.
"""

import os
import uuid
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from testkit.browser import PASSWORD, log_in_first_time

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}

# One line per page: name, address, the selector of its main heading, whether it needs staff.
PAGES = [
    pytest.param("/", "main h1", False, id="home"),
    pytest.param("/consent/", "main h1", False, id="consent"),
    pytest.param("/privacy/", "main h1", False, id="policy"),
    pytest.param("/no-such-page/", "main h1", False, id="not-found"),
    pytest.param("/admin/", "#content h1", True, id="admin-dashboard"),
]

VIEWPORTS = {
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}

# Everything drawn outside the viewport's width, except inside boxes that scroll or clip
# (the admin's wide tables scroll within their own box) and what is off to the left on
# purpose (the skip link, the honeypot field).
WIDER_THAN_THE_SCREEN = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0) continue;
    if ((box.right > width + 1 || box.width > width + 1) && !clipped(el)) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className;
      wide.push(`${name}: ${Math.round(box.right)}px`);
    }
  }
  return wide;
}
"""


def screenshot_dir(tmp_path):
    wanted = os.environ.get("SCREENSHOT_DIR")
    if not wanted:
        return tmp_path
    path = Path(wanted)
    path.mkdir(parents=True, exist_ok=True)
    return path


# A month of inquiries (none of them the other tests' numbers), most processed some hours
# later, so the dashboard draws its bars and a median; and a purge run, so no warning.
SEED_MONTH = """
import datetime
from django.utils import timezone
from inquiries.models import Inquiry
from testkit.inquiries import make_inquiry
now = timezone.now()
for day in range(30):
    for n in range(day * 7 % 5 + 1):
        received = now - datetime.timedelta(days=day, minutes=n)
        inquiry = make_inquiry(
            name="Screenshot visitor", phone=f"+7702000{day:02d}{n:02d}", created_at=received
        )
        if day > 1:
            Inquiry.objects.filter(pk=inquiry.pk).update(
                status=Inquiry.Status.PROCESSED,
                processed_at=received + datetime.timedelta(hours=n + 1),
            )
"""


@pytest.fixture(scope="module")
def busy_month(site):
    site.manage("shell", "-c", SEED_MONTH)
    site.run_daily_jobs()  # recorded runs: no job warning on the pages


@pytest.fixture(scope="module")
def staff_login(site, browser, busy_month):
    """The cookies of an operator past password and authenticator code, for new contexts."""
    username = f"screens-{uuid.uuid4().hex[:6]}"
    site.manage("create_operator", username, "--password-stdin", stdin=PASSWORD + "\n")
    context = browser.new_context()
    log_in_first_time(context.new_page(), site, username)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_page(browser, site, staff_login):
    """`open(path, viewport, staff) -> page` in a fresh context that records CSP violations."""
    contexts, violations = [], []

    def open_(path, viewport, staff):
        context = browser.new_context(
            **VIEWPORTS[viewport], locale="ru-RU", storage_state=staff_login if staff else None
        )
        contexts.append(context)
        context.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page = context.new_page()
        page.goto(site.url + path)
        page.wait_for_load_state("load")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert violations == [], "the page broke its Content-Security-Policy"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("path", "heading", "staff"), PAGES)
def test_page_looks_right_on_a_phone_and_a_desktop(
    open_page, tmp_path, request, path, heading, staff, viewport
):
    page = open_page(path, viewport, staff)
    width, height = VIEWPORTS[viewport]["viewport"].values()

    # Nothing sideways: no horizontal scroll, no element past the right edge.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "window.innerWidth"
    )
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []

    # The main heading is seen without scrolling.
    main_heading = page.locator(heading).first
    assert main_heading.is_visible()
    box = main_heading.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= height
    assert box["x"] >= 0 and box["x"] + box["width"] <= width

    name = request.node.callspec.id.replace("[", "-").rstrip("]")
    shot = screenshot_dir(tmp_path) / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000
    with Image.open(shot) as image:
        assert image.width == width * VIEWPORTS[viewport].get("device_scale_factor", 1)
        # More than one colour: something was drawn.
        assert image.convert("RGB").getcolors(maxcolors=1) is None

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert serious == []


@pytest.mark.parametrize("path", ["/consent/", "/en/consent/1/", "/privacy/"])
def test_a_printed_consent_page_has_the_text_without_the_site_chrome(open_page, path):
    page = open_page(path, "desktop", False)
    assert page.locator(".site-header nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    assert page.locator(".consent-text").is_visible()
    # The footer keeps the operator and the e-mail for requests; links to other pages go.
    assert page.locator(".site-footer a[href^='mailto:']").first.is_visible()
    assert not page.locator(".site-footer a[href*='/consent/']").is_visible()
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.body);"
        " return [s.fontFamily, s.color, s.backgroundColor]; })()"
    )
    assert "serif" in style[0] and "sans-serif" not in style[0]
    assert style[1] == "rgb(0, 0, 0)"
    assert style[2] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    # A link in the text prints where it goes.
    link = page.locator("main a[href^='/']").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("href") in after


def test_the_home_page_weighs_under_60_kb_on_the_wire_and_asks_no_other_host(browser, site):
    """As served for real: gunicorn for the HTML, whitenoise's compressed static files."""
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site.url + "/", wait_until="networkidle")
    hosts = {response.url.split("/")[2] for response in responses}
    weighed = {
        response.url: response.request.sizes()["responseBodySize"]
        for response in responses
        if response.request.resource_type in ("document", "stylesheet", "font", "script")
    }
    context.close()
    assert hosts == {site.url.split("/")[2]}
    assert any(url.endswith(".css") for url in weighed)
    assert sum(weighed.values()) < 60 * 1024, weighed


def test_icons_manifest_robots_and_sitemap_answer_on_the_real_server(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + "/en/")
    head_links = page.eval_on_selector_all(
        "link[rel~=icon], link[rel=apple-touch-icon], link[rel=manifest]",
        "links => links.map(l => l.href)",
    )
    og_image = page.get_attribute("meta[property='og:image']", "content")
    expected = {
        "/favicon.ico": "image/x-icon",
        "/robots.txt": "text/plain",
        "/sitemap.xml": "application/xml",
    }
    for url in [*head_links, og_image, *(site.url + path for path in expected)]:
        response = context.request.get(url, max_redirects=0)
        assert response.status == 200, url
        for path, content_type in expected.items():
            if url.endswith(path):
                assert response.headers["content-type"].startswith(content_type), url
    manifest = next(url for url in head_links if "webmanifest" in url)
    assert context.request.get(manifest).headers["content-type"] == "application/manifest+json"
    context.close()
