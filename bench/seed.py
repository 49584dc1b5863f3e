"""The inquiries table filled by PostgreSQL itself: a million rows in seconds, not hours."""

import psycopg

# The caller the admin's phone search finds: ten inquiries in the seeded table.
SEARCHED_PHONE = "+77011234567"

# Rows made by the server itself. Recent ones (ids rows+1 .. 2*rows) spread over the three
# years of retention, older first; expired ones (ids 1 .. rows) four to five years old, so
# ids grow with time as they do in production. One caller (SEARCHED_PHONE) has ten
# inquiries; other numbers are spread over the +7 701 range.
SEED = """
INSERT INTO inquiries_inquiry (
    id, reference, name, phone, message, status, note, legal_hold_reason, created_at,
    processed_at, notified_at, consent_version_id, consent_language, consent_sha256,
    submission_token, name_search, phone_reversed, queued_at, call_attempts
)
SELECT r.id, r.reference, r.name, r.phone, r.message, r.status, r.note, r.legal_hold_reason,
    r.created_at, r.processed_at, r.notified_at, r.consent_version_id, r.consent_language,
    r.consent_sha256, r.submission_token, %(name_search)s, reverse(r.phone), r.created_at, 0
FROM (
SELECT
    s.id,
    'Q-' || lpad(to_hex(s.id), 14, '0'),
    %(name)s AS name,
    CASE WHEN s.g %% (%(rows)s / 10) = 0 THEN %(phone)s
         ELSE '+7701' || lpad(((s.g::bigint * 7919 + 12345) %% 10000000)::text, 7, '0')
    END AS phone,
    'Перезвоните, пожалуйста, по поводу заявки ' || s.g || '. Удобно после 18:00.',
    CASE WHEN NOT %(expired)s AND (s.g > %(rows)s - 500 OR s.g %% 1000 = 0)
         THEN 'new' ELSE 'processed' END,
    '', '', s.created_at AS created_at,
    CASE WHEN NOT %(expired)s AND (s.g > %(rows)s - 500 OR s.g %% 1000 = 0)
         THEN NULL ELSE s.created_at + interval '2 hours' END,
    s.created_at + interval '1 minute',
    %(consent_version)s, 'ru', %(sha256)s, md5(s.id::text)::uuid, s.g
FROM (
    SELECT g, g + %(first_id)s - 1 AS id,
           now() - make_interval(secs => %(newest_age)s + (%(rows)s - g)::float8 * %(span)s
                                 / %(rows)s) AS created_at
    FROM generate_series(1, %(rows)s) AS g
) AS s
) AS r (
    id, reference, name, phone, message, status, note, legal_hold_reason, created_at,
    processed_at, notified_at, consent_version_id, consent_language, consent_sha256,
    submission_token, g
)
"""
FIRST_NAMES = [
    "Айгерим",
    "Данияр",
    "Асель",
    "Нурлан",
    "Мадина",
    "Ерлан",
    "Дина",
    "Arman",
    "Светлана",
    "Бауыржан",
]
LAST_NAMES = [
    "Сейткали",
    "Иванова",
    "Ахметов",
    "Нурпеисова",
    "Ким",
    "Смагулов",
    "Omarova",
    "Петров",
    "Жумабаев",
    "Касымова",
]


def name_expression(first, last, g):
    """SQL for a name from the two lists by row number; the lists already casefolded or not."""
    return f"(ARRAY{first!r})[1 + {g} %% 10] || ' ' || (ARRAY{last!r})[1 + ({g} / 10) %% 10]"


DAY = 86400.0


# The name and its search column (casefolded, as inquiries.models.name_search_key) from the
# same row number; SQL text, so PostgreSQL's own lower() and its locale play no part.
SEED = SEED.replace("%(name)s", name_expression(FIRST_NAMES, LAST_NAMES, "s.g")).replace(
    "%(name_search)s",
    name_expression([n.casefold() for n in FIRST_NAMES], [n.casefold() for n in LAST_NAMES], "r.g"),
)


def seed(database_url, *, rows, recent, expired):
    """Empty the table, then fill it: `rows` recent and/or `rows` expired inquiries.

    Indexes are dropped and built again after the insert (same definitions), which is
    twice as fast as maintaining them row by row. Ends with VACUUM ANALYZE.
    """
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("TRUNCATE inquiries_inquiry RESTART IDENTITY CASCADE")
        indexes = connection.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i WHERE i.indrelid = 'inquiries_inquiry'::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"""
        ).fetchall()
        for name, _definition in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        version, sha256 = connection.execute(
            "SELECT id, sha256_ru FROM consent_consentversion WHERE kind = 'consent' AND number = 1"
        ).fetchone()
        common = {"rows": rows, "phone": SEARCHED_PHONE, "consent_version": version}
        common["sha256"] = sha256
        if expired:
            connection.execute(
                SEED,
                {
                    **common,
                    "expired": True,
                    "first_id": 1,
                    "newest_age": 4 * 366 * DAY,
                    "span": 365 * DAY,
                },
            )
        if recent:
            connection.execute(
                SEED,
                {
                    **common,
                    "expired": False,
                    "first_id": rows + 1,
                    "newest_age": 60.0,
                    "span": (3 * 365 - 2) * DAY,
                },
            )
        for _name, definition in indexes:
            connection.execute(definition)
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('inquiries_inquiry', 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM inquiries_inquiry), false)"
        )
        connection.execute("VACUUM ANALYZE inquiries_inquiry")
        return connection.execute("SELECT count(*) FROM inquiries_inquiry").fetchone()[0]


def empty_table(database_url):
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("TRUNCATE inquiries_inquiry RESTART IDENTITY CASCADE")
        connection.execute("VACUUM ANALYZE inquiries_inquiry")
