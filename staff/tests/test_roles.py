"""The role groups are created and kept by staff.roles, from the names and lists there."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from staff.roles import OPERATORS, PRIVACY_OFFICERS, ROLES


def permission_labels(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.mark.django_db
def test_each_role_group_holds_exactly_its_listed_permissions():
    assert set(ROLES) == {OPERATORS, PRIVACY_OFFICERS}
    for name, wanted in ROLES.items():
        assert permission_labels(Group.objects.get(name=name)) == set(wanted)
    assert "inquiries.export_inquiry" not in ROLES[OPERATORS]


@pytest.mark.django_db
def test_migrate_puts_a_changed_or_deleted_role_back():
    operators = Group.objects.get(name=OPERATORS)
    operators.permissions.add(Permission.objects.get(codename="export_inquiry"))
    Group.objects.filter(name=PRIVACY_OFFICERS).delete()

    call_command("migrate", verbosity=0)

    assert permission_labels(Group.objects.get(name=OPERATORS)) == set(ROLES[OPERATORS])
    privacy_officers = Group.objects.get(name=PRIVACY_OFFICERS)
    assert permission_labels(privacy_officers) == set(ROLES[PRIVACY_OFFICERS])


def test_no_migration_creates_or_names_a_role_group():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for migration in root.glob("*/migrations/0*.py"):
        text = migration.read_text(encoding="utf-8")
        for name in ROLES:
            assert f'"{name}"' not in text, f"{migration} names the group {name}"
