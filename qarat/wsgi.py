"""WSGI entry point for gunicorn: `gunicorn qarat.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qarat.settings")

application = get_wsgi_application()
