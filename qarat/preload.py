"""What every worker's first requests would load, loaded once in gunicorn's master, and
kept shared for the worker's whole life, its end included.

gunicorn imports the site before it forks its workers (`preload_app` in gunicorn.conf.py),
so the modules, the compiled templates and the translation catalogs loaded here are shared
by every worker, and a worker recycled after `GUNICORN_MAX_REQUESTS` starts serving in
milliseconds instead of re-importing Django for about a second.

Nothing here may open a database or Redis connection: one opened before the fork would be
shared by every worker. Each worker opens its own at its first query.

What would undo that sharing is kept away from it, for a worker's whole life:
- the garbage collector's full passes walk every object and write to each, copying the
  shared pages and stalling the worker; the objects loaded here are frozen (`gc.freeze`,
  as Python's documentation advises for a process that forks without exec), so those
  passes walk only what the worker made itself;
- the interpreter's teardown at exit frees every object one by one, copying the shared
  pages as it goes, and gunicorn starts no replacement until it is over, so the other
  worker serves alone meanwhile. A worker that ends normally finishes its notifications,
  closes its connections and leaves without it (`exit_without_teardown`).
The README's Benchmark section has what each costs.
"""

import contextlib
import gc
import logging
import os
import sys
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation
from django.utils.module_loading import import_string


def load_before_fork():
    for cache in settings.CACHES.values():
        import_string(cache["BACKEND"])
        if cache["BACKEND"].startswith("django_redis."):
            # Imported by the backend's __init__, on the first use of the cache.
            import_string("django_redis.client.DefaultClient")
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")  # loads the catalogs of every app for this language
            resolver.reverse_dict  # noqa: B018 - imports the views; reverse() per language
    templates = Path(settings.BASE_DIR) / "templates"
    for path in sorted(templates.rglob("*.html")):
        get_template(path.relative_to(templates).as_posix())
    gc.collect()
    gc.freeze()


def exit_without_teardown():
    """gunicorn's `worker_exit` hook: called in a worker while its exit propagates.

    A normal end (recycled after GUNICORN_MAX_REQUESTS, or a graceful stop: exit code 0)
    waits for the notifications still being sent, closes the database connections,
    flushes the logs and ends the process at once. Any other end (a worker that failed to
    boot, an error) keeps its exit code, which gunicorn's master reads, and the usual
    teardown.
    """
    from django.db import Error, connections

    from inquiries.notifications import notification_threads_wait

    leaving = sys.exc_info()[1]
    if not isinstance(leaving, SystemExit) or leaving.code not in (0, None):
        return
    notification_threads_wait(settings.EMAIL_TIMEOUT)
    # A server gone already raises; the socket closes with the process all the same.
    with contextlib.suppress(Error):
        connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
