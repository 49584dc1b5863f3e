"""A second kind of document in the registry: the personal-data policy.

Version numbers become unique per kind. On SQLite, adding the field and changing the
constraints rebuilds the table, which drops the immutability triggers of 0002 with the
old table; the last operation puts them back (on PostgreSQL they survive ALTER TABLE).
"""

from importlib import import_module

from django.db import migrations, models

triggers = import_module("consent.migrations.0002_immutable_triggers")


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in triggers.SQLITE_REVERSE + triggers.SQLITE:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_version_1")]

    operations = [
        migrations.AlterModelOptions(
            name="consentversion",
            options={
                "ordering": ["kind", "-number"],
                "permissions": [("publish_consentversion", "Can publish consent versions")],
                "verbose_name": "consent version",
                "verbose_name_plural": "consent versions",
            },
        ),
        migrations.AddField(
            model_name="consentversion",
            name="kind",
            field=models.CharField(
                choices=[("consent", "consent"), ("policy", "personal data policy")],
                default="consent",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="consentversion",
            name="number",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="version"
            ),
        ),
        migrations.AddConstraint(
            model_name="consentversion",
            constraint=models.UniqueConstraint(
                fields=("kind", "number"), name="consent_version_number_per_kind"
            ),
        ),
        # Last, after every rebuild of the table above.
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
