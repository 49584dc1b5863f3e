"""Run the periodic jobs forever: the `scheduler` service of compose.yaml.

Hosts with cron use the crontab lines of README.md instead. A failing job is logged
(without personal data) and retried at its next turn; the loop never stops for it.
"""

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from privacy.scheduler import default_jobs, jobs_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs (notifications, purge, sessions, backup) in a loop."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run what is due now, then stop (for tests)."
        )

    def handle(self, *args, once=False, **options):
        jobs = default_jobs()
        while True:
            now = timezone.now()
            for job in jobs_due(jobs, now):
                job.last_run = now
                try:
                    call_command(job.command, *job.args)
                except Exception as error:  # noqa: BLE001 - one job must not stop the others
                    logger.error("Job %s failed (%s).", job.command, type(error).__name__)
                finally:
                    close_old_connections()
            if once:
                return
            time.sleep(30)
