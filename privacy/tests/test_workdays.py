import datetime

import pytest
from django.utils import timezone

from privacy.models import SubjectRequest, request_due_on
from privacy.workdays import CalendarDay, add_working_days, is_working_day

# The working calendar's entries are read from the database (and its cache).
pytestmark = pytest.mark.django_db

D = datetime.date


def at(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def test_weekends_are_not_working_days():
    assert is_working_day(D(2026, 2, 6))  # Friday
    assert not is_working_day(D(2026, 2, 7))
    assert not is_working_day(D(2026, 2, 8))


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 1),
        D(2026, 1, 2),
        D(2026, 1, 7),  # Orthodox Christmas
        D(2026, 3, 9),  # 8 March fell on a Sunday: the Monday is off
        D(2026, 3, 23),  # Nauryz, 21-25 March with the days carried over
        D(2026, 3, 24),
        D(2026, 3, 25),
        D(2026, 12, 16),
    ],
)
def test_kazakhstan_public_holidays_are_not_working_days(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


def test_the_day_the_request_arrives_does_not_count():
    assert add_working_days(D(2026, 2, 10), 1) == D(2026, 2, 11)


def test_information_received_on_friday_is_due_on_wednesday():
    assert request_due_on(kind="information", received_at=at("2026-02-06 16:00")) == D(2026, 2, 11)


def test_one_working_day_from_friday_is_monday():
    assert request_due_on(kind="deletion", received_at=at("2026-02-06 17:59")) == D(2026, 2, 9)


def test_received_on_saturday_counts_from_monday():
    assert request_due_on(kind="blocking", received_at=at("2026-02-07 10:00")) == D(2026, 2, 9)


def test_withdrawal_takes_15_working_days_across_nauryz():
    # From Friday 13 March: 23-25 March are holidays, so three days later than the calendar.
    received = at("2026-03-13 12:00")
    assert add_working_days(D(2026, 3, 13), 15) == D(2026, 4, 8)
    assert request_due_on(kind="withdrawal", received_at=received) == D(2026, 4, 8)


def test_correction_received_on_a_holiday_is_due_after_the_holidays():
    # Monday 23 March (Nauryz): 24 and 25 are off too, the first working day is the 26th.
    assert request_due_on(kind="correction", received_at=at("2026-03-23 09:00")) == D(2026, 3, 26)


def test_blocking_received_before_the_8_march_weekend_skips_the_observed_monday():
    assert request_due_on(kind="blocking", received_at=at("2026-03-06 15:00")) == D(2026, 3, 10)


def test_new_year_holidays_and_weekend_are_skipped():
    assert request_due_on(kind="deletion", received_at=at("2025-12-31 18:00")) == D(2026, 1, 5)


def test_the_day_received_is_the_local_date_in_almaty():
    # 20:30 UTC on Thursday is 01:30 on Friday in Kazakhstan (UTC+5).
    received = datetime.datetime(2026, 2, 5, 20, 30, tzinfo=datetime.UTC)
    assert request_due_on(kind="information", received_at=received) == D(2026, 2, 11)


def test_the_number_of_days_is_a_setting(settings):
    settings.SUBJECT_REQUEST_DEADLINE_DAYS = {
        **settings.SUBJECT_REQUEST_DEADLINE_DAYS,
        "information": 5,
    }
    assert request_due_on(kind="information", received_at=at("2026-02-06 16:00")) == D(2026, 2, 13)


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("information", D(2026, 3, 30)),
        ("correction", D(2026, 3, 26)),
        ("blocking", D(2026, 3, 26)),
        ("deletion", D(2026, 3, 26)),
        ("withdrawal", D(2026, 4, 15)),
    ],
)
def test_a_saved_request_gets_its_due_date_by_kind(kind, due):
    subject_request = SubjectRequest.objects.create(
        kind=kind,
        received_at=at("2026-03-20 11:00"),  # Friday before Nauryz
        phone_hash="0" * 64,
        phone_last_digits="34",
    )
    assert subject_request.due_on == due


# --- the working calendar privacy officers keep ---------------------------------------------

CALENDAR = "/admin/privacy/calendarday/"


def add_calendar_day(client, day, kind, **overrides):
    data = {
        "date": day.strftime("%d.%m.%Y"),
        "kind": kind,
        "decree_number": "No. 1042",
        "decree_date": "20.12.2025",
        "note": "Moved from Friday 13 February.",
        **overrides,
    }
    return client.post(f"{CALENDAR}add/", data)


def test_the_librarys_working_saturdays_count_as_working_days():
    # Decrees the pinned library knows: 4 May 2024 and 1 July 2023 were working Saturdays.
    assert is_working_day(D(2024, 5, 4)) and is_working_day(D(2023, 7, 1))
    assert request_due_on(kind="deletion", received_at=at("2024-05-03 12:00")) == D(2024, 5, 4)


def test_a_saturday_made_a_working_day_by_decree_moves_due_dates_earlier(privacy_officer):
    waiting = SubjectRequest.objects.create(
        kind="deletion",
        received_at=at("2026-02-06 17:00"),  # Friday
        phone_hash="0" * 64,
        phone_last_digits="34",
    )
    closed = SubjectRequest.objects.create(
        kind="deletion",
        received_at=at("2026-02-06 17:00"),
        phone_hash="1" * 64,
        phone_last_digits="35",
        status="done",
    )
    assert waiting.due_on == D(2026, 2, 9)  # Monday
    response = add_calendar_day(privacy_officer, D(2026, 2, 7), "working_day")
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.decree_number, day.decree_date) == ("No. 1042", D(2025, 12, 20))
    assert is_working_day(D(2026, 2, 7))
    # Every due date counts it: the open request's, and a new one's.
    waiting.refresh_from_db()
    assert waiting.due_on == D(2026, 2, 7)
    assert request_due_on(kind="deletion", received_at=at("2026-02-06 09:00")) == D(2026, 2, 7)
    closed.refresh_from_db()
    assert closed.due_on == D(2026, 2, 9)  # a closed request's deadline is history
    # A mistake corrected: the entry deleted, the Saturday is a day off again.
    privacy_officer.post(f"{CALENDAR}{day.pk}/delete/", {"post": "yes"})
    assert not CalendarDay.objects.exists()
    waiting.refresh_from_db()
    assert waiting.due_on == D(2026, 2, 9)


def test_a_weekday_made_a_day_off_by_decree_moves_due_dates_later(privacy_officer):
    assert request_due_on(kind="information", received_at=at("2026-02-06 16:00")) == D(2026, 2, 11)
    add_calendar_day(privacy_officer, D(2026, 2, 10), "day_off")
    assert not is_working_day(D(2026, 2, 10))
    assert request_due_on(kind="information", received_at=at("2026-02-06 16:00")) == D(2026, 2, 12)


def test_an_entry_wins_over_the_library_both_ways(privacy_officer):
    add_calendar_day(privacy_officer, D(2024, 5, 4), "day_off")  # the library: working
    add_calendar_day(privacy_officer, D(2026, 3, 23), "working_day")  # the library: Nauryz
    assert not is_working_day(D(2024, 5, 4))
    assert is_working_day(D(2026, 3, 23))


def test_the_calendar_is_read_once_per_due_date_and_cached(django_assert_num_queries):
    CalendarDay.objects.create(
        date=D(2026, 2, 7), kind="working_day", decree_number="1", decree_date=D(2026, 1, 5)
    )
    with django_assert_num_queries(1):
        assert add_working_days(D(2026, 2, 6), 1) == D(2026, 2, 7)
    with django_assert_num_queries(0):
        assert add_working_days(D(2026, 2, 6), 15) == D(2026, 2, 26)


def test_only_privacy_officers_keep_the_calendar_and_its_note_takes_no_contact_details(
    privacy_officer, operator
):
    assert operator.get(CALENDAR).status_code == 403
    assert add_calendar_day(operator, D(2026, 2, 7), "working_day").status_code == 403
    response = add_calendar_day(
        privacy_officer, D(2026, 2, 7), "working_day", note="Ask 8 701 555 12 34"
    )
    assert "note" in response.context["adminform"].form.errors
    assert not CalendarDay.objects.exists()
    assert privacy_officer.get(CALENDAR).status_code == 200
