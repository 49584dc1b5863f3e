"""Hostile input everywhere a client or a staff member can type: no 5xx, no leak.

Every public URL (paths, query strings, form posts, cookies, headers) and every admin list
and form (search, filters, ordering, page, each field of each add and change form) gets a
list of hostile values. The visitor's canary (name, phone, message) is sent wherever a
client can send it; afterwards it must be in the inquiry rows only: not in an e-mail, a
log line, a cache key or any other table. The test runs in parts (the public site, then each
admin model), so that they can run in parallel; each prints how many requests it made and
must make at least its share: 1,000 for the public site, 100 for each admin model.
"""

import uuid

import pytest
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from inquiries.models import Inquiry
from testkit.inquiries import (
    CANARIES,
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
    form_data,
    make_inquiry,
)
from testkit.site import public_paths

HOSTILE = [
    "\x00",
    "a\x00b",
    "%00",
    "%C0%AF",
    "%FF%FE",
    "x" * 10_000,
    "' OR 1=1 --",
    '"; DROP TABLE inquiries_inquiry; --',
    "<script>alert(1)</script>",
    "{{ settings.SECRET_KEY }}",
    "%s%n%x{0}",
    "../../../../etc/passwd",
    "\r\nSet-Cookie: a=b",
    "\u202eRTL",
    "１２３４５",
    "99999999999999999999",
    "-1",
    "0",
    "(",
    "[",
    "*",
    "__",
    "null",
    "[]",
    "{}",
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
    CANARY_MESSAGE,
]
# Admin query parameters beyond each list's own filters.
ADMIN_KEYS = ["q", "o", "p", "all", "e", "_to_field", "created_at__year", "name__regex"]


# Query strings as bytes on the wire: bad percent-encoding and invalid UTF-8.
RAW_QUERIES = [
    "q=%00",
    "q=%C0%AF",
    "q=%FF%FE",
    "q=%ED%A0%80",
    "%ED%A0%80=1",
    "q=%",
    "q=%zz",
    "&&==",
]


class Tally:
    def __init__(self):
        self.count, self.errors = 0, []

    def __call__(self, what, response):
        self.count += 1
        if response.status_code >= 500:
            self.errors.append(f"{response.status_code} {what}")


def hostile_requests(client, tally):
    for path in public_paths():
        for value in HOSTILE:
            response = client.get(path, {"q": value, value[:50]: value, "next": value})
            tally(f"GET {path}?{value[:30]!r}", response)
        for raw in RAW_QUERIES:
            tally(f"GET {path}?{raw}", client.get(path, QUERY_STRING=raw))
    for template in ("/thanks/{}/", "/consent/{}/", "/privacy/{}/", "/consent/1/{}.txt", "/{}/"):
        for value in HOSTILE:
            path = template.format(value.replace("/", "%2F")[:200])
            tally(f"GET {path[:60]!r}", client.get(path))
    fields = form_data()
    for field in ("name", "phone", "message", "consent", "consent_version", "token", "started"):
        for value in HOSTILE:
            data = {**fields, field: value, "token": str(uuid.uuid4())}
            tally(f"POST / {field}={value[:30]!r}", client.post("/en/", data))
    for value in HOSTILE:
        tally("POST /analytics/", client.post("/en/analytics/", {"choice": value, "next": value}))
        # A cookie and a header may carry anything too (within what HTTP can carry).
        safe = value.encode("utf-8", "replace").decode("latin-1")
        tally("GET / cookie", Client(HTTP_COOKIE=f"sessionid={safe}; csrftoken={safe}").get("/"))
        tally("GET / header", client.get("/", HTTP_ACCEPT_LANGUAGE=safe, HTTP_REFERER=safe))


def admin_requests(superuser, model, tally):
    request = RequestFactory().get("/")
    request.user = superuser.user
    inquiry = Inquiry.objects.first()
    model_admin = admin.site._registry[model]
    info = model._meta.app_label, model._meta.model_name
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    keys = list(ADMIN_KEYS)
    for entry in model_admin.list_filter:
        name = entry if isinstance(entry, str) else entry[0] if isinstance(entry, tuple) else ""
        if name:
            keys += [f"{name}__exact", f"{name}", f"{name}__isnull"]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        keys += [f"{field}__year", f"{field}__month", f"{field}__day"]
    for key in keys:
        # Every value into the search box; a sample, with the canary, into the rest.
        values = HOSTILE if key == "q" else HOSTILE[::3] + [CANARY_NAME, CANARY_PHONE]
        for value in values:
            response = superuser.get(changelist, {key: value})
            tally(f"GET {changelist}?{key}={value[:30]!r}", response)
    # Staff-typed text (not the visitor's canary) into every field of every form.
    forms = [(reverse("admin:{}_{}_add".format(*info)), None)]
    if model is Inquiry:
        forms.append((reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]), inquiry))
    for url, obj in forms:
        fields = model_admin.get_form(request, obj).base_fields
        for value in HOSTILE[: HOSTILE.index(CANARY_NAME)]:
            tally(f"POST {url} {value[:30]!r}", superuser.post(url, dict.fromkeys(fields, value)))


def assert_canary_nowhere_but_the_inquiry_rows(log_output):
    places = {
        "mail": [str(m.message()) for m in mail.outbox],
        "logs": [log_output.getvalue()],
        "cache keys": [str(key) for key in getattr(cache, "_cache", {})],
    }
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == Inquiry._meta.db_table:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            places[f"table {table}"] = [repr(row) for row in cursor.fetchall()]
    for place, texts in places.items():
        for text in texts:
            for canary in CANARIES:
                assert canary not in text, f"{canary!r} in {place}"


# The parts: the public site (model None), then each model of the admin; with the fewest
# requests each must make.
PARTS = [
    pytest.param(None, 1000, id="public"),
    *(pytest.param(model, 100, id=model._meta.label_lower) for model in admin.site._registry),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "at_least"), PARTS)
def test_a_thousand_hostile_inputs_give_no_server_error_and_leak_no_canary(
    model, at_least, client, verified_admin_client, settings, log_output
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ADMINS = [("", "admin@example.kz")]
    settings.INQUIRY_RATE_LIMIT = "100000/m"
    make_inquiry()
    client.raise_request_exception = False
    verified_admin_client.raise_request_exception = False
    tally = Tally()
    if model is None:
        hostile_requests(client, tally)
    else:
        admin_requests(verified_admin_client, model, tally)
    print(f"\n{tally.count} hostile requests, {len(tally.errors)} answered 5xx")
    assert tally.count >= at_least
    assert tally.errors == [], "\n".join(tally.errors[:40])
    assert_canary_nowhere_but_the_inquiry_rows(log_output)


def test_every_model_of_the_admin_has_its_part():
    # The parts are listed when the tests are collected: none may be missing then.
    assert Inquiry in admin.site._registry
    assert [part.values[0] for part in PARTS[1:]] == list(admin.site._registry)
