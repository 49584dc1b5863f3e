"""Every admin page an operator or a privacy officer opens, on a phone and a desktop.

The pages come from the admin itself (each registered model the role may view: its list, its
add page if the role may add, the page and history of one stored object, its app's index),
plus the index with the dashboard, the password change, the login steps (password, a
password of one's own, the authenticator app, the code) and a request's carry-out page, both
before and after the number is typed. Each one must show:

- no sideways scroll: `document.scrollingElement.scrollWidth` is at most `innerWidth`;
- no cut-off column: no rendered table cell (`th`, `td`) ends past the visible right edge
  (left + border + clientWidth) of its scroll container, the nearest ancestor whose
  `overflow-x` is not `visible`, or of the viewport if none is. A container may only scroll
  sideways "by design" if it says so with the `data-scrolls-by-design` attribute; no staff
  page has one today, so every column of every list is in sight at 375 and 1280 px.
"""

import json
import re
import uuid

import pytest

from testkit.browser import (
    OWN_PASSWORD,
    PASSWORD,
    choose_own_password,
    current_code,
    make_backup_codes,
)

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}

LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const scroller = document.scrollingElement;
  if (scroller.scrollWidth > window.innerWidth) {
    problems.push(`page scrolls sideways: ${scroller.scrollWidth}px in ${window.innerWidth}px`);
  }
  const container = (el) => {
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return p;
    }
    return null;
  };
  for (const cell of document.querySelectorAll('th, td')) {
    const box = cell.getBoundingClientRect();
    // Hidden, or only for screen readers (Django's .visually-hidden clips it to nothing).
    const style = getComputedStyle(cell);
    const hidden = style.visibility !== 'visible' || cell.closest('.visually-hidden') !== null;
    if (box.width === 0 || box.height === 0 || hidden) continue;
    const box_of = container(cell);
    let right = window.innerWidth;
    if (box_of) {
      if (box_of.hasAttribute('data-scrolls-by-design')) continue;
      right = box_of.getBoundingClientRect().left + box_of.clientLeft + box_of.clientWidth;
    }
    if (box.right > right + 1) {
      const text = cell.innerText.trim().slice(0, 20);
      const name = `${cell.className || cell.tagName.toLowerCase()} "${text}"`;
      const ends = `ends at ${Math.round(box.right)}px, visible to ${Math.round(right)}px`;
      problems.push(`cut-off column: ${name} ${ends}`);
    }
  }
  return problems;
}
"""

# Data for every page to show: inquiries (one with a long unbroken message), a view record,
# a data subject's request, a destruction record and a purge run.
SEED = """
import datetime
from django.utils import timezone
from inquiries.models import Inquiry, InquiryView
from privacy.models import DestructionRecord
from testkit.inquiries import make_inquiry
from testkit.privacy import make_request
now = timezone.now()
for n in range(6):
    inquiry = make_inquiry(
        name="Айгерим Нурлановна Садыкова-Бекмухамбетова",
        phone=f"+7705444000{n}",
        message="Перезвоните по поводу договора " + "https://example.kz/" + "a" * 60,
        created_at=now - datetime.timedelta(days=n, hours=3),
        consent_language="kk",
        note="Просили перезвонить после обеда",
    )
    if n % 2:
        Inquiry.objects.filter(pk=inquiry.pk).update(status="processed", processed_at=now)
InquiryView.objects.create(inquiry=inquiry, username="layout-check")
request = make_request("deletion", phone="+77054440001")
DestructionRecord.objects.create(
    basis="deletion", count=3, held_back=1, actor="layout-check", cutoff=now, request=request
)
"""

# The admin's own pages a user may open: printed as JSON for the test.
PAGES = """
import json
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
user = get_user_model().objects.get(username=USERNAME)
request = RequestFactory().get("/")
request.user = user
pages = [reverse(f"admin:{name}") for name in ("index", "password_change", "password_change_done")]
apps = set()
for model, model_admin in admin.site._registry.items():
    if not model_admin.has_view_or_change_permission(request):
        continue
    info = model._meta.app_label, model._meta.model_name
    apps.add(model._meta.app_label)
    pages.append(reverse("admin:%s_%s_changelist" % info))
    if model_admin.has_add_permission(request):
        pages.append(reverse("admin:%s_%s_add" % info))
    obj = model_admin.get_queryset(request).order_by("pk").first()
    if obj is not None:
        pages.append(reverse("admin:%s_%s_change" % info, args=[obj.pk]))
        pages.append(reverse("admin:%s_%s_history" % info, args=[obj.pk]))
        try:
            pages.append(reverse("admin:%s_%s_act" % info, args=[obj.pk]))
        except NoReverseMatch:
            pass
pages += [reverse("admin:app_list", args=[app]) for app in sorted(apps)]
print(json.dumps(pages))
"""

ROLES = {"operator": [], "privacy officer": ["--privacy-officer"]}


@pytest.fixture(scope="module")
def seeded(site):
    site.manage("shell", "-c", SEED)
    site.run_daily_jobs()  # recorded runs: no job warning on the pages


def problems_of(page, where):
    return [f"{where}: {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_staff_page_scrolls_sideways_or_cuts_off_a_column(browser, site, seeded, role, viewport):
    username = f"layout-{uuid.uuid4().hex[:6]}"
    site.manage("create_operator", username, *ROLES[role], "--password-stdin", stdin=PASSWORD)
    context = browser.new_context(**VIEWPORTS[viewport], locale="ru-RU")
    page = context.new_page()
    found = []

    # The login steps, each checked as it comes.
    page.goto(site.url + "/admin/")
    found += problems_of(page, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(r"/second-factor/password/"))
    found += problems_of(page, "own password")
    choose_own_password(page)
    page.wait_for_url(re.compile(r"/second-factor/enrol/"))
    found += problems_of(page, "authenticator app")
    secret = page.inner_text(".secret")
    page.fill("input[name=token]", current_code(secret))
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_url(re.compile(r"/second-factor/backup-codes/"))
    found += problems_of(page, "backup codes")
    make_backup_codes(page)
    page.wait_for_url(re.compile(r"/admin/$"))

    script = f"USERNAME = {username!r}\n" + PAGES
    paths = json.loads(site.manage("shell", "--no-imports", "-c", script).splitlines()[-1])
    assert "/admin/inquiries/inquiry/" in paths
    if role == "privacy officer":
        assert any(path.endswith("/act/") for path in paths)
        assert "/admin/privacy/destructionrecord/" in paths
    for path in paths:
        response = page.goto(site.url + path)
        assert response.status == 200, path
        found += problems_of(page, path)
        if path.endswith("/act/"):
            # The carry-out page with the number typed: the inquiries and every action.
            page.fill("#id_phone", "8 705 444 00 01")
            page.click("button[value=find]")
            page.wait_for_selector("table.subject-inquiries")
            found += problems_of(page, path + " (number found)")

    # The code step of the next login.
    page.click("#logout-form button")
    page.wait_for_url(re.compile(r"/admin/logout/"))
    page.goto(site.url + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", OWN_PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(r"/second-factor/"))
    found += problems_of(page, "code")
    context.close()
    assert found == [], "\n".join(found)
