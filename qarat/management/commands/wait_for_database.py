"""Wait until the database answers: the container's start, before `migrate`.

Compose starts the database and the site together; the database may need some seconds
before it accepts connections (and podman-compose does not wait for its health check).
Exits 0 as soon as a query succeeds, 1 after --timeout seconds.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Wait until the database accepts connections (container start, before migrate)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait at most.")

    def handle(self, *args, timeout, verbosity=1, **options):
        deadline = time.monotonic() + timeout
        said = False
        while True:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except DatabaseError as error:
                connection.close()
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"The database did not answer within {timeout:g} seconds "
                        f"({type(error).__name__})."
                    ) from error
                if not said and verbosity >= 1:
                    self.stdout.write("Waiting for the database...")
                    said = True
                time.sleep(1)
                continue
            if said and verbosity >= 1:
                self.stdout.write("The database answers.")
            return
