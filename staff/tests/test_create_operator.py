import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from staff.management.commands import create_operator
from staff.models import PasswordChangeRequired
from testkit.staff import PASSWORD, log_in

pytestmark = pytest.mark.django_db
User = get_user_model()
CYRILLIC = re.compile("[а-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def create(*args, password=PASSWORD):
    out = io.StringIO()
    call_command(
        "create_operator", *args, "--password-stdin", stdin=io.StringIO(f"{password}\n"), stdout=out
    )
    return out.getvalue()


def test_creates_an_active_staff_member_in_the_operators_group():
    output = create("aigerim", "--email", "aigerim@example.kz")
    user = User.objects.get(username="aigerim")
    assert user.is_active and user.is_staff and not user.is_superuser
    assert user.email == "aigerim@example.kz"
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == ["Operators"]
    assert user.has_perm("inquiries.change_inquiry")
    assert not user.has_perm("auth.add_user")  # accounts are for superusers
    assert "aigerim" in output and PASSWORD not in output


def test_privacy_officer_goes_to_the_privacy_officers_group():
    create("dana", "--privacy-officer")
    user = User.objects.get(username="dana")
    assert list(user.groups.values_list("name", flat=True)) == ["Privacy officers"]
    assert user.has_perm("consent.publish_consentversion")


def test_asks_for_the_password_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(create_operator, "getpass", lambda prompt: next(answers))
    call_command("create_operator", "aigerim", stdout=io.StringIO())
    assert User.objects.get(username="aigerim").check_password(PASSWORD)


def test_two_different_passwords_create_nothing(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(create_operator, "getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        call_command("create_operator", "aigerim", stdout=io.StringIO())
    assert not User.objects.filter(username="aigerim").exists()


@pytest.mark.parametrize("weak", ["short1", "password1234", "123456789012", "aigerim20251"])
def test_a_weak_password_is_refused_with_the_validators_reasons(weak):
    # The command speaks English throughout, the validators' reasons too.
    with translation.override(None), pytest.raises(ValidationError) as expected:
        validate_password(weak, User(username="aigerim", email="aigerim@example.kz"))
    with pytest.raises(CommandError) as refused:
        create("aigerim", "--email", "aigerim@example.kz", password=weak)
    for reason in expected.value.messages:
        assert reason in str(refused.value)
    assert not CYRILLIC.search(str(refused.value))
    assert weak not in str(refused.value)
    assert not User.objects.filter(username="aigerim").exists()


def test_an_existing_username_is_refused():
    User.objects.create_user("aigerim", password=PASSWORD)
    for name in ("aigerim", "Aigerim"):
        with pytest.raises(CommandError, match="already exists"):
            create(name)
    assert User.objects.count() == 1


def test_an_invalid_username_is_refused():
    with pytest.raises(CommandError) as refused:
        create("no spaces allowed")
    assert not User.objects.exists()
    # One language, not Django's Russian reason inside an English sentence.
    assert str(refused.value).startswith("username: Enter a valid username.")
    assert not CYRILLIC.search(str(refused.value))


def test_the_command_output_is_english_throughout():
    output = create("aigerim", "--email", "aigerim@example.kz")
    assert "Created 'aigerim' in the group 'Operators'." in output
    assert not CYRILLIC.search(output)


def test_the_new_account_must_change_the_password_it_was_given():
    create("aigerim")
    assert PasswordChangeRequired.objects.is_required(User.objects.get(username="aigerim"))


def test_the_new_operator_chooses_a_password_then_is_sent_to_connect_an_app(client):
    create("aigerim")
    response = log_in(client, "aigerim", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/second-factor/password/")
    new = "a password only aigerim knows"
    response = client.post(
        "/admin/second-factor/password/",
        {"new_password1": new, "new_password2": new, "next": "/admin/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith("/admin/second-factor/enrol/")
