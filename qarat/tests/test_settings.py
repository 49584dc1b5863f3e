import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testkit.site import run_django

BASE_DIR = Path(__file__).resolve().parents[2]


def test_missing_secret_key_stops_start_up_with_debug_off():
    result = run_django("print('started')", DEBUG="false", ALLOWED_HOSTS="example.kz")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_start_up_with_debug_off():
    result = run_django("print('started')", DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_debug_mode_starts_without_secrets_on_sqlite():
    result = run_django(
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = run_django(
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'])",
        DEBUG="true",
        DATABASE_URL="postgres://qarat:pw@db.internal:5432/qarat",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "qarat", "db.internal"]


CONNECTION_SETTINGS = (
    "from django.conf import settings; d = settings.DATABASES['default'];"
    "print(d.get('CONN_MAX_AGE', 0), d.get('CONN_HEALTH_CHECKS', False))"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "false"}, ["600", "True"]),
        ({"DEBUG": "false", "DATABASE_CONN_MAX_AGE": "0"}, ["0", "True"]),
        ({"DEBUG": "true"}, ["0", "True"]),
    ],
)
def test_postgresql_connections_are_kept_and_checked_in_production(env, expected):
    production = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.kz", "PHONE_HASH_KEY": "y"}
    result = run_django(
        CONNECTION_SETTINGS,
        DATABASE_URL="postgres://qarat:pw@db.internal:5432/qarat",
        **production,
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


def test_sqlite_opens_a_connection_per_request():
    """A kept SQLite connection would hold a moved or replaced file open."""
    result = run_django(CONNECTION_SETTINGS, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False"]


def test_a_malformed_admin_url_is_refused():
    result = run_django("print('started')", DEBUG="true", ADMIN_URL="/admin")
    assert result.returncode != 0
    assert "ADMIN_URL" in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = "".join(p.read_text() for p in (BASE_DIR / "qarat").glob("settings*.py"))
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    gunicorn_source = (BASE_DIR / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', gunicorn_source))
    read |= set(re.findall(r"\$\{([A-Z_]+)", (BASE_DIR / "compose.yaml").read_text()))
    example = (BASE_DIR / ".env.example").read_text()
    # A variable left commented out ("# NAME=value") is documented, with its default in force.
    documented = set(re.findall(r"^(?:# )?([A-Z_]+)=", example, re.M))
    assert read, "no variables found in settings.py"
    assert read - documented == set()
    # Each variable has a comment line right above it (or above its group).
    assert not (documented - read), f"documented but never read: {documented - read}"
    # Each once: with two lines, the last wins and the first one's comment misleads.
    names = re.findall(r"^(?:# )?([A-Z_]+)=", example, re.M)
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_readme_documents_every_variable():
    readme = (BASE_DIR / "README.md").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    for name in re.findall(r"^([A-Z_]+)=", example, re.M):
        assert f"`{name}`" in readme or name.startswith("OPERATOR_"), name


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_compiled_translations_match_their_catalogs(language):
    from gettext import GNUTranslations

    from babel.messages.pofile import read_po

    locale_dir = BASE_DIR / "locale" / language / "LC_MESSAGES"
    with open(locale_dir / "django.po", "rb") as po_file:
        catalog = read_po(po_file)
    with open(locale_dir / "django.mo", "rb") as mo_file:
        compiled = GNUTranslations(mo_file)
    # A plural entry is untranslated if any of its forms is empty.
    missing = [m.id for m in catalog if m.id and not all(_forms(m.string))]
    assert not missing, f"untranslated in {language}: {missing[:5]}"
    # The same placeholders as the English (%(count)d, {obj}), or the page breaks.
    broken = [m.id for m in catalog if m.id and m.string and _placeholders(m) is not None]
    assert not broken, f"placeholders differ in {language}: {broken[:5]}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:5]}"
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple) and message.context:
            found = compiled.npgettext(message.context, message.id[0], message.id[1], 1)
            assert found == message.string[0]
        elif isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]
        else:
            key = f"{message.context}\x04{message.id}" if message.context else message.id
            assert compiled.gettext(key) == message.string, "run `make messages`"


def test_missing_phone_hash_key_stops_start_up_with_debug_off():
    env = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.kz"}
    result = run_django("print('started')", PHONE_HASH_KEY="", **env)
    assert result.returncode != 0
    assert "PHONE_HASH_KEY is not set" in result.stderr


def _forms(string):
    return string if isinstance(string, tuple) else (string,)


def _placeholders(message):
    """None when every form of the translation has the msgid's placeholders."""
    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    wanted = set(pattern.findall(ids[-1]))
    for form in _forms(message.string):
        # A singular form may say "one" instead of the number; it never adds another.
        found = set(pattern.findall(form))
        if found - set().union(*(pattern.findall(i) for i in ids)) or (
            len(_forms(message.string)) == 1 and found != wanted
        ):
            return form
    return None


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_string_of_the_code_is_in_the_catalogs(language, tmp_path):
    """makemessages on a copy of the tree finds nothing the catalogs do not translate: a new
    string without its Russian and Kazakh fails here, not on a staff member's screen."""
    from babel.messages.pofile import read_po

    copy = tmp_path / "tree"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv*", ".git", "node_modules", "mutants", "*.sqlite3"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            language,
            "--ignore=.venv",
            "--ignore=e2e",
            "--ignore=*/tests/*",
            "--ignore=bench",
            "--no-obsolete",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "true"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with open(copy / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po_file:
        extracted = read_po(po_file)
    untranslated = [m.id for m in extracted if m.id and (m.fuzzy or not all(_forms(m.string)))]
    assert not untranslated, f"not translated into {language}: {untranslated[:10]}"
