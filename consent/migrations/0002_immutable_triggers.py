"""Database triggers refusing any change to, or deletion of, a published consent version.

The model and the admin refuse too; the triggers also stop raw SQL and bulk updates.
Note: on SQLite, a migration that rebuilds this table drops its triggers; the tests
that try to change a published version through raw SQL catch that.
"""

from django.db import migrations

TABLE = "consent_consentversion"

SQLITE = [
    f"""
    CREATE TRIGGER consent_version_published_no_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.published_on IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'published consent versions are immutable'); END
    """,
    f"""
    CREATE TRIGGER consent_version_published_no_delete BEFORE DELETE ON {TABLE}
    WHEN OLD.published_on IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'published consent versions cannot be deleted'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS consent_version_published_no_update",
    "DROP TRIGGER IF EXISTS consent_version_published_no_delete",
]

POSTGRESQL = [
    """
    CREATE FUNCTION consent_version_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF OLD.published_on IS NOT NULL THEN
            RAISE EXCEPTION 'published consent versions are immutable (version %)', OLD.number
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER consent_version_published_immutable BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION consent_version_refuse_change()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS consent_version_published_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS consent_version_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(
                f"No immutability triggers for {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
