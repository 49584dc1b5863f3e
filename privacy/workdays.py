"""Working days in Kazakhstan: no weekends, no public holidays (the `holidays` library),
corrected by the calendar privacy officers keep (CalendarDay): a Government decree that
moves a day off makes a Saturday a working day, or a weekday a day off, and the pinned
library does not know the decrees issued after its release."""

import datetime
from functools import lru_cache

import holidays
from django.db import models
from django.utils.translation import gettext_lazy as _

from qarat.cache import SharedValue


class CalendarDay(models.Model):
    """One day the decree makes different from what the library says; it wins over it."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        WORKING_DAY = "working_day", _("working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    decree_number = models.CharField(_("decree number"), max_length=50)
    decree_date = models.DateField(_("decree date"))
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("E.g. which day off it was moved from. No personal data."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"


def _load_overrides():
    return dict(CalendarDay.objects.values_list("date", "kind"))


# {date: kind} of every entry: a small table, read once per due date from the cache and
# forgotten when an entry changes (privacy.models).
OVERRIDES = SharedValue("privacy:calendar-days", _load_overrides)


@lru_cache(maxsize=16)
def _holidays(year):
    return holidays.country_holidays("KZ", years=year)


def _library_working_day(day):
    # The library's own working weekend days (moved by decree) count as working too.
    return _holidays(day.year).is_working_day(day)


def is_working_day(day, overrides=None):
    kind = (OVERRIDES.get() if overrides is None else overrides).get(day)
    if kind is not None:
        return kind == CalendarDay.Kind.WORKING_DAY
    return _library_working_day(day)


def add_working_days(start, days):
    """The `days`-th working day after `start` (the day a request arrives does not count)."""
    overrides = OVERRIDES.get()
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, overrides):
            counted += 1
    return day
