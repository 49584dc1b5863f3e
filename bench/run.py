"""The benchmark of the site: `make bench` (README, section Benchmark).

Production settings (DEBUG off; plain HTTP on loopback, so HTTPS off) under gunicorn with
gunicorn.conf.py and two workers, on a fresh PostgreSQL database that it creates and drops,
with the load generator on the same machine. Every figure is a ratio against a baseline
measured in the same run:

- GET / against a hello-world view served by the same gunicorn and middleware;
- a valid submission of the form (CSRF cookie and token, consent, a fresh form token)
  against a bare view that inserts the same row (bench/urls.py);
- the admin's inquiry list and a phone search with a million inquiries against the same
  pages on an empty table;
- the retention purge of a million expired inquiries against a raw SQL DELETE of the same
  rows.

It prints a table and where the time went, and writes the figures to a JSON file.
"""

import argparse
import contextlib
import datetime
import json
import os
import secrets
import tempfile
import time
from pathlib import Path

import psycopg

from bench.admin import admin_phases
from bench.figures import TARGETS, figures
from bench.load import http_phases
from bench.processes import CpuMeter, busy_percent, effective_cores, machine, parent_of
from bench.purge import purge_phase
from bench.report import code_state, details_table, figures_table, noise_warnings, steps_table
from bench.server import WORKERS, WatchedGunicorn
from qarat.live_server import BASE_DIR, manage, postgres_database, site_environment

# Settings of the site's own that would change what is measured if the shell or a .env
# file had them: the run sets each itself or leaves it at its default.
NEUTRALIZED = ("INQUIRY_PROCESSED_RETENTION_DAYS", "LOGIN_FAILURE_LIMIT", "SESSION_HOURS")


class Steps:
    """Wall time of each step of the run, printed at the end."""

    def __init__(self):
        self.started = time.perf_counter()
        self.times = {}

    @contextlib.contextmanager
    def __call__(self, name):
        print(f"-- {name}", flush=True)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - started

    def total(self):
        return time.perf_counter() - self.started


def bench_environment(tmp, database_url, cache_url):
    """Production settings as the benchmark measures them, whatever the shell says."""
    env = site_environment(
        tmp,
        database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        # Plain HTTP on loopback: no redirect to HTTPS, no Secure-only cookies.
        HTTPS="false",
        TRUSTED_PROXY_COUNT="0",
        TLS_AT_PROXY="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        PHONE_HASH_KEY=secrets.token_urlsafe(50),
        CACHE_URL=cache_url,
        EMAIL_URL="consolemail://",
        INQUIRY_NOTIFY_EMAILS="",
        YANDEX_METRIKA_ID="",
        # The load comes from one address, far faster than people type.
        INQUIRY_RATE_LIMIT="1000000000/m",
        INQUIRY_MIN_FILL_SECONDS="0",
        # Operators log in with the password step only: the TOTP step is not measured.
        ADMIN_REQUIRE_2FA="false",
        ADMIN_URL="admin/",
        INQUIRY_RETENTION_YEARS="3",
        PURGE_MARGIN_HOURS="24",
        DESTRUCTION_JOURNAL=str(Path(tmp) / "backups" / "destructions.jsonl"),
        # One line per request, which the run reads back for the time spent inside Django.
        LOG_FORMAT="text",
        LOG_LEVEL="INFO",
    )
    for name in NEUTRALIZED:
        env.pop(name, None)
    return env


PHASES = ("http", "admin", "purge")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per pair (4)")
    parser.add_argument("--seconds", type=float, default=3, help="measured seconds per round (3)")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds per round (1)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="inquiries seeded (1M)")
    parser.add_argument("--admin-requests", type=int, default=30, help="per admin page (30)")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="comma-separated, of: http (GET and POST /), admin, purge (default all)",
    )
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results.json"))
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (a database is created there and dropped)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13"),
        help="Redis database for the site's cache (flushed)",
    )
    parser.add_argument(
        "--database-options",
        default="",
        help="query string added to the site's DATABASE_URL, e.g. conn_max_age=600 "
        "(default none, as README documents)",
    )
    args = parser.parse_args(argv)
    phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
    if not phases or set(phases) - set(PHASES):
        parser.error(f"--phases: some of {', '.join(PHASES)}")
    if args.rows % 10 or args.rows < 10_000:
        parser.error("--rows: a multiple of 10, at least 10000")

    import redis

    cache = redis.Redis.from_url(args.redis)
    steps = Steps()
    results = {
        "command": "make bench",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_state(),
        "setup": {
            "phases": phases,
            "gunicorn_workers": WORKERS,
            "clients": args.clients,
            "rounds": args.rounds,
            "warmup_seconds_per_round": args.warmup,
            "measured_seconds_per_round": args.seconds,
            "rows": args.rows,
            "admin_requests": args.admin_requests,
            "database_url_options": args.database_options,
            "gunicorn_max_requests": os.environ.get("GUNICORN_MAX_REQUESTS", "2000"),
            "gunicorn_max_requests_jitter": os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"),
        },
        "targets": TARGETS,
    }
    with steps("calibration: effective cores"):
        results["machine"]["busy_before_start_percent"] = busy_percent()
        results["machine"]["effective_cores_at_start"] = effective_cores()
    with (
        tempfile.TemporaryDirectory(prefix="qarat-bench-") as tmp,
        postgres_database(args.postgres, "qarat_bench") as database_url,
    ):
        site_database_url = database_url
        if args.database_options:
            site_database_url += "?" + args.database_options
        env = bench_environment(tmp, site_database_url, args.redis)
        with psycopg.connect(database_url) as connection:
            backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
            version = connection.info.server_version
            results["machine"]["postgresql"] = f"{version // 10000}.{version % 10000}"
            # While the connection is open: its backend process exits with it.
            postmaster = parent_of(backend)
        cache.flushdb()
        with steps("migrate, collectstatic, staff account"):
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            login = ("bench-operator", secrets.token_urlsafe(24))
            manage(env, "create_operator", login[0], "--password-stdin", stdin=login[1] + "\n")
            # The first login's own-password step is not measured either.
            manage(
                env,
                "shell",
                "-c",
                "from staff.models import PasswordChangeRequired as P; P.objects.all().delete()",
            )
        if "http" in phases or "admin" in phases:
            with steps("gunicorn start"):
                server = WatchedGunicorn(env, Path(tmp) / "gunicorn.log")
            try:
                if "http" in phases:
                    cpu = CpuMeter(
                        {
                            "client": None,
                            "gunicorn": server.process.pid,
                            "postgresql": postmaster,
                            "redis": int(cache.info("server")["process_id"]),
                        }
                    )
                    results["http"] = http_phases(server, args, cpu, steps, env["SECRET_KEY"])
                if "admin" in phases:
                    results["admin"] = admin_phases(server, args, database_url, login, steps)
                current = server.worker_rss()
                results["worker_rss"] = {
                    "peak_mb": round(max(server.rss_peak.values()), 1),
                    "at_end_mb": sorted(round(value, 1) for value in current.values() if value),
                    "workers_seen": len(server.rss_peak),
                }
            finally:
                with steps("gunicorn stop"):
                    server.stop()
        if "purge" in phases:
            results["purge"] = purge_phase(env, database_url, rows=args.rows, steps=steps)
        cache.flushdb()
    with steps("calibration: effective cores"):
        results["machine"]["effective_cores_at_end"] = effective_cores()
    results["steps"] = {name: round(seconds, 1) for name, seconds in steps.times.items()}
    results["total_seconds"] = round(steps.total(), 1)
    results["figures"] = figures(results)
    warnings = noise_warnings(results)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print()
    for warning in warnings:
        print(f"Warning: {warning}")
    print(figures_table(results["figures"]))
    if "http" in results:
        print()
        print(details_table(results))
    print()
    print(steps_table(results))
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
