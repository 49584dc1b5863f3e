"""gunicorn settings for the site (`gunicorn -c gunicorn.conf.py qarat.wsgi`), from the environment.

The site logs one line per request itself (qarat.request_log, without query strings or
client addresses), so gunicorn's own access log stays off.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# The master imports the site and loads what the first requests need (qarat/preload.py)
# once, before it forks: a worker, new or recycled, then serves in milliseconds. Nothing
# loaded there opens a connection; each worker opens its own database and Redis
# connections at its first query, after the fork. What was loaded stays shared: the
# garbage collector leaves it alone, and a worker that ends normally skips the teardown.
preload_app = True


def when_ready(server):
    from qarat.preload import load_before_fork

    load_before_fork()


def worker_exit(server, worker):
    from qarat.preload import exit_without_teardown

    exit_without_teardown()


# Recycle workers now and then, at staggered moments, so slow leaks never pile up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
accesslog = None
errorlog = "-"
loglevel = "info"
# Request line and headers are bounded before Django sees them.
limit_request_line = 4094
limit_request_fields = 100
# No runtime control socket (gunicornc): nothing uses it, and it would be created under
# $HOME, which the site's user may not write (the image's /app).
control_socket_disable = True
