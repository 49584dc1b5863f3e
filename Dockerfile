# The site under gunicorn: slim Python, non-root, pinned requirements, static files collected at build.
# pg_dump/pg_restore for backup_database and restore_database, PostgreSQL 17 like compose's
# postgres:17 (a pg_restore newer than the server fails). Named by major on purpose: Debian
# 13 (trixie), the base of python:3.12-slim, has it; another base fails here instead of
# bringing another major. Only the client programs are kept (not Debian's perl wrappers).
FROM python:3.12-slim AS postgresql-client
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-17

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/usr/lib/postgresql/17/bin:$PATH

WORKDIR /app
# The libraries of those programs; qarat's home is its own, /app stays root's (read-only).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 liblz4-1 libzstd1 libreadline8t64 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/qarat \
        --shell /usr/sbin/nologin qarat \
    && install -d -o qarat -g qarat -m 0700 /backups
COPY --from=postgresql-client /usr/lib/postgresql/17/bin/pg_dump /usr/lib/postgresql/17/bin/pg_restore \
    /usr/lib/postgresql/17/bin/psql /usr/lib/postgresql/17/bin/pg_isready /usr/lib/postgresql/17/bin/
RUN pg_dump --version && pg_restore --version && psql --version

COPY requirements.txt .
RUN pip install -r requirements.txt

# .dockerignore keeps out tests, docs, secrets (.env) and local state.
COPY . .
ENV STATIC_ROOT=/app/staticfiles
RUN DEBUG=false SECRET_KEY=collectstatic-only PHONE_HASH_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

USER qarat
# Production unless told otherwise: with DEBUG off the site refuses to start without secrets.
ENV DEBUG=false \
    BACKUP_DIR=/backups \
    GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000

# GET /healthz where GUNICORN_BIND says gunicorn listens, as nginx asks (qarat/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-m", "qarat.healthcheck"]

# Wait for the database, migrate (a new image brings its schema with it), then gunicorn as PID 1.
CMD ["sh", "-c", "python manage.py wait_for_database && python manage.py migrate --noinput && exec gunicorn -c gunicorn.conf.py qarat.wsgi"]
