"""Privacy officers also hold, block, correct and export inquiries and keep the registers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PRIVACY_OFFICERS = "Privacy officers"
PERMISSIONS = [
    ("inquiries", "see_blocked_inquiry"),
    ("inquiries", "block_inquiry"),
    ("inquiries", "hold_inquiry"),
    ("inquiries", "correct_inquiry"),
    ("inquiries", "export_inquiry"),
    ("privacy", "view_subjectrequest"),
    ("privacy", "add_subjectrequest"),
    ("privacy", "change_subjectrequest"),
    ("privacy", "view_destructionrecord"),
    ("privacy", "view_jobrun"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name=PRIVACY_OFFICERS)
    for app, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=PRIVACY_OFFICERS).first()
    if group:
        for app, codename in PERMISSIONS:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("inquiries", "0006_hold_and_blocking"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
