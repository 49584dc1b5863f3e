"""Deployment advice for `check --deploy`; rules the settings must keep are in settings_rules."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    """Rate limits and the cached texts must be shared by every worker and server."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                "The cache is kept in each process: the submission rate limit is not shared "
                "between workers and servers, and a published consent version or edited "
                "public text reaches the other workers only after TEXTS_CACHE_SECONDS.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/1 (README, Configuration).",
                id="qarat.W001",
            )
        ]
    return []
