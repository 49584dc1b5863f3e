"""Two app servers behind one address, one database and one Redis: nothing is stored twice,
nothing is lost, and a rate limit counted on one server holds on the other.
"""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from qarat.live_server import collect_static, gunicorn, manage, own_database, site_environment
from testkit.site import Browserless


@pytest.fixture
def two_servers(tmp_path, shared_redis):
    with own_database(tmp_path) as database_url:
        env = site_environment(
            tmp_path,
            database_url,
            CACHE_URL=shared_redis,
            TRUSTED_PROXY_COUNT="1",
            INQUIRY_RATE_LIMIT="3/10m",
        )
        manage(env, "migrate", "--noinput")
        collect_static(env)
        with gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second:
            yield env, first, second


def stored(env):
    code = (
        "from inquiries.models import Inquiry;"
        "rows = list(Inquiry.objects.values_list('reference', 'submission_token'));"
        "print(len(rows), len({r for r, t in rows}), len({t for r, t in rows}))"
    )
    return [int(n) for n in manage(env, "shell", "--no-imports", "-c", code).split()[-3:]]


def test_submissions_spread_over_two_servers_are_each_stored_once(two_servers):
    env, first, second = two_servers
    references = []
    for n in range(12):
        # Each visitor behind the proxy has an address of their own.
        visitor = Browserless(first, headers={"X-Forwarded-For": f"203.0.113.{n + 1}"})
        fields = visitor.form_fields(f"Visitor {n}", phone=f"8 701 555 {n:02d} 34")
        server = (first, second)[n % 2]
        status, url, _page = visitor.post_form(fields, to=server)
        assert status == 200 and "/thanks/Q-" in url
        # The same form sent again to the other server (a retry through the balancer).
        again_status, again_url, _ = visitor.post_form(fields, to=(second, first)[n % 2])
        assert again_status == 200
        assert urlsplit(again_url).path == urlsplit(url).path  # the same receipt
        references.append(urlsplit(url).path)
    assert len(set(references)) == 12
    assert stored(env) == [12, 12, 12]


def test_the_rate_limit_holds_across_both_servers(two_servers):
    env, first, second = two_servers
    visitor = Browserless(first, headers={"X-Forwarded-For": "198.51.100.77"})
    statuses = []
    for n in range(5):
        status, _url, page = visitor.post_form(
            visitor.form_fields(f"Flood {n}"), to=(first, second)[n % 2]
        )
        statuses.append(status)
    assert statuses == [200, 200, 200, 429, 429]
    assert stored(env)[0] == 3
    # Another address is not affected, on either server.
    other = Browserless(second, headers={"X-Forwarded-For": "198.51.100.78"})
    assert other.send_form("Someone else")[0] == 200


def test_concurrent_posts_from_one_address_store_no_more_than_the_limit(two_servers):
    """Each post reserves its slot before storing: none slips in between check and count."""
    env, first, second = two_servers
    visitors = [Browserless(first, headers={"X-Forwarded-For": "198.51.100.90"}) for _ in range(12)]
    forms = [visitor.form_fields(f"Concurrent {n}") for n, visitor in enumerate(visitors)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(
            pool.map(
                lambda n: visitors[n].post_form(forms[n], to=(first, second)[n % 2])[0],
                range(12),
            )
        )
    assert sorted(statuses) == [200] * 3 + [429] * 9
    assert stored(env)[0] == 3


def test_the_addresses_of_one_ipv6_64_share_one_limit(two_servers):
    env, first, _second = two_servers
    statuses = []
    for n in range(5):
        visitor = Browserless(first, headers={"X-Forwarded-For": f"2001:db8:7:1::{n + 1:x}"})
        statuses.append(visitor.send_form(f"Six {n}")[0])
    assert statuses == [200, 200, 200, 429, 429]
    # The next /64 is another subscriber.
    other = Browserless(first, headers={"X-Forwarded-For": "2001:db8:7:2::1"})
    assert other.send_form("Neighbour")[0] == 200
    assert stored(env)[0] == 4
