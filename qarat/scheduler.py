"""The periodic jobs, for hosts without cron (the Docker scheduler service).

Where cron is available, the crontab lines in README.md do the same. Daily jobs run once
a local day, at their time or at the first check after it (so a scheduler started late,
or restarted, catches up); frequent jobs run every `every`. Each job is safe to start on
several hosts at once (advisory lock, claims), so a second scheduler does no harm.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class Job:
    command: str
    args: tuple = ()
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    last_run: datetime.datetime | None = field(default=None, compare=False)

    def is_due(self, now):
        local = timezone.localtime(now)
        if self.every is not None:
            return self.last_run is None or now - self.last_run >= self.every
        if local.time() < self.daily_at:
            return False
        return self.last_run is None or timezone.localtime(self.last_run).date() < local.date()


def default_jobs():
    return [
        Job("send_pending_notifications", ("-v", "0"), every=datetime.timedelta(minutes=5)),
        Job("purge_expired_inquiries", ("-v", "0"), daily_at=datetime.time(3, 15)),
        Job("purge_old_records", ("-v", "0"), daily_at=datetime.time(3, 20)),
        Job("clearsessions", daily_at=datetime.time(3, 30)),
        Job("purge_login_records", ("-v", "0"), daily_at=datetime.time(3, 35)),
        Job("backup_database", ("-v", "0"), daily_at=datetime.time(3, 45)),
        Job("remind_privacy_officers", ("-v", "0"), daily_at=datetime.time(8, 30)),
    ]


def jobs_due(jobs, now):
    return [job for job in jobs if job.is_due(now)]
