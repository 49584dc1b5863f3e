"""Create a back-office account from the command line, without touching the admin.

The account is active staff in the Operators group (or Privacy officers), never a
superuser. The password is asked twice (or read from stdin for scripts), must pass the
site's password validators, and is never printed. At their first login the person
replaces it with a password of their own, then connects an authenticator app.

Its output and errors are in English, whole: like every command's and the logs, they are read
by whoever runs the server (a terminal, cron's mail), not by staff in the admin; without
this the validators' reasons came in the site's default language amid English sentences.
"""

import sys
from getpass import getpass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from staff.models import PasswordChangeRequired
from staff.roles import OPERATORS, PRIVACY_OFFICERS


class Command(BaseCommand):
    help = "Create a staff account in the Operators (or Privacy officers) group."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The person's work e-mail address.")
        parser.add_argument(
            "--privacy-officer",
            action="store_true",
            help="Put the account in the Privacy officers group instead of Operators.",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input instead of asking.",
        )

    @no_translations
    def handle(self, *args, username, email, privacy_officer, password_stdin, **options):
        User = get_user_model()
        username = self._clean(User, User.USERNAME_FIELD, username)
        email = self._clean(User, "email", email) if email else ""
        if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            raise CommandError(f"An account named {username!r} already exists.")
        group_name = PRIVACY_OFFICERS if privacy_officer else OPERATORS
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(
                f"The group {group_name!r} does not exist: run `manage.py migrate` first."
            ) from None

        if password_stdin:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
        else:
            password = getpass("Password: ")
            if getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ; nothing was created.")
        user = User(**{User.USERNAME_FIELD: username}, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "Password refused; nothing was created:\n" + "\n".join(error.messages)
            ) from None

        with transaction.atomic():
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(group)
            PasswordChangeRequired.objects.require(user)
        self.stdout.write(
            self.style.SUCCESS(f"Created {username!r} in the group {group_name!r}.")
            + f"\nAt the first login at /{settings.ADMIN_URL} they choose a password of their "
            "own and connect an authenticator app."
        )

    @staticmethod
    def _clean(User, field_name, value):
        try:
            return User._meta.get_field(field_name).clean(value, None)
        except ValidationError as error:
            raise CommandError(f"{field_name}: " + " ".join(error.messages)) from None
