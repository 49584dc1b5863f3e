"""Version 1 of the personal-data policy, as a draft filled from the settings.

The operator, not the software, states what its policy says: the privacy officer completes
the draft's placeholders in the admin and publishes it (README, "Personal-data policy").

Until this draft, this migration published a text the developers had written. Installations
that ran it then keep that published version 1: a published version is public, may have been
read, and never changes. A fresh database runs this migration and gets the draft instead;
no later migration turns a published version back into a draft, since nothing in the
database can tell whether anyone has read it.
"""

from django.db import migrations

from consent.policy_draft import policy_draft_create


def draft_policy_version_1(apps, schema_editor):
    policy_draft_create(apps.get_model("consent", "ConsentVersion"))


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_kind")]

    operations = [migrations.RunPython(draft_policy_version_1, migrations.RunPython.noop)]
