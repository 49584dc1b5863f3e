"""A running server whose database stops: nothing accepted is lost, nobody is misled.

The server is real (gunicorn, production settings) on a database of its own. PostgreSQL
is "stopped" by cutting a TCP relay between the two; SQLite by putting a directory where
its file was. Either way the server notices only through failed connections, as in life.
"""

import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from qarat.live_server import collect_static, gunicorn, manage, own_database, site_environment
from testkit.site import Browserless, Relay, stored_count

BASE_DIR = Path(__file__).resolve().parents[2]
NAME = "Database Down Canary"


@pytest.fixture
def server_with_stoppable_database(tmp_path):
    with own_database(tmp_path) as database_url:
        parsed = urllib.parse.urlsplit(database_url)
        if parsed.scheme.startswith("postgres"):
            relay = Relay((parsed.hostname or "127.0.0.1", parsed.port or 5432))
            relay.start()
            user = parsed.username or "postgres"
            served_url = f"postgres://{user}@127.0.0.1:{relay.port}{parsed.path}"
            stop, start = relay.stop, relay.start
        else:
            database_file = Path(parsed.path)
            served_url = database_url

            def stop():
                database_file.rename(tmp_path / "away.sqlite3")
                database_file.mkdir()  # opening the database now fails

            def start():
                database_file.rmdir()
                (tmp_path / "away.sqlite3").rename(database_file)

        env = site_environment(tmp_path, served_url)
        manage(env, "migrate", "--noinput")
        collect_static(env)

        def count_stored():
            return stored_count(env, NAME)

        def idle_connections():
            """Connections to the site's database other than this query's own: PostgreSQL only."""
            code = (
                "from django.db import connection; c = connection.cursor(); c.execute("
                "'SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()'); print(c.fetchone()[0])"
            )
            direct_env = {**env, "DATABASE_URL": database_url}
            return int(manage(direct_env, "shell", "--no-imports", "-c", code).split()[-1])

        try:
            with gunicorn(env) as url:
                yield Browserless(url), stop, start, count_stored, idle_connections
        finally:
            if parsed.scheme.startswith("postgres"):
                relay.stop()


def test_a_stopped_database_gives_503_with_input_kept_and_loses_nothing(
    server_with_stoppable_database,
):
    site, stop, start, count_stored, _idle = server_with_stoppable_database
    status, url, _page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url  # stored while the database runs

    site.get("/en/")  # the form has been shown once: its consent text is known
    stop()
    assert site.get("/healthz")[0] == 503
    status, page = site.get("/en/")
    assert status == 200, "the form must still show while the database is down"
    status, _url, page = site.send_form(NAME)
    assert status == 503
    assert "was not sent" in page
    assert f'value="{NAME}"' in page and 'value="8 701 555 12 34"' in page

    start()
    assert site.get("/healthz")[0] == 200
    status, url, _page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url
    assert count_stored() == 2  # the refused one was not stored, nothing twice


def test_a_restarted_database_costs_the_next_visitor_nothing(server_with_stoppable_database):
    """The worker's kept connection dies with the restart; the check before its reuse sees it
    and connects again, so the first submission after it is stored, not a 500."""
    site, stop, start, count_stored, idle_connections = server_with_stoppable_database
    for _ in range(2):
        status, url, _page = site.send_form(NAME)
        assert status == 200 and "/thanks/Q-" in url
    if "postgres" in os.environ.get("DATABASE_URL", ""):
        assert idle_connections() == 1, "the worker should keep its connection between requests"

    stop()
    start()
    status, url, page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url, page
    assert site.get("/healthz")[0] == 200
    assert count_stored() == 3
