"""The tree as a newcomer reads it: one test kit, and tests that never import each other."""

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
TEST_MODULE_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:[\w.]*\btest_\w+|[\w.]*\.tests\b)", re.M)


def project_files(pattern="*/**/*.py"):
    for path in BASE_DIR.glob(pattern):
        relative = path.relative_to(BASE_DIR).as_posix()
        if not relative.startswith((".venv", "mutants/")):
            yield relative, path


def fixtures_defined(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            "fixture" in ast.unparse(decorator) for decorator in node.decorator_list
        ):
            yield node.name


def test_no_test_module_imports_another():
    """Shared fixtures live in testkit/fixtures.py, shared helpers in the other testkit modules."""
    offenders = [
        rel for rel, path in project_files() if TEST_MODULE_IMPORT.search(path.read_text())
    ]
    assert offenders == []


def test_test_helpers_live_in_the_test_kit_only():
    scattered = [
        rel
        for rel, _path in project_files()
        if rel.endswith("/helpers.py") or (rel.endswith("/conftest.py") and "/tests/" in rel)
    ]
    assert scattered == []


def test_no_fixture_of_the_kit_is_redefined_under_another_meaning():
    shared = set(fixtures_defined(BASE_DIR / "testkit" / "fixtures.py"))
    assert {"staff_client", "operator", "privacy_officer", "verified_client_factory"} <= shared
    redefined = [
        f"{rel}: {name}"
        for rel, path in project_files()
        if not rel.startswith("testkit/") and "test" in rel
        for name in fixtures_defined(path)
        if name in shared
    ]
    assert redefined == []


def test_no_module_outside_migrations_and_tests_is_over_400_lines():
    long = [
        f"{rel}: {len(path.read_text(encoding='utf-8').splitlines())}"
        for rel, path in project_files()
        if "/migrations/" not in rel and "/tests/" not in rel
        if not rel.startswith(("e2e/", "testkit/"))
        if len(path.read_text(encoding="utf-8").splitlines()) > 400
    ]
    assert long == []
