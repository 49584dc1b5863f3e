"""NUL bytes, huge values and malformed encodings never give a server error."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from inquiries.models import Inquiry
from inquiries.tests.helpers import form_data, make_inquiry

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
        "q=%FF%FE%FD",
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


def test_malformed_encoding_in_a_query_parameter_is_harmless(visitor):
    assert visitor.get("/en/?utm=%FF%FE%C3%28").status_code == 200


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
