"""`make bench`'s purge phase: the purge and the raw DELETE each run twice, each on its own
copy of one seeded database, so all four start from the same rows."""

import os

import psycopg
import pytest

from bench.purge import ORDER, purge_phase
from bench.run import Steps, bench_environment
from qarat.live_server import is_postgres, manage, postgres_database

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not is_postgres(DATABASE_URL), reason="the bench measures PostgreSQL; the PostgreSQL run has it"
)


def test_the_purge_and_the_raw_delete_each_run_twice_on_copies_of_one_seeded_database(
    tmp_path,
):
    rows = 10_000
    with postgres_database(DATABASE_URL.rsplit("/", 1)[0], "qarat_bench_test") as database_url:
        env = bench_environment(tmp_path, database_url, "locmemcache://")
        manage(env, "migrate", "--noinput")
        steps = Steps()
        purge = purge_phase(env, database_url, rows=rows, steps=steps)
        with psycopg.connect(database_url) as connection:
            # The copies were purged; the seeded database kept every row.
            left = connection.execute("SELECT count(*) FROM inquiries_inquiry").fetchone()[0]
            copies = connection.execute(
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'qarat_bench_purge_%'"
            ).fetchone()[0]
    assert left == 2 * rows
    assert copies == 0
    assert ORDER.count("purge") == ORDER.count("raw DELETE") == 2
    assert len(purge["command_seconds_each"]) == len(purge["raw_delete_seconds_each"]) == 2
    assert purge["rows_deleted"] == rows
    assert purge["ratio"] == pytest.approx(
        purge["command_seconds"] / purge["raw_delete_seconds"], rel=0.2
    )
    assert sum(name.endswith("on a copy of the seeded database") for name in steps.times) == 2
