"""The two staff groups of the back office (README, "Roles").

Operators triage inquiries: view them, change status and note. Privacy officers do the
same, publish consent versions, see who opened which inquiry, and (later) handle
data-subject requests. Neither may delete inquiries through the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OPERATORS = "Operators"
PRIVACY_OFFICERS = "Privacy officers"

OPERATOR_PERMISSIONS = [
    ("inquiries", "view_inquiry"),
    ("inquiries", "change_inquiry"),
]
PRIVACY_OFFICER_PERMISSIONS = OPERATOR_PERMISSIONS + [
    ("inquiries", "view_inquiryview"),
    ("consent", "view_consentversion"),
    ("consent", "add_consentversion"),
    ("consent", "change_consentversion"),
    ("consent", "delete_consentversion"),
    ("consent", "publish_consentversion"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (
        (OPERATORS, OPERATOR_PERMISSIONS),
        (PRIVACY_OFFICERS, PRIVACY_OFFICER_PERMISSIONS),
    ):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in wanted
            ]
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[OPERATORS, PRIVACY_OFFICERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0002_triage_notifications_views"),
        ("consent", "0003_version_1"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
