"""The site's own settings, plus the two bench-only baseline views of bench/urls.py.

Selected by bench/run.py with DJANGO_SETTINGS_MODULE=bench.settings; never in production.
"""

from qarat.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
