import collections
import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches
from django.utils import timezone

from inquiries.dashboard import (
    DAYS,
    inquiry_dashboard,
    median_duration,
    median_duration_portable,
    received_in,
    window_days,
)
from inquiries.models import Inquiry
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE, make_inquiry

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")  # UTC+5
# 10:00 in Almaty, 05:00 UTC: the window is 27 October to 25 November 2026, local days.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=ALMATY)
HOUR = datetime.timedelta(hours=1)
INDEX = "/admin/"


@pytest.fixture
def english(settings):
    # The admin has no language prefix and is always in the site's default language.
    # Checked in English here, so that the Russian translations, made later, change nothing.
    default, settings.LANGUAGE_CODE = settings.LANGUAGE_CODE, "en"
    # URLs reversed meanwhile are cached with the prefixes of that default language.
    clear_url_caches()
    yield
    settings.LANGUAGE_CODE = default
    clear_url_caches()


def received(at, **fields):
    return make_inquiry(created_at=at, **fields)


def processed(at, after, **fields):
    return received(at, status=Inquiry.Status.PROCESSED, processed_at=at + after, **fields)


def blocked(**fields):
    inquiry = make_inquiry(**fields)
    Inquiry.objects.filter(pk=inquiry.pk).update(blocked_at=timezone.now())
    return inquiry


def local(*args):
    return datetime.datetime(*args, tzinfo=ALMATY)


# --- the figures, with time pinned ----------------------------------------------------------


def test_operators_time_zone_is_almaty(settings):
    # The day boundaries below are Almaty's; the dashboard takes them from this setting.
    assert settings.TIME_ZONE == "Asia/Almaty"


def test_window_is_thirty_local_days_ending_today():
    days = window_days(NOW)
    assert len(days) == DAYS == 30
    assert days[0] == datetime.date(2026, 10, 27)
    assert days[-1] == datetime.date(2026, 11, 25)
    # 23:30 UTC on the 24th is already the 25th in Almaty.
    late = datetime.datetime(2026, 11, 24, 23, 30, tzinfo=datetime.UTC)
    assert window_days(late)[-1] == datetime.date(2026, 11, 25)


def test_days_are_counted_in_almaty_time_and_empty_days_are_zero():
    received(local(2026, 10, 26, 23, 59, 59))  # the day before the window
    received(local(2026, 10, 27, 0, 0))  # first second of the window (19:00 UTC the 26th)
    received(local(2026, 11, 24, 23, 59, 59))
    received(datetime.datetime(2026, 11, 24, 19, 30, tzinfo=datetime.UTC))  # 00:30 the 25th
    received(local(2026, 11, 25, 9, 0))
    received(local(2026, 11, 25, 9, 30))
    blocked(created_at=local(2026, 11, 25, 8, 0))

    days = dict(inquiry_dashboard(now=NOW).days)

    assert len(days) == 30
    assert days[datetime.date(2026, 10, 27)] == 1
    assert days[datetime.date(2026, 11, 24)] == 1
    assert days[datetime.date(2026, 11, 25)] == 3
    assert sum(days.values()) == 5
    assert list(days.values()).count(0) == 27


def test_waiting_count_and_oldest_waiting_age_leave_out_blocked_and_processed():
    blocked(created_at=NOW - 50 * HOUR)  # older, but hidden from operators
    processed(NOW - 40 * HOUR, after=HOUR)  # older, but done
    received(NOW - 26 * HOUR - datetime.timedelta(minutes=15))
    received(NOW - HOUR)

    figures = inquiry_dashboard(now=NOW)

    assert figures.waiting_count == 2
    assert figures.oldest_waiting_age == datetime.timedelta(hours=26, minutes=15)


def test_nothing_waiting_has_no_oldest_age():
    processed(NOW - HOUR, after=HOUR)
    assert inquiry_dashboard(now=NOW).oldest_waiting_age is None


def test_median_of_an_odd_count_is_the_middle_one():
    for hours in (10, 1, 2):
        processed(NOW - 20 * HOUR, after=hours * HOUR)
    # Left out: processed but blocked, received before the window, or not processed yet.
    blocked(
        created_at=NOW - 20 * HOUR,
        status=Inquiry.Status.PROCESSED,
        processed_at=NOW - 19 * HOUR,
    )
    processed(local(2026, 10, 26, 23, 0), after=100 * HOUR)
    received(NOW - 300 * HOUR)

    figures = inquiry_dashboard(now=NOW)

    assert figures.median_processing_time == 2 * HOUR
    assert figures.processed_count == 3


@pytest.mark.parametrize("median", [median_duration, median_duration_portable])
def test_median_of_an_even_count_is_the_mean_of_the_middle_two(median):
    for minutes in (30, 60, 180, 600):
        processed(NOW - 20 * HOUR, after=datetime.timedelta(minutes=minutes))
    assert median(received_in(window_days(NOW))) == (4, datetime.timedelta(minutes=120))


@pytest.mark.parametrize("median", [median_duration, median_duration_portable])
def test_median_of_one_and_of_none(median):
    window = received_in(window_days(NOW))
    assert median(window) == (0, None)
    processed(NOW - 3 * HOUR, after=datetime.timedelta(minutes=7))
    assert median(window) == (1, datetime.timedelta(minutes=7))


def test_both_medians_agree_on_odd_and_even_counts():
    window = received_in(window_days(NOW))
    for number, minutes in enumerate((5, 500, 50, 7, 70, 700, 1), start=1):
        processed(NOW - 100 * HOUR, after=datetime.timedelta(minutes=minutes))
        assert median_duration(window) == median_duration_portable(window), number


# --- the page ----------------------------------------------------------------------------


def dashboard_section(page):
    found = re.search(r'<section class="inquiry-dashboard".*?</section>', page, re.S)
    assert found, "no dashboard on the admin index"
    return found.group(0)


def test_operator_sees_figures_chart_and_table(english, operator):
    now = timezone.now()
    times = [now - 2 * datetime.timedelta(days=1) - 3 * HOUR, now - datetime.timedelta(minutes=5)]
    for at in times:
        received(at)
    times.append(now - 5 * HOUR)
    processed(times[-1], after=2 * HOUR)
    blocked(created_at=now - datetime.timedelta(days=20))

    page = operator.get(INDEX).content.decode()
    section = dashboard_section(page)

    assert 'href="/static/staff/dashboard.css"' in page
    waiting = re.search(r'<p class="waiting-inquiries">(.*?)</p>', section, re.S).group(1)
    assert "2 inquiries are waiting" in waiting
    oldest = re.search(r'<dd class="oldest-waiting">(.*?)</dd>', section, re.S).group(1)
    assert oldest == "2\xa0days, 3\xa0hours ago"
    median = re.search(r'<dd class="median-processing">(.*?)</dd>', section, re.S).group(1)
    assert median.startswith("2\xa0hours ") and "(1 processed inquiry)" in median
    assert "3 inquiries received in the last 30 days" in section

    svg = re.search(r"<svg [^>]*>(.*?)</svg>", section, re.S)
    assert 'role="img"' in svg.group(0)
    assert re.search(r'<title id="inquiry-chart-title">Inquiries per day', svg.group(1))
    assert '<desc id="inquiry-chart-desc">' in svg.group(1)
    heights = [
        float(h) for h in re.findall(r'<rect class="bar"[^>]*height="([\d.]+)"', svg.group(0))
    ]
    assert len(heights) == 30
    # Which local days the three fall on depends on the hour the test runs.
    expected = collections.Counter(timezone.localdate(at) for at in times)
    # The busiest day fills the plot; days without inquiries have no height.
    assert max(heights) == 120
    assert heights.count(0) == 30 - len(expected)

    table = re.search(r"<details .*?<tbody>(.*?)</tbody>", section, re.S).group(1)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', table)
    assert len(rows) == 30
    shown = {day: int(count) for day, count in rows if count != "0"}
    assert shown == {day.strftime("%m/%d/%Y"): count for day, count in expected.items()}
    assert rows[-1][0] == timezone.localdate(now).strftime("%m/%d/%Y")


def test_privacy_officers_and_superusers_see_the_dashboard(
    english, privacy_officer, verified_admin_client
):
    received(timezone.now() - HOUR)
    for client in (privacy_officer, verified_admin_client):
        section = dashboard_section(client.get(INDEX).content.decode())
        assert "1 inquiry is waiting" in section


def test_staff_without_access_to_inquiries_see_no_figures(english, verified_client_factory):
    from django.contrib.auth.models import User

    received(timezone.now() - HOUR)
    clerk = User.objects.create_user("clerk", password="x" * 20, is_staff=True)  # noqa: S106
    page = verified_client_factory(clerk).get(INDEX).content.decode()
    assert "inquiry-dashboard" not in page


def test_no_personal_data_on_the_index(english, operator, privacy_officer):
    received(timezone.now() - HOUR)
    processed(timezone.now() - 3 * HOUR, after=HOUR)
    blocked(created_at=timezone.now() - 2 * HOUR)
    for client in (operator, privacy_officer):
        page = client.get(INDEX).content.decode()
        dashboard_section(page)
        for personal in (CANARY_NAME, CANARY_PHONE, CANARY_MESSAGE, "555 12 34"):
            assert personal not in page


def test_the_page_has_no_inline_style_or_script(english, operator):
    # The CSP (style-src 'self', script-src 'self') would block them.
    received(timezone.now() - HOUR)
    section = dashboard_section(operator.get(INDEX).content.decode())
    assert "style=" not in section and "<style" not in section and "<script" not in section


def test_the_page_works_in_russian(operator):
    received(timezone.now() - 2 * HOUR - datetime.timedelta(minutes=10))
    section = dashboard_section(operator.get(INDEX).content.decode())
    # Durations come in Django's own words, already translated.
    oldest = re.search(r'<dd class="oldest-waiting">(.*?)</dd>', section, re.S).group(1)
    assert "2\xa0часа, 10\xa0минут" in oldest
    assert len(re.findall(r'<rect class="bar"', section)) == 30


def seed(count):
    """`count` inquiries over the last 40 days: waiting, processed and blocked ones."""
    now = timezone.now()
    for number in range(count):
        at = now - datetime.timedelta(hours=19 * number)
        if number % 5 == 0:
            blocked(created_at=at)
        elif number % 2:
            processed(at, after=HOUR * (number % 7 + 1))
        else:
            received(at)


def test_the_index_makes_the_same_few_queries_whatever_the_number_of_inquiries(english, operator):
    operator.get(INDEX)  # the first request fills process-wide caches
    counts = {}
    for total in (0, 5, 50):
        Inquiry.objects.all().delete()
        seed(total)
        with CaptureQueriesContext(connection) as queries:
            response = operator.get(INDEX)
        assert response.status_code == 200
        dashboard_section(response.content.decode())
        counts[total] = len(queries)
    assert counts[0] == counts[5] == counts[50], counts
    assert counts[0] <= 15, counts
