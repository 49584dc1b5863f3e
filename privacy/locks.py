from contextlib import contextmanager

from django.db import connection

# pg_advisory_lock keys of the periodic jobs; any fixed numbers unique in this database.
LOCK_KEYS = {"purge_expired_inquiries": 7_301_001}


@contextmanager
def job_lock(name):
    """Yields True if this process may run the job now, False if another one is running it.

    On PostgreSQL a session advisory lock, so two hosts starting the job at once do not
    collide; SQLite serves one machine in development and takes no lock.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = LOCK_KEYS[name]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
