"""The daily jobs that keep the retention table's promises (README): privacy officers are
warned when one never ran or has not succeeded for two days (privacy_admin.purge_warning)."""

import dataclasses

from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class WatchedJob:
    name: str
    css_class: str
    never_ran: str
    late: str


WATCHED_JOBS = [
    WatchedJob(
        "purge_expired_inquiries",
        "purge-warning",
        _(
            "The retention purge has not run yet on this installation: inquiries are kept "
            "past their retention until it does. Set up the server's cron "
            "(purge_expired_inquiries) or the scheduler service."
        ),
        _(
            "The retention purge has not run successfully for more than two days: inquiries "
            "may be kept past their retention. Check the server's cron "
            "(purge_expired_inquiries)."
        ),
    ),
    WatchedJob(
        "purge_old_records",
        "old-records-warning",
        _(
            "The deletion of old records has not run yet on this installation: requests, "
            "destruction records, audit events and closed incidents are kept past their "
            "retention until it does. Set up the server's cron (purge_old_records) or the "
            "scheduler service."
        ),
        _(
            "The deletion of old records has not run successfully for more than two days: "
            "requests, destruction records, audit events and closed incidents may be kept "
            "past their retention. Check the server's cron (purge_old_records)."
        ),
    ),
    WatchedJob(
        "purge_login_records",
        "login-records-warning",
        _(
            "The deletion of staff login records has not run yet on this installation: staff "
            "members' addresses and browsers are kept past their retention until it does. "
            "Set up the server's cron (purge_login_records) or the scheduler service."
        ),
        _(
            "The deletion of staff login records has not run successfully for more than two "
            "days: staff members' addresses and browsers may be kept past their retention. "
            "Check the server's cron (purge_login_records)."
        ),
    ),
    WatchedJob(
        "backup_database",
        "backup-warning",
        _(
            "No database backup has been made yet on this installation. Set up the server's "
            "cron (backup_database) or the scheduler service."
        ),
        _(
            "No database backup has succeeded for more than two days: what came in since the "
            "last one has no copy, and older backups are kept past their retention. Check "
            "the server's cron (backup_database)."
        ),
    ),
]
