"""The call desk: the queue's time, call attempts and the "taken by" claim; the search
columns (the number backwards for its last digits, the name casefolded), filled by 0009;
on PostgreSQL the trigram index moves to the casefolded name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import inquiries.models

TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS inquiry_name_search_trgm "
    "ON inquiries_inquiry USING gin (name_search gin_trgm_ops)",
    "DROP INDEX IF EXISTS inquiry_name_trgm",
]
TRIGRAM_BACK = [
    "CREATE INDEX IF NOT EXISTS inquiry_name_trgm "
    "ON inquiries_inquiry USING gin (UPPER(name) gin_trgm_ops)",
    "DROP INDEX IF EXISTS inquiry_name_search_trgm",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0005_policy_version_1"),
        ("inquiries", "0009_phone_help_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="inquiry",
            name="call_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="calls"),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="taken at"),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="claimed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="taken by",
            ),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="taken until"),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="name_search",
            field=inquiries.models.DerivedCharField(
                derive=inquiries.models.name_search_key, max_length=300, source="name"
            ),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="phone_reversed",
            field=inquiries.models.DerivedCharField(
                db_index=True,
                derive=inquiries.models.phone_reversed_key,
                max_length=16,
                source="phone",
            ),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="queued_at",
            field=inquiries.models.QueueTimeField(
                blank=True, null=True, verbose_name="in the queue since"
            ),
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(fields=["status", "queued_at"], name="inquiry_status_queued"),
        ),
        migrations.RunPython(_on_postgresql(TRIGRAM), _on_postgresql(TRIGRAM_BACK)),
    ]
