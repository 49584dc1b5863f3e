"""The operators' call desk in Chromium, on its own site (CALL_AGAIN_MINUTES=1, the minute
made to pass by moving the stored time back): a call-back in at most three clicks from the
queue, a "no answer" that returns at the queue's end, and the screenshots shown in the README."""

import os
import re
import uuid
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from testkit.browser import PASSWORD, log_in_first_time

pytestmark = pytest.mark.browser

BASE_DIR = Path(__file__).resolve().parent.parent
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}

# A morning's queue: the oldest first, one caller who wrote three times, one inquiry done.
SEED = """
import datetime
from django.utils import timezone
from inquiries.models import Inquiry
from testkit.inquiries import make_inquiry
now = timezone.now()
people = [
    ("Айгерим Садыкова", "+77015550199", "kk", "Нужна консультация по договору поставки"),
    ("Ержан Нурланов", "+77024441122", "ru", "Перезвоните после обеда"),
    ("Сауле Ахметова", "+77770001122", "ru", ""),
    ("Dana Smith", "+77085553344", "en", "Please call back about the invoice"),
    ("Айгерим Садыкова", "+77015550199", "kk", "Повторно: жду звонка"),
    ("Бауыржан Қасымов", "+77471234567", "kk", "Қоңырау шалыңызшы"),
    ("Пётр Иванов", "+77056667788", "ru", "Вопрос по гарантии"),
    ("Айгерим Садыкова", "+77015550199", "kk", "Третий раз пишу"),
]
for n, (name, phone, language, message) in enumerate(people):
    make_inquiry(
        name=name,
        phone=phone,
        consent_language=language,
        message=message,
        created_at=now - datetime.timedelta(hours=30 - n * 3, minutes=n * 7),
    )
two_days_ago = now - datetime.timedelta(days=2)
done = make_inquiry(name="Гульнара Ким", phone="+77019990011", created_at=two_days_ago)
Inquiry.objects.filter(pk=done.pk).update(status="processed", processed_at=now, note="Договорились")
"""


def seeded(site):
    site.manage("shell", "-c", SEED)
    site.run_daily_jobs()  # recorded runs: no job warning on the pages
    return site


def operator_login(site, browser):
    """The cookies of an operator named Айгерим, past password and authenticator code."""
    username = f"desk-{uuid.uuid4().hex[:6]}"
    site.manage("create_operator", username, "--password-stdin", stdin=PASSWORD + "\n")
    site.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User;"
        f"User.objects.filter(username='{username}').update(first_name='Айгерим')",
    )
    context = browser.new_context()
    log_in_first_time(context.new_page(), site, username)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture(scope="module")
def desk(site_factory):
    return seeded(site_factory(CALL_AGAIN_MINUTES="1"))


@pytest.fixture(scope="module")
def showcase(site_factory):
    """The same morning with the default settings, for the screenshots."""
    return seeded(site_factory())


@pytest.fixture
def operator_page(browser):
    contexts, states = [], {}

    def open_(site, viewport=DESKTOP, **options):
        if site.url not in states:
            states[site.url] = operator_login(site, browser)
        context = browser.new_context(
            viewport=viewport, locale="ru-RU", storage_state=states[site.url], **options
        )
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


class Clicks:
    """Counts what the operator does with the mouse or a finger: clicks and choices."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def select(self, selector, value):
        self.count += 1
        self.page.select_option(selector, value)


def queue(page):
    """The references of the queue's rows, top to bottom."""
    return page.locator("#result_list tbody th.field-reference a").all_inner_texts()


def reference_of(desk, phone, *, status="new"):
    return desk.manage(
        "shell",
        "--no-imports",
        "-c",
        "from inquiries.models import Inquiry;"
        f"print(Inquiry.objects.filter(phone='{phone}', status='{status}')"
        ".order_by('created_at').first().reference)",
    ).split()[-1]


def stored(desk, reference):
    return desk.manage(
        "shell",
        "--no-imports",
        "-c",
        "from inquiries.models import Inquiry;"
        f"i = Inquiry.objects.get(reference='{reference}');"
        "by = i.processed_by and i.processed_by.username;"
        "print(i.status, i.call_attempts, by, repr(i.note))",
    ).strip()


def test_a_call_back_takes_three_clicks_from_the_queue(desk, operator_page):
    page = operator_page(desk)
    page.goto(desk.url + "/admin/inquiries/inquiry/")
    first = queue(page)[0]
    assert first == reference_of(desk, "+77015550199")  # the oldest waits on top
    clicks = Clicks(page)

    clicks.click("#result_list tbody tr:first-child td.field-name a")  # 1: open it
    page.wait_for_url(re.compile(r"/change/"))
    assert page.locator(".callback-panel a.phone[href='tel:+77015550199']").is_visible()
    # Taken by this operator; the others see "Айгерим звонит".
    assert page.locator(".callback-claim:not(.taken-by-other)").is_visible()
    clicks.click("#id_callback_note")  # 2: the optional note
    page.keyboard.type("Договорились о встрече")
    clicks.click("button.callback-processed")  # 3: "Called: processed"
    page.wait_for_url(re.compile(r"/admin/inquiries/inquiry/(\?.*)?$"))

    assert clicks.count == 3
    assert page.locator(".messagelist .success").count() == 1
    assert first not in queue(page)  # back on the queue, without it
    assert stored(desk, first).startswith("processed 1 desk-")
    assert "'Договорились о встрече'" in stored(desk, first)


def test_no_answer_puts_the_inquiry_back_at_the_end_of_the_queue(desk, operator_page):
    page = operator_page(desk)
    page.goto(desk.url + "/admin/inquiries/inquiry/")
    before = queue(page)
    first = before[0]
    clicks = Clicks(page)
    clicks.click("#result_list tbody tr:first-child th.field-reference a")
    page.wait_for_url(re.compile(r"/change/"))
    clicks.click("button.callback-no-answer")  # the default delay, CALL_AGAIN_MINUTES
    page.wait_for_url(re.compile(r"/admin/inquiries/inquiry/(\?.*)?$"))
    assert clicks.count == 2

    assert queue(page) == before[1:]
    page.goto(desk.url + "/admin/inquiries/inquiry/?queue=later")
    assert queue(page) == [first]
    assert stored(desk, first).startswith("new 1 None")

    # Due again in CALL_AGAIN_MINUTES (1 here); the minute is made to pass on the server's
    # clock by moving the time back, not waited for. Then it is last, after everything
    # that was waiting before it came back.
    wait = desk.manage(
        "shell",
        "--no-imports",
        "-c",
        "import datetime; from django.utils import timezone;"
        "from inquiries.models import Inquiry;"
        f"rows = Inquiry.objects.filter(reference='{first}');"
        "print((rows.get().queued_at - timezone.now()).total_seconds());"
        "rows.update(queued_at=timezone.now() - datetime.timedelta(seconds=1))",
    )
    assert 0 < float(wait) <= 60
    page.goto(desk.url + "/admin/inquiries/inquiry/")
    assert queue(page) == [*before[1:], first]


def serious_findings(page, *parts):
    """Serious or critical axe-core findings in what the call desk adds to Django's pages."""
    found = Axe().run(page, context={"include": [[part] for part in parts]}).response["violations"]
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def screenshot_dir():
    wanted = os.environ.get("SCREENSHOT_DIR")
    return Path(wanted) if wanted else None


@pytest.mark.parametrize(
    ("name", "viewport", "mobile"), [("phone", PHONE, True), ("desktop", DESKTOP, False)]
)
def test_screenshots_of_the_queue_and_an_inquiry(
    showcase, operator_page, tmp_path, name, viewport, mobile
):
    """docs/screenshots/ holds these (SCREENSHOT_DIR=docs/screenshots; see the README)."""
    page = operator_page(showcase, viewport, is_mobile=mobile, has_touch=mobile)
    folder = screenshot_dir() or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(showcase.url + "/admin/inquiries/inquiry/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    if mobile:
        # A card: the name, a number to tap and the waiting time, in the first screenful.
        card = page.locator("#result_list tbody tr").first
        for part in ("td.field-name", "a.phone", "td.field-received"):
            box = card.locator(part).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert page.locator("#changelist-filter").bounding_box()["y"] < card.bounding_box()["y"]
    assert serious_findings(page, "#result_list", "#changelist-filter") == []
    # On a phone: the top of the page down to the first cards.
    clip = {"x": 0, "y": 0, "width": viewport["width"], "height": 1500} if mobile else None
    page.screenshot(path=str(folder / f"call-desk-queue-{name}.png"), full_page=True, clip=clip)
    page.click("#result_list tbody tr:nth-child(2) td.field-name a")
    page.wait_for_url(re.compile(r"/change/"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    assert serious_findings(page, ".callback-panel") == []
    page.screenshot(path=str(folder / f"call-desk-inquiry-{name}.png"), full_page=not mobile)
    for kind in ("queue", "inquiry"):
        assert (folder / f"call-desk-{kind}-{name}.png").stat().st_size > 10_000
