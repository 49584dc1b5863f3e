"""What every worker's first requests would load, loaded once in gunicorn's master.

gunicorn imports the site before it forks its workers (`preload_app` in gunicorn.conf.py),
so the modules, the compiled templates and the translation catalogs loaded here are shared
by every worker, and a worker recycled after `GUNICORN_MAX_REQUESTS` starts serving in
milliseconds instead of re-importing Django for about a second.

Nothing here may open a database or Redis connection: one opened before the fork would be
shared by every worker. Each worker opens its own at its first query.
"""

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
