"""Working days in Kazakhstan: no weekends, no public holidays (the `holidays` library)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _holidays(year):
    return holidays.country_holidays("KZ", years=year)


def is_working_day(day):
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start, days):
    """The `days`-th working day after `start` (the day a request arrives does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
