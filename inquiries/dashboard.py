"""The figures of the admin index: counts and durations, never who the inquiries are.

Each figure is one aggregate query that an index bounds: the last 30 days through the
index on `created_at`, the waiting ones through (`status`, `created_at`). The page costs
the same number of queries, and about the same time, at ten inquiries as at a million.
Blocked inquiries are left out of every figure, as from the waiting count: operators do
not see them, and a total they could compare with their list would give them away.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Aggregate, Count, DurationField, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from inquiries.models import WAITING_COUNT_LIMIT, Inquiry

DAYS = 30


class Median(Aggregate):
    """PostgreSQL's continuous median: the middle value, or the mean of the middle two."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


@dataclass(frozen=True)
class Dashboard:
    days: list  # [(date, inquiries received that day)], oldest first, DAYS of them
    waiting_count: int  # capped at WAITING_COUNT_LIMIT + 1
    oldest_waiting_age: datetime.timedelta | None
    processed_count: int  # of the inquiries received in the window
    median_processing_time: datetime.timedelta | None

    waiting_limit = WAITING_COUNT_LIMIT

    @property
    def total(self):
        return sum(count for _day, count in self.days)

    @property
    def busiest(self):
        return max(count for _day, count in self.days)


def operator_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def window_days(now):
    """The DAYS calendar days up to and including today, in the operators' time zone."""
    today = timezone.localtime(now, operator_zone()).date()
    return [today - datetime.timedelta(days=back) for back in range(DAYS - 1, -1, -1)]


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=operator_zone())


def received_in(days, queryset=None):
    """Inquiries received from the first day's local midnight to the end of the last day."""
    queryset = Inquiry.objects.not_blocked() if queryset is None else queryset
    return queryset.filter(
        created_at__gte=_midnight(days[0]),
        created_at__lt=_midnight(days[-1] + datetime.timedelta(days=1)),
    )


def daily_counts(days):
    rows = (
        received_in(days)
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=operator_zone()))
        .values("day")
        .annotate(count=Count("pk"))
    )
    counts = {row["day"]: row["count"] for row in rows}
    return [(day, counts.get(day, 0)) for day in days]


def processing_times(queryset):
    duration = F("processed_at") - F("created_at")
    return queryset.filter(status=Inquiry.Status.PROCESSED, processed_at__isnull=False).annotate(
        duration=duration
    )


def median_duration(queryset):
    """(count, median) of `processing_times(queryset)`; the mean of the middle two if even."""
    if connections[queryset.db].vendor == "postgresql":
        found = processing_times(queryset).aggregate(
            count=Count("pk"), median=Median("duration", output_field=DurationField())
        )
        return found["count"], found["median"]
    return median_duration_portable(queryset)


def median_duration_portable(queryset):
    """The same without percentile_cont (SQLite): count, then read the middle one or two.

    Always two queries, even on an empty window, so the page's query count stays fixed.
    """
    times = processing_times(queryset)
    count = times.count()
    first = max(0, (count - 1) // 2)
    middle = list(
        times.order_by("duration").values_list("duration", flat=True)[first : count // 2 + 1]
    )
    if not middle:
        return 0, None
    return count, sum(middle, datetime.timedelta()) / len(middle)


def inquiry_dashboard(*, now=None):
    now = now or timezone.now()
    days = window_days(now)
    waiting = Inquiry.objects.waiting()
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    processed_count, median = median_duration(received_in(days))
    return Dashboard(
        days=daily_counts(days),
        waiting_count=waiting.count_capped(),
        oldest_waiting_age=None if oldest is None else max(now - oldest, datetime.timedelta()),
        processed_count=processed_count,
        median_processing_time=median,
    )
