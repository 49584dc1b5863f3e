import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from staff.admin_site import StaffAdminSite, StrictListsMixin
from testkit.staff import log_in, make_staff, token

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def test_the_project_admin_site_is_the_staff_site():
    assert isinstance(admin.site, StaffAdminSite)
    with translation.override("ru"):
        assert str(admin.site.site_header) == gettext("QARAT Service — back office")


def test_a_password_alone_does_not_open_the_admin_when_the_second_factor_is_required(client):
    user = make_staff(device=True)
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == f"{reverse('staff:verify')}?next=%2Fadmin%2F"
    assert client.session["_auth_user_id"] == str(user.pk)  # the password was right ...
    for url in (INDEX, "/admin/consent/consentversion/", "/admin/auth/user/"):
        response = client.get(url)  # ... but no admin page opens
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    # The login page sends a staff member past the password on to the code.
    response = client.get(reverse("admin:login"), {"next": INDEX})
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff:verify"))


def test_a_staff_member_without_an_app_is_sent_to_enrolment(client):
    make_staff()
    response = log_in(client, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("staff:enrol"))
    assert client.get(INDEX).status_code == 302


def test_with_the_second_factor_switched_off_the_password_opens_the_admin(client, settings):
    settings.ADMIN_REQUIRE_2FA = False  # as with DEBUG on
    make_staff()
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == INDEX
    assert client.get(INDEX).status_code == 200


def test_the_right_code_after_the_password_opens_the_admin(client):
    user = make_staff(device=True)
    log_in(client)
    response = client.post(
        reverse("staff:verify"), {"token": token(user.totpdevice_set.get()), "next": INDEX}
    )
    assert response.status_code == 302
    assert response.url == INDEX
    assert client.get(INDEX).status_code == 200


def test_a_verified_session_is_no_longer_verified_after_logging_out(verified_client_factory):
    client = verified_client_factory(make_staff(device=True))
    assert client.get(INDEX).status_code == 200
    client.post(reverse("admin:logout"))
    log_in(client)
    assert client.get(INDEX).status_code == 302


NOTE = (
    "After the password you enter a six-digit code from the authenticator app on your phone; "
    "at the first login you connect the app."
)


def test_the_login_page_announces_the_code_when_it_is_required(client, settings):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="password"' in page
    with translation.override("ru"):
        assert gettext("QARAT Service — back office") in page
        assert gettext(NOTE) in page
        settings.ADMIN_REQUIRE_2FA = False
        assert gettext(NOTE) not in client.get(reverse("admin:login")).content.decode()


def test_a_visitor_who_is_not_staff_gets_no_further_than_the_password(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("visitor", password="correct horse battery staple 7")
    response = log_in(client, "visitor")
    assert response.status_code == 200  # the form again, with Django's error
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:verify")).status_code == 302


# --- Every list accepts only the lookups it offers -----------------------------------------

ROLES = ["verified_admin_client", "operator", "privacy_officer"]
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# What a list's URL may carry besides its filters: ordering, page, search, show all, ...
CONTROL_PARAMETERS = {"o", "p", "q", "all", "e", "_facets", "_popup", "_to_field"}


def fill_every_list():
    """One row in each of the project's tables, so that a lookup reaches the database."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from inquiries.models import InquiryView
    from privacy.hashing import phone_hash
    from privacy.models import DestructionRecord, JobRun, SubjectRequest
    from testkit.inquiries import make_inquiry

    user = make_staff("filler")
    inquiry = make_inquiry(legal_hold_reason="bankruptcy case", note="called", processed_by=user)
    InquiryView.objects.create(inquiry=inquiry, user=user, username=user.username)
    subject_request = SubjectRequest.objects.create(
        kind="information", phone_hash=phone_hash("+77015551234"), phone_last_digits="34"
    )
    DestructionRecord.objects.create(basis="deletion", actor="filler", request=subject_request)
    JobRun.record_success("purge")
    access = {"user_agent": "ua", "ip_address": "198.51.100.7", "username": "filler"}
    AccessLog.objects.create(**access, http_accept="*/*", path_info="/admin/login/")
    AccessFailureLog.objects.create(**access, http_accept="*/*", path_info="/admin/login/")
    AccessAttempt.objects.create(
        **access,
        http_accept="*/*",
        path_info="/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )


def hostile_queries(model_admin):
    """Query strings a staff member can type: unknown and hidden lookups, bad values."""
    queries = [
        {"nonexistent__lookup": "1"},
        {"pk__regex": "("},
        {"id__in": "1,x"},
        {"o": "99.-x.1.abc"},
        {"o": "-"},
        {"p": "99999999999999999999"},
        {"p": "-1"},
        {"all": ""},
        {"_changelist_filters": "status__exact=new"},
        {"q": "("},
        {"q": "a\x00b"},
        {"e": "1"},
        {"_facets": "1"},
        {"_to_field": "password"},
    ]
    for field in model_admin.model._meta.concrete_fields:
        queries += [
            {f"{field.name}__startswith": "b"},
            {f"{field.name}__regex": "("},
            {f"{field.name}__iregex": "["},
            {f"{field.name}__range": "1"},
            {field.name: "\x00"},
        ]
        if field.is_relation:
            queries.append({f"{field.name}__password__startswith": "p"})
        if field.get_internal_type() in ("DateTimeField", "DateField"):
            queries.append({f"{field.name}__year": "99999999999999999999"})
    if hierarchy := model_admin.date_hierarchy:
        year, month, day = (f"{hierarchy}__{part}" for part in ("year", "month", "day"))
        queries += [
            {year: "9999", month: "12", day: "31"},
            {year: "9999", month: "12"},
            {year: "9999"},
            {year: "99999999999999999999"},
            {year: "1", month: "1", day: "1"},
            {year: "0"},
            {year: "-1"},
            {year: "x"},
            {year: "2025", month: "13"},
            {year: "2025", month: "2", day: "32"},
            {year: "2025", month: "\x00"},
            {month: "5"},
            {day: "5"},
        ]
    return queries


def offered_lookups(model_admin, user):
    """The parameters the list's own filters and date drill-down read."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    offered = {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
    if model_admin.date_hierarchy:
        offered |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return offered


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_list_refuses_lookups_it_does_not_offer_and_bad_values_without_a_500(
    request, role, model
):
    client = request.getfixturevalue(role)
    client.raise_request_exception = False
    fill_every_list()
    model_admin = admin.site._registry[model]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    if client.get(url).status_code == 403:
        # A list the role may not open stays closed, whatever the query (a NUL is refused
        # as malformed before anything else).
        statuses = {client.get(url, query).status_code for query in hostile_queries(model_admin)}
        assert statuses <= {400, 403} and 403 in statuses
        return
    offered = offered_lookups(model_admin, client.user) | CONTROL_PARAMETERS
    failures = []
    for query in hostile_queries(model_admin):
        response = client.get(url, query)
        refused = response.status_code == 400 or (
            response.status_code == 302 and response.url.endswith("?e=1")
        )
        if response.status_code >= 500:
            failures.append((query, response.status_code))
        elif not set(query) <= offered and not refused:
            failures.append((query, f"{response.status_code}: not refused"))
    assert not failures


def test_every_registered_admin_has_the_strict_lists_even_other_apps_admins():
    assert all(
        isinstance(model_admin, StrictListsMixin) for model_admin in admin.site._registry.values()
    )


class _Row:
    """Whatever a list row is: its primary key and how it reads (with HTML to escape)."""

    pk = 4021

    def __str__(self):
        return 'Q-1 <b>"Айгерим" & Co</b>'


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_lists_row_checkbox_is_djangos_own_html(language):
    # The site writes the checkbox without Django's widget templates (they cost a fifth of
    # a list page); the admin's JavaScript and a screen reader must not see a difference.
    with translation.override(language):
        for model_admin in admin.site._registry.values():
            ours = model_admin.action_checkbox(_Row())
            assert ours == admin.ModelAdmin.action_checkbox(model_admin, _Row()), model_admin
            assert "&lt;b&gt;&quot;Айгерим&quot; &amp; Co" in ours


def test_every_lists_rows_are_djangos_cells_each_labelled_by_its_column(verified_admin_client):
    # The rows are written in one piece (admin_cards.labelled_row), not by a template loop
    # over the cells: with the labels taken out they must be Django's own cells, in order.
    from django.contrib.admin.templatetags.admin_list import result_headers, results

    fill_every_list()
    with_rows = 0
    for model in REGISTERED:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = verified_admin_client.get(url)
        assert response.status_code == 200, model
        cl = response.context["cl"]
        rows = re.findall(r"<tr>(<t[dh][ >].*?)</tr>", response.content.decode(), re.S)
        expected = ["".join(str(cell) for cell in row) for row in results(cl)]
        assert len(rows) == len(expected) == len(cl.result_list), model
        labels = [
            h["text"]
            for h in result_headers(cl)
            if "action-checkbox" not in h.get("class_attrib", "")
        ]
        for row, cells in zip(rows, expected, strict=True):
            assert re.sub(r' data-label="[^"]*"', "", row) == cells, model
            found = [html.unescape(label) for label in re.findall(r' data-label="([^"]*)"', row)]
            assert found == [capfirst(str(label)) for label in labels], model
        with_rows += bool(rows)
    assert with_rows >= 14  # fill_every_list() gives 14 of the 17 lists rows
