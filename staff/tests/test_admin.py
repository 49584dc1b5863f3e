import pytest
from django.contrib.auth import get_user_model

from staff.models import PasswordChangeRequired
from testkit.staff import PASSWORD, make_staff

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW = "a password the superuser chose 9"


def test_an_account_a_superuser_creates_in_the_admin_must_change_its_password(
    verified_admin_client,
):
    response = verified_admin_client.post(
        "/admin/auth/user/add/",
        {"username": "aigerim", "usable_password": "true", "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    assert PasswordChangeRequired.objects.is_required(User.objects.get(username="aigerim"))


def test_a_password_a_superuser_resets_must_be_changed_by_its_owner(verified_admin_client):
    user = make_staff(device=True)
    response = verified_admin_client.post(
        f"/admin/auth/user/{user.pk}/password/", {"password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert PasswordChangeRequired.objects.is_required(user)


def test_a_refused_reset_or_a_superusers_own_password_asks_nothing(verified_admin_client):
    user = make_staff()
    verified_admin_client.post(
        f"/admin/auth/user/{user.pk}/password/", {"password1": NEW, "password2": NEW + "x"}
    )
    assert not PasswordChangeRequired.objects.is_required(user)
    admin = verified_admin_client.user
    verified_admin_client.post(
        f"/admin/auth/user/{admin.pk}/password/", {"password1": NEW, "password2": NEW}
    )
    admin.refresh_from_db()
    assert admin.check_password(NEW)
    assert not PasswordChangeRequired.objects.is_required(admin)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_reset_of_an_unknown_account_is_a_404(verified_admin_client):
    assert verified_admin_client.get("/admin/auth/user/abc/password/").status_code == 404
