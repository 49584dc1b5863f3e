"""The retention purge of a million expired inquiries against a raw DELETE of the same rows,
each twice, each on its own copy of one seeded database."""

import os
import re
import subprocess
import sys
import tempfile
import time

import psycopg

from bench.seed import seed
from qarat.live_server import BASE_DIR, postgres_database


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


# Each timed on its own copy of the one seeded database, in the order A B B A: both start
# from the same pages after the same checkpoint, and a machine slowing down or speeding up
# through the phase weighs on both alike.
ORDER = ("purge", "raw DELETE", "raw DELETE", "purge")


def purge_phase(env, database_url, *, rows, steps):
    with steps(f"seed: {rows:,} recent + {rows:,} expired"):
        total = seed(database_url, rows=rows, recent=True, expired=True)
    assert total == 2 * rows
    server_url, seeded = database_url.rsplit("/", 1)
    with steps("purge: manage.py purge_expired_inquiries --help (start-up)"):
        startup, _rss, _out = timed_command(env, "purge_expired_inquiries", "--help")
    # The site's query string, if the run added one to its DATABASE_URL.
    options = env["DATABASE_URL"][len(database_url) :]
    times = {name: [] for name in ORDER}
    peak_rss = 0.0
    for name in ORDER:
        with (
            postgres_database(server_url, "qarat_bench_purge", template=seeded) as copy_url,
            steps(f"{name} on a copy of the seeded database"),
        ):
            if name == "purge":
                env_of_copy = {**env, "DATABASE_URL": copy_url + options}
                seconds, rss, output = timed_command(env_of_copy, "purge_expired_inquiries")
                match = re.search(r"Deleted (\d+) inquiries past their retention", output)
                assert match and int(match.group(1)) == rows, f"purge output: {output!r}"
                peak_rss = max(peak_rss, rss)
            else:
                seconds, deleted = raw_delete(copy_url)
                assert deleted == rows, f"raw DELETE deleted {deleted}"
        times[name].append(seconds)
    purge, raw = sum(times["purge"]), sum(times["raw DELETE"])
    runs = len(times["purge"])
    return {
        "rows_deleted": rows,
        "rows_kept": rows,
        "command_seconds": round(purge / runs, 2),
        "command_seconds_each": [round(value, 2) for value in times["purge"]],
        "command_startup_seconds": round(startup, 2),
        "command_peak_rss_mb": round(peak_rss, 1),
        "raw_delete_seconds": round(raw / runs, 2),
        "raw_delete_seconds_each": [round(value, 2) for value in times["raw DELETE"]],
        "ratio": round(purge / raw, 2),
        "ratio_without_startup": round((purge - runs * startup) / raw, 2),
    }
