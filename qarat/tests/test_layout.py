"""The tree as a newcomer reads it: tests share helpers, never each other's modules."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
TEST_MODULE_IMPORT = re.compile(r"^\s*(?:from|import)\s+[\w.]*\btest_\w+", re.M)


def test_no_test_module_imports_another():
    """Shared fixtures live in conftest.py, shared helpers in each app's tests/helpers.py."""
    offenders = []
    for path in BASE_DIR.glob("*/**/*.py"):
        relative = path.relative_to(BASE_DIR).as_posix()
        if relative.startswith((".venv", "mutants/")):
            continue
        if TEST_MODULE_IMPORT.search(path.read_text()):
            offenders.append(relative)
    assert offenders == []
