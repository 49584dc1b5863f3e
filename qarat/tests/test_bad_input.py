"""NUL bytes, huge values and malformed encodings never give a server error."""

import io
import logging

import pytest
from axes.models import AccessAttempt
from django import forms as django_forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.test import Client

from inquiries.forms import InquiryForm
from inquiries.models import Inquiry
from inquiries.phones import PhoneField
from staff.forms import TokenForm
from testkit.inquiries import form_data, make_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(verified_client_factory):
    user = User.objects.create_superuser("root-officer", password="irrelevant-in-this-test")
    client = verified_client_factory(user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/", "/en/", "/consent/", "/consent/1/", "/healthz"])
@pytest.mark.parametrize("query", ["q=%00", "x=a%00b", "%00=1"])
def test_nul_in_a_query_parameter_is_a_bad_request(visitor, path, query):
    assert visitor.get(f"{path}?{query}").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=8%00701",
        "status__exact=%00",
        "created_at__year=%00",
        "consent_version__id__exact=%00",
    ],
)
def test_nul_in_admin_search_and_filters_is_a_bad_request(officer, query):
    make_inquiry()
    assert officer.get(f"/admin/inquiries/inquiry/?{query}").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "9" * 5000,
        "q=" + "Ж" * 3000,
        "status__exact=bogus",
        "created_at__year=abc",
        "created_at__gte=not-a-date",
        "consent_version__id__exact=abc",
        "o=99",
        "p=-5",
        "p=999999",
    ],
)
def test_odd_admin_searches_and_filters_never_fail(officer, query):
    make_inquiry()
    response = officer.get(f"/admin/inquiries/inquiry/?{query}")
    assert response.status_code in (200, 302)


def test_nul_in_an_admin_form_is_a_bad_request_and_changes_nothing(officer):
    inquiry = make_inquiry()
    response = officer.post(
        f"/admin/inquiries/inquiry/{inquiry.pk}/change/",
        {"status": "processed", "note": "bad\x00note"},
    )
    assert response.status_code == 400
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_malformed_encoding_in_a_query_parameter_is_a_bad_request(visitor):
    assert visitor.get("/en/?utm=%FF%FE%C3%28").status_code == 400


def test_an_oversized_request_body_is_refused_without_a_server_error(visitor):
    response = visitor.post("/en/", form_data(message="x" * 300_000))
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0


def test_too_many_fields_are_refused_without_a_server_error(visitor):
    data = form_data()
    data.update({f"extra{n}": "1" for n in range(300)})
    assert visitor.post("/en/", data).status_code == 400
    assert Inquiry.objects.count() == 0


@pytest.mark.parametrize("field", ["name", "phone", "message", "consent_version", "token"])
def test_huge_values_in_any_form_field_are_refused_clearly(visitor, field):
    response = visitor.post("/en/", form_data(**{field: "Щ" * 50_000}))
    assert response.status_code in (303, 400)
    if field in ("name", "phone", "message"):
        assert response.status_code == 400
        assert f'id="id_{field}_error"' in response.content.decode()


# --- Every part of a request, with a NUL or bytes that are not UTF-8 -----------------------

TARGETS = [("get", "/en/"), ("post", "/en/"), ("post", "/admin/login/")]
BOUNDARY = "b0undary"


def multipart(name, value):
    """A multipart body built by hand: the test client would encode broken bytes for us."""
    disposition = b'form-data; name="' + name + b'"'
    return (
        b"--" + BOUNDARY.encode() + b"\r\nContent-Disposition: " + disposition + b"\r\n"
        b"Content-Type: text/plain\r\n\r\n" + value + b"\r\n--" + BOUNDARY.encode() + b"--\r\n"
    )


def request_parts(method, path):
    """(part, bad input, request kwargs) for every part a client controls."""
    for bad, raw, wsgi in (("NUL", "%00", "\x00"), ("not UTF-8", "%FF", "\xff")):
        yield "path", bad, {"path": f"{path}{raw}x/"}
        yield "query", bad, {"path": f"{path}?q=a{raw}b"}
        yield "query name", bad, {"path": f"{path}?a{raw}b=1"}
        yield "header", bad, {"path": path, "HTTP_USER_AGENT": f"Mozilla{wsgi}"}
        yield "cookie header", bad, {"path": path, "HTTP_COOKIE": f"sessionid=a{wsgi}b"}
        if method == "post":
            yield "form field", bad, {"path": path, "data": f"username=a{raw}b&token=c{raw}d"}
            yield "form field name", bad, {"path": path, "data": f"a{raw}b=1"}
            value = b"a\x00b" if bad == "NUL" else b"a\xffb"
            yield "multipart field", bad, {"path": path, "data": multipart(b"username", value)}
    yield "quoted cookie", "NUL", {"path": path, "HTTP_COOKIE": 'sessionid="abcdefgh\\000ijkl"'}
    yield "query", "broken escape", {"path": f"{path}?q=100%ZZ"}
    if method == "post":
        yield "form field", "broken escape", {"path": path, "data": "username=100%"}


BAD_REQUESTS = [
    pytest.param(method, kwargs, id=f"{method} {path} {part} {bad}")
    for method, path in TARGETS
    for part, bad, kwargs in request_parts(method, path)
]


@pytest.fixture
def site_log():
    """The site's console output (what an administrator reads)."""
    handler = next(
        h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


@pytest.fixture
def mailed(settings):
    settings.ADMINS = [("Admin", "admin@example.kz")]
    return mail.outbox


def send(method, kwargs):
    kwargs = dict(kwargs)
    data = kwargs.pop("data", None)
    client = Client(raise_request_exception=False)
    if method == "get":
        return client.get(**kwargs)
    if isinstance(data, bytes):
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        content_type = "application/x-www-form-urlencoded"
    return client.post(data=data or "", content_type=content_type, **kwargs)


@pytest.mark.parametrize(("method", "kwargs"), BAD_REQUESTS)
def test_a_nul_or_a_broken_encoding_anywhere_is_a_bad_request_without_a_report(
    method, kwargs, site_log, mailed
):
    assert send(method, kwargs).status_code == 400
    assert mailed == []
    assert " ERROR " not in site_log.getvalue()


def test_a_nul_in_a_visible_form_field_is_answered_by_the_form_itself(visitor):
    response = visitor.post("/en/", form_data(name="Ann\x00a"))
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()


# --- Nothing an anonymous client sends causes mail -----------------------------------------

CLIENT_ERRORS = {
    "foreign host": lambda c: c.get("/en/", HTTP_HOST="attacker.example"),
    "too many fields": lambda c: c.post("/en/", {f"f{n}": "1" for n in range(300)}),
    "body too big": lambda c: c.post("/en/", form_data(message="x" * 300_000)),
    "too many files": lambda c: c.post(
        "/admin/login/", {f"f{n}": SimpleUploadedFile(f"{n}.txt", b"1") for n in range(120)}
    ),
    "NUL in the session cookie": lambda c: c.get(
        "/admin/login/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"'
    ),
    "broken encoding": lambda c: c.get("/en/?q=%FF"),
    "CSRF failure": lambda c: Client(enforce_csrf_checks=True).post("/en/", form_data()),
    "CSRF failure at the login": lambda c: Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "x", "password": "y"}
    ),
    "malformed multipart": lambda c: c.post(
        "/en/", data=b"--nope", content_type="multipart/form-data; boundary=x"
    ),
    "not found": lambda c: c.get("/en/no-such-page/"),
    "method not allowed": lambda c: c.put("/en/"),
}


@pytest.mark.parametrize("send_it", CLIENT_ERRORS.values(), ids=CLIENT_ERRORS.keys())
def test_what_an_anonymous_client_sends_is_never_mailed_nor_logged_as_an_error(
    send_it, site_log, mailed
):
    response = send_it(Client(raise_request_exception=False))
    assert 400 <= response.status_code < 500
    assert mailed == []
    assert " ERROR " not in site_log.getvalue()


# --- Every form field a client can post has a length limit the database accepts -----------


def length_limit(field):
    """The limit a bound form really enforces: its validators', not the attribute."""
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    return min(limits, default=None)


def test_every_field_of_the_public_and_login_forms_has_an_enforced_length_limit():
    user_column = User._meta.get_field("username").max_length
    attempt_column = AccessAttempt._meta.get_field("username").max_length
    columns = {
        **{f.name: f.max_length for f in Inquiry._meta.fields if f.max_length},
        # As typed ("8 (701) 555-12-34"); what is stored is its E.164 form, which fits.
        "phone": None,
        "username": min(user_column, attempt_column),
    }
    forms = {
        "inquiry form": InquiryForm(),
        "login": (admin.site.login_form or AdminAuthenticationForm)(),
        "second factor": TokenForm(device=None),
    }
    for form_name, form in forms.items():
        for name, field in form.fields.items():
            if not isinstance(field, django_forms.CharField):
                continue
            limit = length_limit(field)
            assert limit is not None, f"{form_name}: {name} has no length limit"
            column = columns.get(name) or limit
            assert limit <= column, f"{form_name}: {name} exceeds its column"


def test_every_admin_form_field_fits_its_column(rf):
    request = rf.get("/")
    request.user = User.objects.create_superuser("limits", password="irrelevant-here")
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            try:
                column = model._meta.get_field(name).max_length
            except FieldDoesNotExist:
                continue  # a form-only field (a password's two entries), not stored as sent
            if isinstance(field, PhoneField):
                continue  # as typed ("8 (701) 555-12-34"); it stores the E.164 form, which fits
            if isinstance(field, django_forms.CharField) and column:
                assert length_limit(field) <= column, f"{model.__name__}.{name}"


PUBLIC_POSTS = {
    "/en/": list(form_data()),
    "/analytics/": ["choice", "next"],
    "/admin/login/": ["username", "password"],
}


@pytest.mark.parametrize(
    ("path", "field"), [(path, field) for path, fields in PUBLIC_POSTS.items() for field in fields]
)
def test_an_overlong_value_in_any_posted_field_is_never_a_server_error(path, field, mailed):
    data = {**form_data(), "username": "u", "password": "p", "choice": "granted"}
    data[field] = "Щ" * 100_000
    response = Client(raise_request_exception=False).post(path, data)
    assert response.status_code < 500
    assert mailed == []
