"""How long inquiries may be kept: at most three calendar years (consent, clause 6).

The purge deletes everything that reaches its anniversary before the next run, so a
late cron never lets an inquiry outlive it. Pure functions of `now`, so tests pin time.
"""

import calendar
import datetime

from django.conf import settings
from django.utils import timezone

from qarat.settings_rules import MAX_RETENTION_YEARS


def anniversary(moment, *, years):
    """The same local date and time `years` later; 29 February falls on 28 February."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def retention_cutoff(*, now, years=MAX_RETENTION_YEARS, margin=datetime.timedelta(days=1)):
    """The latest creation time whose `years`-th anniversary falls on or before now + margin.

    An inquiry is due for deletion when created_at <= the returned instant. Every inquiry
    whose anniversary has come is due; around 29 February (whose anniversary is 28
    February) a few inquiries of 28 February become due up to a day early, never late.
    """
    horizon = timezone.localtime(now + margin)
    year = horizon.year - years
    if horizon.month == 2 and horizon.day == 29:
        # Every moment of 28 February `year` is due, and 29 February does not exist then.
        return horizon.replace(year=year, day=28, hour=23, minute=59, second=59, microsecond=999999)
    cutoff = horizon.replace(year=year)
    if cutoff.month == 2 and cutoff.day == 28 and calendar.isleap(year):
        # 29 February's anniversary is 28 February: the same time on the 29th is due too.
        cutoff = cutoff.replace(day=29)
    return cutoff


def purge_cutoffs(*, now):
    """(retention cutoff, processed cutoff or None) for a purge run at `now`, from settings."""
    margin = datetime.timedelta(hours=settings.PURGE_MARGIN_HOURS)
    cutoff = retention_cutoff(now=now, years=settings.INQUIRY_RETENTION_YEARS, margin=margin)
    days = settings.INQUIRY_PROCESSED_RETENTION_DAYS
    processed = None if days is None else now + margin - datetime.timedelta(days=days)
    return cutoff, processed


def records_cutoff(*, now, years):
    """Records closed (or made) at or before this moment are past a retention of `years`."""
    return anniversary(now, years=-years)


def inquiry_deletion_date(inquiry):
    """The day by which the purge deletes `inquiry` (its anniversary, or the processed
    retention if that comes first); None while a legal hold keeps it."""
    if inquiry.legal_hold_reason:
        return None
    due = anniversary(inquiry.created_at, years=settings.INQUIRY_RETENTION_YEARS)
    days = settings.INQUIRY_PROCESSED_RETENTION_DAYS
    if days is not None and inquiry.processed_at and inquiry.status == "processed":
        due = min(due, timezone.localtime(inquiry.processed_at) + datetime.timedelta(days=days))
    return due.date()
