"""A running server whose Redis stops: the public site goes on, nothing is lost, /healthz says so.

The server is real (gunicorn, production settings, django-redis); Redis is "stopped" by
cutting a TCP relay between the two, so the server notices only through failed
connections, as in life.
"""

import time
import urllib.parse

import pytest

from qarat.live_server import Gunicorn, collect_static, manage, own_database, site_environment
from testkit.site import Browserless, Relay, public_paths, stored_count

NAME = "Redis Down Canary"


@pytest.fixture
def site_with_stoppable_redis(tmp_path, shared_redis):
    redis_url = urllib.parse.urlsplit(shared_redis)
    relay = Relay((redis_url.hostname, redis_url.port))
    relay.start()
    log = tmp_path / "gunicorn.log"
    with own_database(tmp_path) as database_url:
        env = site_environment(
            tmp_path,
            database_url,
            CACHE_URL=f"redis://127.0.0.1:{relay.port}{redis_url.path}",
            # Counted per UTC day: the test's few seconds stay in one period (see below).
            INQUIRY_RATE_LIMIT="2/d",
        )
        manage(env, "migrate", "--noinput")
        collect_static(env)

        def count_stored():
            return stored_count(env, NAME)

        with log.open("w") as output:
            server = Gunicorn(env, workers=2, output=output)
            try:
                yield Browserless(server.url), relay, count_stored, log
            finally:
                server.stop()
                relay.stop()


def statuses(site):
    return {path: site.get(path)[0] for path in public_paths()}


def test_a_stopped_redis_leaves_every_public_page_and_the_form_working(site_with_stoppable_redis):
    site, relay, count_stored, log = site_with_stoppable_redis
    if (seconds_left := 86400 - time.time() % 86400) < 60:
        time.sleep(seconds_left + 1)  # the rate limit's day starts anew: wait for it
    assert site.send_form(NAME)[1].count("/thanks/Q-") == 1  # counted: 1 of 2
    before = statuses(site)
    assert before["/healthz"] == 200
    assert all(status < 500 for status in before.values()), before

    relay.stop()
    # Past the two seconds each worker keeps its own copy of the consent and the texts.
    time.sleep(2.5)
    during = statuses(site)
    assert during.pop("/healthz") == 503  # monitoring hears of it
    before.pop("/healthz")
    assert during == before  # every page answers as it did, none with a 5xx
    status, url, page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url, page[:500]
    assert count_stored() == 2  # not counted: Redis is away
    assert site.get("/admin/login/")[0] == 200
    text = log.read_text()
    assert "Submission not counted: cache unavailable" in text
    assert NAME not in text and "555 12 34" not in text

    relay.start()
    deadline = time.monotonic() + 10
    while site.get("/healthz")[0] != 200:
        assert time.monotonic() < deadline, "/healthz still 503 after Redis came back"
        time.sleep(0.2)
    # Counted again: the second of the day's two, then the limit.
    status, url, _page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url
    status, _url, page = site.send_form(NAME)
    assert status == 429 and NAME in page  # refused, with what was typed kept
    assert count_stored() == 3
