"""Database backups (pg_dump's custom format, SQLite's backup API) in BACKUP_DIR, 0700/0600,
kept BACKUP_KEEP_DAYS. A restore compares pg_restore's major version with the server's first:
across majors one direction or the other fails."""

import datetime
import os
import re
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from privacy.journal import journal_ensure

NAME = re.compile(r"^qarat-(\d{8}-\d{6})\.(dump|sqlite3)$")


def backup_dir():
    directory = Path(settings.BACKUP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    return directory


def _postgres_environment():
    database = connection.settings_dict
    env = {**os.environ, "PGDATABASE": database["NAME"]}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def backup_create(*, now=None):
    """Write a consistent backup of the database; returns its path."""
    now = timezone.localtime(now or timezone.now())
    journal_ensure()
    postgres = connection.vendor == "postgresql"
    final = backup_dir() / f"qarat-{now:%Y%m%d-%H%M%S}.{'dump' if postgres else 'sqlite3'}"
    partial = final.with_name(final.name + ".partial")
    # Created 0600 before a single byte of data goes in.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        if postgres:
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"],
                env=_postgres_environment(),
                check=True,
                capture_output=True,
            )
        else:
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(partial)
            with target:
                source.backup(target)
            source.close()
            target.close()
        partial.chmod(0o600)
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    return final


def backups_rotate(*, now=None, keep_days=None):
    """Delete backups older than BACKUP_KEEP_DAYS; returns how many went."""
    keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    oldest = timezone.localtime(now or timezone.now()) - datetime.timedelta(days=keep_days)
    removed = 0
    for path in backup_dir().iterdir():
        taken = backup_taken_at(path)
        if taken is not None and taken < oldest:
            path.unlink()
            removed += 1
    return removed


def backup_taken_at(path):
    """When a backup was taken, from the name backup_create gave it; None if renamed."""
    match = NAME.match(Path(path).name)
    if match is None:
        return None
    return timezone.make_aware(datetime.datetime.strptime(match[1], "%Y%m%d-%H%M%S"))


class RestoreRefused(Exception):
    pass


def major_version(text):
    """17 from "pg_restore (PostgreSQL) 17.2 (Debian 17.2-1)"."""
    match = re.search(r"\(PostgreSQL\) (\d+)", text)
    if match is None:
        raise RestoreRefused(f"cannot read a PostgreSQL version from {text.strip()!r}")
    return int(match[1])


def restore_check(path):
    """Refuse, before anything changes, a restore that cannot succeed."""
    path = Path(path)
    if not path.is_file():
        raise RestoreRefused(f"there is no backup file {path}")
    if connection.vendor != "postgresql":
        return
    try:
        client = subprocess.run(
            ["pg_restore", "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise RestoreRefused(f"pg_restore cannot be run ({error})") from error
    client_major = major_version(client)
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if client_major > server_major:
        raise RestoreRefused(
            f"pg_restore is PostgreSQL {client_major}, newer than the server's "
            f"PostgreSQL {server_major}: it would fail half-way. Run the restore with a "
            f"PostgreSQL {server_major} client, or upgrade the server to {client_major}."
        )


def backup_restore(path):
    """Replace the database's contents with the backup at `path` (the site must be stopped)."""
    path = Path(path)
    restore_check(path)
    connection.close()
    if connection.vendor == "postgresql":
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            env=_postgres_environment(),
            check=True,
            capture_output=True,
        )
    else:
        source = sqlite3.connect(path)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        with target:
            source.backup(target)
        source.close()
        target.close()
