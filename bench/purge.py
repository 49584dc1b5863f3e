"""The retention purge of a million expired inquiries against a raw DELETE of the same rows."""

import os
import re
import subprocess
import sys
import tempfile
import time

import psycopg

from bench.seed import seed
from qarat.live_server import BASE_DIR


def timed_command(env, *args):
    """(seconds, peak RSS in MB, stdout) of one manage.py command in its own process."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode()
    if process.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{text}")
    return seconds, usage.ru_maxrss / 1024, text


def raw_delete(database_url):
    started = time.perf_counter()
    with psycopg.connect(database_url) as connection:
        deleted = connection.execute(
            "DELETE FROM inquiries_inquiry WHERE created_at <= now() + interval '1 day' "
            "- interval '3 years'"
        ).rowcount
        connection.commit()
    return time.perf_counter() - started, deleted


def purge_phase(env, database_url, *, rows, steps):
    with steps(f"seed: {rows:,} recent + {rows:,} expired, for the purge"):
        total = seed(database_url, rows=rows, recent=True, expired=True)
    assert total == 2 * rows
    with steps("purge: manage.py purge_expired_inquiries"):
        startup, _rss, _out = timed_command(env, "purge_expired_inquiries", "--help")
        seconds, peak_rss, output = timed_command(env, "purge_expired_inquiries")
    match = re.search(r"Deleted (\d+) inquiries past their retention", output)
    assert match and int(match.group(1)) == rows, f"purge output: {output!r}"
    with steps(f"seed: {rows:,} recent + {rows:,} expired, for the raw DELETE"):
        seed(database_url, rows=rows, recent=True, expired=True)
    with steps("purge baseline: raw SQL DELETE"):
        raw_seconds, deleted = raw_delete(database_url)
    assert deleted == rows, f"raw DELETE deleted {deleted}"
    return {
        "rows_deleted": rows,
        "rows_kept": rows,
        "command_seconds": round(seconds, 2),
        "command_startup_seconds": round(startup, 2),
        "command_peak_rss_mb": round(peak_rss, 1),
        "raw_delete_seconds": round(raw_seconds, 2),
        "ratio": round(seconds / raw_seconds, 2),
        "ratio_without_startup": round((seconds - startup) / raw_seconds, 2),
    }
