import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from staff.admin_site import StaffAdminSite
from staff.tests.helpers import log_in, make_staff, token

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
