"""The admin's pages as an operator sees them, timed one request after another."""

import re
import time
import urllib.parse

from bench.client import Connection, cookie_header, form_headers, form_page
from bench.load import percentile
from bench.seed import empty_table, seed

# Searches an operator types: one caller's full number (ten inquiries in the seeded table),
# and the start of a number (about a thousand).
PHONE_SEARCH = "8 701 123 45 67"
PHONE_PREFIX_SEARCH = "8 701 123"
# The last seven digits, as a caller reads them out: the reversed-number index.
PHONE_SUFFIX_SEARCH = "123 45 67"
LIST = "/admin/inquiries/inquiry/"


def admin_login(port, username, password):
    connection = Connection("127.0.0.1", port)
    cookies, hidden = form_page(connection, "/admin/login/?next=/admin/")
    body = urllib.parse.urlencode(
        {**hidden, "username": username, "password": password, "next": "/admin/"}
    ).encode()
    response = connection.request(
        "POST", "/admin/login/?next=/admin/", body, form_headers(connection, cookies)
    )
    assert response.status == 302, f"admin login: {response.status}"
    cookies.update(response.cookies())
    assert "sessionid" in cookies, "admin login: no session"
    return connection, {"Cookie": cookie_header(cookies)}


def admin_page(connection, headers, path, *, warmup, requests, expect_rows):
    def fetch():
        response = connection.request("GET", path, headers=headers)
        assert response.status == 200, f"GET {path}: {response.status}"
        return response

    for _ in range(warmup):
        page = fetch()
    rows = len(re.findall(r'<tr[^>]*>\s*<td class="action-checkbox">', page.body.decode()))
    low, high = expect_rows
    assert low <= rows <= high, f"GET {path}: {rows} rows, expected {expect_rows}"
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - started)
    return {
        "requests": requests,
        "rows_shown": rows,
        "p50_ms": round(1000 * percentile(times, 0.50), 1),
        "p99_ms": round(1000 * percentile(times, 0.99), 1),
        "max_ms": round(1000 * max(times), 1),
    }


def admin_pages(port, login, *, warmup, requests, full):
    connection, headers = admin_login(port, *login)
    pages = {
        "list": (LIST, (50, 50)),
        "phone_search": (LIST + "?q=" + urllib.parse.quote_plus(PHONE_SEARCH), (10, 10)),
        "phone_suffix_search": (
            LIST + "?q=" + urllib.parse.quote_plus(PHONE_SUFFIX_SEARCH),
            (10, 10),
        ),
        # About a thousand numbers start so in a million rows: a full page.
        "phone_prefix_search": (
            LIST + "?q=" + urllib.parse.quote_plus(PHONE_PREFIX_SEARCH),
            (1, 50),
        ),
        # The index with its dashboard: aggregates over the last 30 days, no list rows.
        "dashboard": ("/admin/", (0, 0)),
    }
    return {
        key: admin_page(
            connection,
            headers,
            path,
            warmup=warmup,
            requests=requests,
            expect_rows=rows if full else (0, 0),
        )
        for key, (path, rows) in pages.items()
    }


def admin_phases(server, args, database_url, login, steps):
    """The pages on an empty table, then on `args.rows` inquiries."""
    admin = {}
    with steps("admin: empty table"):
        empty_table(database_url)
        admin["empty"] = admin_pages(
            server.port, login, warmup=3, requests=args.admin_requests, full=False
        )
    with steps(f"seed: {args.rows:,} recent inquiries"):
        seed(database_url, rows=args.rows, recent=True, expired=False)
    with steps(f"admin: {args.rows:,} inquiries"):
        admin["full"] = admin_pages(
            server.port, login, warmup=3, requests=args.admin_requests, full=True
        )
    return admin
