"""The two staff roles: their group names and permissions, kept in step after every migrate.

The groups are the code's, not a setting: each `migrate` gives them exactly these permissions,
so a role means the same on every installation. Other access belongs in other groups.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _

# The stored names are identifiers (the code, the permission sync and tests look groups up by
# them); staff read the translated label wherever a group is shown (group_label).
OPERATORS = "Operators"
PRIVACY_OFFICERS = "Privacy officers"
LABELS = {OPERATORS: _("Operators"), PRIVACY_OFFICERS: _("Privacy officers")}

# Triage: read inquiries, change their status and note.
OPERATOR_PERMISSIONS = [
    "inquiries.view_inquiry",
    "inquiries.change_inquiry",
]
# Triage too, and the consent, the public texts, the registers and the data subjects' rights.
PRIVACY_OFFICER_PERMISSIONS = [
    *OPERATOR_PERMISSIONS,
    "inquiries.view_inquiryview",
    "inquiries.see_blocked_inquiry",
    "inquiries.block_inquiry",
    "inquiries.hold_inquiry",
    "inquiries.correct_inquiry",
    "inquiries.export_inquiry",
    "consent.view_consentversion",
    "consent.add_consentversion",
    "consent.change_consentversion",
    "consent.delete_consentversion",
    "consent.publish_consentversion",
    "privacy.view_subjectrequest",
    "privacy.add_subjectrequest",
    "privacy.change_subjectrequest",
    "privacy.view_destructionrecord",
    "privacy.view_jobrun",
    "privacy.view_incident",
    "privacy.add_incident",
    "privacy.change_incident",
    "privacy.view_calendarday",
    "privacy.add_calendarday",
    "privacy.change_calendarday",
    "privacy.delete_calendarday",
    "privacy.view_auditevent",
    "texts.view_publictext",
    "texts.change_publictext",
]
ROLES = {OPERATORS: OPERATOR_PERMISSIONS, PRIVACY_OFFICERS: PRIVACY_OFFICER_PERMISSIONS}


def sync_roles(using=DEFAULT_DB_ALIAS, apps=global_apps, **_signal):
    """Create the role groups and set their permissions to the lists above (post_migrate)."""
    # Other apps' permissions may come after this app's post_migrate: create them first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        permissions = [
            Permission.objects.using(using).get(
                content_type__app_label=label.split(".")[0], codename=label.split(".")[1]
            )
            for label in wanted
        ]
        group.permissions.set(permissions)


def group_label(group):
    """A group as staff read it: a role's name in their language, another group's as typed.

    Installed as Group.__str__ (StaffConfig.ready), so that the user form, the list filters,
    the history and every message show "Операторы" without a second name stored.
    """
    return str(LABELS.get(group.name, group.name))
