"""Run the periodic jobs forever: the `scheduler` service of compose.yaml.

Hosts with cron use the crontab lines of README.md instead. A failing job is logged
(without personal data) and retried at its next turn; the loop never stops for it.

It starts no job before the database answers and every migration is applied: on a first
start the web container may still be migrating, and a backup of a half-migrated database
is worthless. SIGTERM (`docker stop`) or SIGINT stops it between jobs, never in the middle
of one, so a backup is never cut short.
"""

import logging
import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from qarat.scheduler import default_jobs, jobs_due

logger = logging.getLogger(__name__)

POLL_SECONDS = 30
WAIT_SECONDS = 2


def migrations_pending():
    """How many migrations are still to apply; raises DatabaseError while there is no database."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Run the periodic jobs (notifications, purges, sessions, backup) in a loop."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run what is due now, then stop (for tests)."
        )

    def handle(self, *args, once=False, **options):
        self.stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        if not self._wait_for_migrations():
            return
        jobs = default_jobs()
        logger.info("Scheduler started.")
        while not self.stopping.is_set():
            now = timezone.now()
            for job in jobs_due(jobs, now):
                if self.stopping.is_set():
                    break
                job.last_run = now
                try:
                    call_command(job.command, *job.args)
                except Exception as error:  # noqa: BLE001 - one job must not stop the others
                    logger.error("Job %s failed (%s).", job.command, type(error).__name__)
                finally:
                    close_old_connections()
            if once:
                return
            self.stopping.wait(POLL_SECONDS)
        logger.info("Scheduler stopped.")

    def _stop(self, signum, frame):
        self.stopping.set()

    def _wait_for_migrations(self):
        """Block until the schema is complete; False if told to stop meanwhile."""
        said = None
        while not self.stopping.is_set():
            try:
                pending = migrations_pending()
            except DatabaseError as error:
                pending, reason = None, f"the database does not answer ({type(error).__name__})"
            else:
                reason = f"{pending} migration(s) are not applied yet"
            finally:
                close_old_connections()
            if pending == 0:
                return True
            if reason != said:
                logger.warning("Scheduler waiting: %s.", reason)
                said = reason
            self.stopping.wait(WAIT_SECONDS)
        return False
