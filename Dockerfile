# The site under gunicorn: slim Python, non-root, pinned requirements, static files collected at build.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# pg_dump/pg_restore for backup_database and restore_database (same major as the server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin qarat \
    && install -d -o qarat -g qarat -m 0700 /backups

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only PHONE_HASH_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && chown -R qarat /app/staticfiles

USER qarat
# Production unless told otherwise: with DEBUG off the site refuses to start without secrets.
ENV DEBUG=false \
    BACKUP_DIR=/backups
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD python -c "import os, urllib.request; \
host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0]; \
urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"

# Migrations run from the entry command so a new image brings its schema with it.
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c gunicorn.conf.py qarat.wsgi"]
