import functools
from functools import partial
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from inquiries.models import Inquiry, new_reference
from inquiries.notifications import notification_dispatch


@functools.cache
def _insert_statement():
    """INSERT of one inquiry that skips a conflicting row and returns the stored reference.

    One statement is its own transaction (the database is in autocommit), so a submission
    costs one round trip: no BEGIN, no COMMIT, no read-back. Either the row is in, with
    the reference returned, or nothing is (a duplicate token or a reference collision).
    """
    fields = [field for field in Inquiry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, values go as parameters.
    sql = f"INSERT INTO {quote(Inquiry._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
    return fields, sql + f"ON CONFLICT DO NOTHING RETURNING {quote('reference')}"


# The columns a submission sets, or that are derived from it or from its time, each
# prepared as the ORM prepares it; every other column stores its default, prepared once
# (a test holds the row to the one the ORM would insert, and every other column to a
# constant default).
PER_SUBMISSION = frozenset(
    {
        "reference",
        "name",
        "phone",
        "phone_reversed",
        "name_search",
        "message",
        "created_at",
        "queued_at",
        "consent_version_id",
        "consent_language",
        "consent_sha256",
        "submission_token",
    }
)


@functools.cache
def _default_values():
    """{column: prepared value} of every column a submission leaves at its default."""
    fields, _sql = _insert_statement()
    blank = Inquiry()
    return {
        field.attname: field.get_db_prep_save(field.pre_save(blank, add=True), connection)
        for field in fields
        if field.attname not in PER_SUBMISSION
    }


def inquiry_row(**submitted):
    """The values of `_insert_statement()` for one submission, in its column order."""
    fields, _sql = _insert_statement()
    defaults = _default_values()
    row = SimpleNamespace(created_at=timezone.now(), queued_at=None, **submitted)
    return [
        defaults[field.attname]
        if field.attname in defaults
        else field.get_db_prep_save(field.pre_save(row, add=True), connection)
        for field in fields
    ]


def inquiry_submit(*, name, phone, message, consent_version, language, token):
    """Store an inquiry with its consent evidence; a re-post of the same form stores nothing.

    Returns (inquiry reference, created). The insert skips a duplicate token instead
    of failing on it, so a double click never raises an error that a database log
    would record together with the statement's values. A new inquiry's staff
    notification is dispatched once the row is committed (inquiries.notifications).
    """
    _fields, sql = _insert_statement()
    while True:
        values = inquiry_row(
            reference=new_reference(),
            name=name,
            phone=phone,
            message=message,
            consent_version_id=consent_version.pk,
            consent_language=language,
            consent_sha256=consent_version.sha256[language],
            submission_token=token,
        )
        # If the connection is lost before the database answers, the row may or may not
        # be in: the view then looks for the token on a fresh connection.
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        if row is not None:
            # After the commit (at once outside a transaction), so the sender finds the row;
            # it never waits for mail.
            transaction.on_commit(partial(notification_dispatch, reference=row[0]))
            return row[0], True
        stored = (
            Inquiry.objects.filter(submission_token=token)
            .values_list("reference", flat=True)
            .first()
        )
        if stored is not None:
            return stored, False
        # Neither inserted nor already there: the random reference collided. Try another.
