"""A running server whose database stops: nothing accepted is lost, nobody is misled.

The server is real (gunicorn, production settings) on a database of its own. PostgreSQL
is "stopped" by cutting a TCP relay between the two; SQLite by putting a directory where
its file was. Either way the server notices only through failed connections, as in life.
"""

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from qarat.live_server import gunicorn, manage, own_database, site_environment
from qarat.tests.helpers import Browserless, Relay

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
        manage(env, "collectstatic", "--noinput")

        def count_stored():
            code = (
                "from inquiries.models import Inquiry;"
                f"print(Inquiry.objects.filter(name='{NAME}').count())"
            )
            return manage(env, "shell", "--no-imports", "-c", code).split()[-1]

        try:
            with gunicorn(env) as url:
                yield Browserless(url), stop, start, count_stored
        finally:
            if parsed.scheme.startswith("postgres"):
                relay.stop()


def test_a_stopped_database_gives_503_with_input_kept_and_loses_nothing(
    server_with_stoppable_database,
):
    site, stop, start, count_stored = server_with_stoppable_database
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
    assert count_stored() == "2"  # the refused one was not stored, nothing twice
