"""What every worker's first requests would load, loaded once in gunicorn's master, and
kept shared for the worker's whole life, its end included.

gunicorn imports the site before it forks its workers (`preload_app` in gunicorn.conf.py),
so the modules, the compiled templates and the translation catalogs loaded here are shared
by every worker, and a worker recycled after `GUNICORN_MAX_REQUESTS` starts serving in
milliseconds instead of re-importing Django for about a second. What a first page would
import, read or compile on top (the widgets' templates, the date formats, the addresses'
patterns, the middleware's storages) is loaded here too: left to the first request, it
doubled a recycled worker's first `GET /`, while the other worker served alone. What a page
reads from the database or the cache is left to the workers.

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
import datetime
import gc
import logging
import os
import sys
from importlib import import_module
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.forms.renderers import get_default_renderer
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.template.loader import get_template
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.utils import dateformat, formats, translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string


def load_before_fork():
    for cache in settings.CACHES.values():
        import_string(cache["BACKEND"])
        if cache["BACKEND"].startswith("django_redis."):
            # Imported by the backend's client, on the first use of the cache.
            options = cache.get("OPTIONS", {})
            import_string(options.get("CLIENT_CLASS", "django_redis.client.DefaultClient"))
            import_string(
                options.get("SERIALIZER", "django_redis.serializers.pickle.PickleSerializer")
            )
            import_string(
                options.get("COMPRESSOR", "django_redis.compressors.identity.IdentityCompressor")
            )
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")  # loads the catalogs of every app for this language
            resolver.reverse_dict  # noqa: B018 - imports the views; reverse() per language
            _reverse_every_address(resolver)
            date_format = formats.get_format("DATE_FORMAT")  # the language's format modules
            dateformat.format(datetime.date(2000, 1, 1), date_format)
    templates = Path(settings.BASE_DIR) / "templates"
    for path in sorted(templates.rglob("*.html")):
        get_template(path.relative_to(templates).as_posix())
    # The widgets' templates, which forms load through their own template engine.
    renderer = get_default_renderer()
    widgets = Path(forms.__file__).parent / "templates"
    for path in sorted(widgets.rglob("*.html")):
        renderer.get_template(path.relative_to(widgets).as_posix())
    _load_what_each_request_needs()
    gc.collect()
    gc.freeze()


def _load_what_each_request_needs():
    """What the middleware imports or compiles at its first request otherwise."""
    request = HttpRequest()
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_ACCEPT_LANGUAGE": "ru"}
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()  # loads nothing yet
    import_string(settings.MESSAGE_STORAGE)(request)  # its storages and their signer
    translation.get_language_from_request(request, check_path=True)
    staticfiles_storage.url  # noqa: B018 - its class, and the manifest of the static files
    "".encode("idna")  # the codec socket.getaddrinfo() imports at the first connection
    split_domain_port("localhost")
    response = HttpResponse()
    for header in ("Cookie", "Accept-Language"):
        patch_vary_headers(response, (header,))


def _reverse_every_address(resolver, namespace=""):
    """Reverse and resolve each named address that takes no argument (the links of every
    page), compiling the patterns both need."""
    for name in resolver.reverse_dict:
        if isinstance(name, str):
            with contextlib.suppress(NoReverseMatch, Resolver404):
                resolve(reverse(namespace + name))
    for inner, (_prefix, included) in resolver.namespace_dict.items():
        _reverse_every_address(included, f"{namespace}{inner}:")


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
