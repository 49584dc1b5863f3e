import datetime

import pytest
from django.utils import timezone

from privacy.retention import anniversary, purge_cutoffs, retention_cutoff

NO_MARGIN = datetime.timedelta(0)


def at(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def due(created, now, margin=NO_MARGIN, years=3):
    return at(created) <= retention_cutoff(now=at(now), margin=margin, years=years)


@pytest.mark.parametrize(
    ("created", "now", "expected"),
    [
        # One second either side of the third anniversary.
        ("2023-05-10 14:00:00", "2026-05-10 14:00:00", True),
        ("2023-05-10 14:00:01", "2026-05-10 14:00:00", False),
        ("2023-05-10 13:59:59", "2026-05-10 14:00:00", True),
        # Created on 29 February: the anniversary in a common year is 28 February.
        ("2024-02-29 10:00:00", "2027-02-28 10:00:00", True),
        ("2024-02-29 10:00:01", "2027-02-28 10:00:00", False),
        # ...so 28 February's later hours go with it, less than a day early, never late.
        ("2024-02-28 23:59:59", "2027-02-28 00:00:00", True),
        ("2024-03-01 00:00:00", "2027-02-28 23:59:59", False),
        ("2024-02-28 00:00:00", "2027-02-28 00:00:00", True),
        # Now is 29 February: all of 28 February three years earlier is due.
        ("2025-02-28 23:59:59", "2028-02-29 00:00:01", True),
        ("2025-02-28 23:59:59.999999", "2028-02-29 00:00:01", True),
        ("2025-03-01 00:00:00", "2028-02-29 23:59:59", False),
        # Crossing the new year.
        ("2023-12-31 23:59:59", "2026-12-31 23:59:59", True),
        ("2024-01-01 00:00:00", "2026-12-31 23:59:59", False),
    ],
)
def test_inquiries_are_due_exactly_at_their_third_anniversary(created, now, expected):
    assert due(created, now) is expected
    if not expected:
        assert anniversary(at(created), years=3) > at(now)


def test_the_margin_deletes_what_turns_three_before_the_next_run():
    day = datetime.timedelta(days=1)
    assert due("2023-05-10 14:00:00", "2026-05-09 14:00:00", margin=day)
    assert not due("2023-05-10 14:00:01", "2026-05-09 14:00:00", margin=day)


def test_a_shorter_retention_moves_the_cutoff():
    assert due("2025-05-10 14:00:00", "2026-05-10 14:00:00", years=1)
    assert not due("2025-05-10 14:00:01", "2026-05-10 14:00:00", years=1)


def test_nothing_outlives_its_anniversary_and_nothing_goes_a_day_early():
    # Every hour around leap days: anniversary passed => due; due => anniversary within a day.
    starts = (at("2024-02-27 00:00:00"), at("2025-02-26 00:00:00"))
    for created in (s + datetime.timedelta(hours=h) for s in starts for h in range(24 * 4)):
        for now_text in (
            "2027-02-28 05:00:00",
            "2027-03-01 00:00:00",
            "2028-02-29 12:00:00",
            "2027-02-27 23:00:00",
            "2028-02-28 12:00:00",
            "2028-03-01 00:30:00",
        ):
            now = at(now_text)
            is_due = created <= retention_cutoff(now=now, margin=NO_MARGIN)
            passed = anniversary(created, years=3)
            if passed <= now:
                assert is_due, (created, now)
            if is_due:
                assert passed <= now + datetime.timedelta(days=1), (created, now)


@pytest.mark.parametrize("margin_hours", [0, 24, 36])
def test_the_processed_cutoff_reaches_ahead_by_the_margin_like_the_retention_one(
    settings, margin_hours
):
    """A daily purge removes what would pass its processed retention before the next run."""
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = 30
    settings.PURGE_MARGIN_HOURS = margin_hours
    now = timezone.make_aware(datetime.datetime(2026, 11, 25, 3, 15))
    cutoff, processed = purge_cutoffs(now=now)
    margin = datetime.timedelta(hours=margin_hours)
    assert processed == now + margin - datetime.timedelta(days=30)
    assert cutoff == retention_cutoff(
        now=now, years=settings.INQUIRY_RETENTION_YEARS, margin=margin
    )


def test_the_purge_keeps_inquiries_only_as_many_years_as_configured(settings):
    settings.INQUIRY_RETENTION_YEARS = 1
    settings.PURGE_MARGIN_HOURS = 0
    cutoff, _ = purge_cutoffs(now=at("2026-05-10 14:00:00"))
    assert at("2025-05-10 14:00:00") <= cutoff
    assert not at("2025-05-10 14:00:01") <= cutoff


def test_no_processed_cutoff_when_processed_retention_is_off(settings):
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = None
    assert purge_cutoffs(now=timezone.now())[1] is None
