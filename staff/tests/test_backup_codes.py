import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from staff.backup_codes import CODE_COUNT
from testkit.staff import log_in, make_staff

pytestmark = pytest.mark.django_db

CODES_PAGE = "/admin/second-factor/backup-codes/"
VERIFY = "/admin/second-factor/"
CODE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


def make_codes(client):
    page = client.post(CODES_PAGE, {"next": "/admin/"}).content.decode()
    return CODE.findall(page)


def test_a_staff_member_makes_ten_codes_shown_once_and_replaces_them(verified_client_factory):
    client = verified_client_factory(make_staff(device=True))
    page = client.get(CODES_PAGE).content.decode()
    assert "неиспользованных резервных кодов: 0" in page.lower() or "0 неиспольз" in page
    codes = make_codes(client)
    assert len(set(codes)) == CODE_COUNT
    # Shown only in the answer to the POST: the page afterwards gives the count, not the codes.
    page = client.get(CODES_PAGE).content.decode()
    assert not CODE.findall(page) and codes[0] not in page
    assert StaticToken.objects.filter(device__user=client.user).count() == CODE_COUNT
    new_codes = make_codes(client)
    assert set(new_codes).isdisjoint(codes)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in new_codes}
    assert StaticDevice.objects.filter(user=client.user).count() == 1


def test_a_backup_code_logs_in_once_instead_of_the_app(verified_client_factory):
    user = make_staff(device=True)
    codes = make_codes(verified_client_factory(user))
    client = Client()
    log_in(client)
    page = client.get(VERIFY).content.decode()
    assert "резервных кодов" in page
    # Typed as people copy it from paper: upper case, a space instead of the hyphen.
    response = client.post(VERIFY, {"token": codes[0].upper().replace("-", " ")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert f"осталось {CODE_COUNT - 1}" in response.content.decode()
    assert client.get("/admin/").status_code == 200
    # The same code a second time is refused; another one works.
    again = Client()
    log_in(again)
    page = again.post(VERIFY, {"token": codes[0]}).content.decode()
    assert "уже использован" in page
    assert again.get("/admin/").status_code == 302
    # A wrong code makes the next one wait a second (throttled); a moment later, another works.
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=10)
    )
    assert again.post(VERIFY, {"token": codes[1]}).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == CODE_COUNT - 2


def test_codes_cannot_be_made_with_the_password_alone(client):
    make_staff(device=True)
    log_in(client)
    response = client.post(CODES_PAGE)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert not StaticDevice.objects.exists()


def test_a_superuser_resets_the_app_and_the_codes_go_with_it(
    verified_client_factory, verified_admin_client
):
    user = make_staff("aigerim", device=True)
    make_codes(verified_client_factory(user))
    app = user.totpdevice_set.get()
    url = f"/admin/staff/authenticatorapp/{app.pk}/delete/"
    page = verified_admin_client.get(url).content.decode()
    assert "Резервные коды" in page  # the deletion says they go too
    response = verified_admin_client.post(url, {"post": "yes"}, follow=True)
    assert "отключено" in response.content.decode()
    assert not user.totpdevice_set.exists()
    assert not StaticDevice.objects.filter(user=user).exists()
