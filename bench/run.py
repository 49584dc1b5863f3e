"""The benchmark of the site: `make bench` (README, section Benchmark).

Production settings (DEBUG off; plain HTTP on loopback, so HTTPS off) under gunicorn with
gunicorn.conf.py and two workers, on a fresh PostgreSQL database that it creates and drops,
with the load generator on the same machine. Every figure is a ratio against a baseline
measured in the same run:

- GET / against a hello-world view served by the same gunicorn and middleware;
- a valid submission of the form (CSRF cookie and token, consent, a fresh form token)
  against a bare view that inserts the same row (bench/urls.py), both on the database
  connection each worker keeps; and against the same submission on a second gunicorn that
  opens a connection per request (DATABASE_CONN_MAX_AGE=0);
- GET / and POST / with 64 clients, for errors;
- the admin's inquiry list and a phone search with a million inquiries against the same
  pages on an empty table;
- the retention purge of a million expired inquiries against a raw SQL DELETE of the same
  rows.

It prints a table, the previous run's figures beside this one's, and where the time went,
and writes the figures to a JSON file (the previous run's included).
"""

import argparse
import contextlib
import datetime
import json
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.admin import admin_phases
from bench.figures import TARGETS, figures
from bench.load import http_phases
from bench.processes import (
    CpuMeter,
    busy_percent,
    core_speed_ms,
    effective_cores,
    machine,
    parent_of,
)
from bench.purge import purge_phase
from bench.report import (
    code_state,
    comparison_table,
    details_table,
    figures_table,
    noise_warnings,
    previous_run,
    steps_table,
)
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


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--many-clients", type=int, default=64, help="clients of the round for errors (64)"
    )
    # One run's rounds spread by a quarter on a shared machine: 8 rounds, ~200 requests
    # behind each p99, instead of 4 (about 1.5 minutes more).
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds per group (8)")
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
        help="query string added to the site's DATABASE_URL (default none)",
    )
    args = parser.parse_args(argv)
    args.phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
    if not args.phases or set(args.phases) - set(PHASES):
        parser.error(f"--phases: some of {', '.join(PHASES)}")
    if args.rows % 10 or args.rows < 10_000:
        parser.error("--rows: a multiple of 10, at least 10000")
    return args


def setup(args):
    return {
        "phases": args.phases,
        "gunicorn_workers": WORKERS,
        "clients": args.clients,
        "many_clients": args.many_clients,
        "rounds": args.rounds,
        "warmup_seconds_per_round": args.warmup,
        "measured_seconds_per_round": args.seconds,
        "rows": args.rows,
        "admin_requests": args.admin_requests,
        "database_url_options": args.database_options,
        "database_conn_max_age": os.environ.get("DATABASE_CONN_MAX_AGE", "600"),
        "gunicorn_max_requests": os.environ.get("GUNICORN_MAX_REQUESTS", "2000"),
        "gunicorn_max_requests_jitter": os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"),
    }


def prepare_site(env):
    """Schema, static files, and an operator who logs in with the password step only."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    login = ("bench-operator", secrets.token_urlsafe(24))
    manage(env, "create_operator", login[0], "--password-stdin", stdin=login[1] + "\n")
    manage(
        env,
        "shell",
        "-c",
        "from staff.models import PasswordChangeRequired as P; P.objects.all().delete()",
    )
    return login


def served_phases(args, env, tmp, database_url, login, processes, steps, results):
    """The phases that need gunicorn: the site as configured, and the same site with a
    database connection per request (for the HTTP phases only)."""
    servers = []
    try:
        with steps("gunicorn start"):
            servers.append(WatchedGunicorn(env, Path(tmp) / "gunicorn.log"))
            if "http" in args.phases:
                per_request_env = {**env, "DATABASE_CONN_MAX_AGE": "0"}
                servers.append(WatchedGunicorn(per_request_env, Path(tmp) / "per-request.log"))
        site = servers[0]
        if "http" in args.phases:

            def meter(server):
                return CpuMeter({"client": None, "gunicorn": server.process.pid, **processes})

            results["http"] = http_phases(site, servers[-1], meter, args, steps, env["SECRET_KEY"])
        if "admin" in args.phases:
            results["admin"] = admin_phases(site, args, database_url, login, steps)
        peaks = {pid: mb for server in servers for pid, mb in server.rss_peak.items()}
        results["worker_rss"] = {
            "peak_mb": round(max(peaks.values()), 1),
            "at_end_mb": sorted(
                round(mb, 1) for server in servers for mb in server.worker_rss().values() if mb
            ),
            "workers_seen": len(peaks),
        }
    finally:
        with steps("gunicorn stop"):
            for server in servers:
                server.stop()


def main(argv=None):
    args = arguments(argv)
    # Stopped with SIGTERM as with Ctrl-C: the servers stop and the database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import redis

    cache = redis.Redis.from_url(args.redis)
    steps = Steps()
    results = {
        "command": "make bench",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_state(),
        "setup": setup(args),
        "targets": TARGETS,
    }
    previous = previous_run(args.output)
    with steps("calibration: effective cores"):
        results["machine"]["busy_before_start_percent"] = busy_percent()
        results["machine"]["effective_cores_at_start"] = effective_cores()
        results["machine"]["core_speed_ms_at_start"] = core_speed_ms()
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
            processes = {
                "postgresql": parent_of(backend),
                "redis": int(cache.info("server")["process_id"]),
            }
        cache.flushdb()
        with steps("migrate, collectstatic, staff account"):
            login = prepare_site(env)
        if "http" in args.phases or "admin" in args.phases:
            served_phases(args, env, tmp, database_url, login, processes, steps, results)
        if "purge" in args.phases:
            results["purge"] = purge_phase(env, database_url, rows=args.rows, steps=steps)
        cache.flushdb()
    with steps("calibration: effective cores"):
        results["machine"]["effective_cores_at_end"] = effective_cores()
        results["machine"]["core_speed_ms_at_end"] = core_speed_ms()
    results["steps"] = {name: round(seconds, 1) for name, seconds in steps.times.items()}
    results["total_seconds"] = round(steps.total(), 1)
    results["figures"] = figures(results)
    results["previous"] = previous
    warnings = noise_warnings(results)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print()
    for warning in warnings:
        print(f"Warning: {warning}")
    print(figures_table(results["figures"]))
    if previous:
        print()
        print(comparison_table(results, previous))
    if "http" in results:
        print()
        print(details_table(results))
    print()
    print(steps_table(results))
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
