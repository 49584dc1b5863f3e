"""Every check that a number is absent looks for more digits than chance can supply.

`assert "705" not in page.url` failed CI once: the live server's port that run was 52705.
A port, a timing, a microsecond, an id, a hash or a reference holds any run of up to six
digits, so an absence check on a shorter piece of a phone number fails at random, and one
that passes proves little. This walk holds every `not in` of every test module to whole
numbers (seven digits or more: the subscriber part, or the number in any of its forms).
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FEWEST_DIGITS = 7
# A piece of a number as typed or quoted: digits with spaces, +, -, brackets, %20, %2B.
NUMBER_LIKE = re.compile(r"[\d\s+()\-%]*\d[\d\s+()\-%]*")


def modules_of_tests():
    skip = {".venv", "node_modules", "migrations"}
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if parts & skip:
            continue
        if path.name.startswith("test_") or path.name == "conftest.py" or "testkit" in parts:
            yield path


def too_short(needle):
    """A number-like needle whose digits chance can supply (a port has up to five)."""
    if isinstance(needle, bytes):
        needle = needle.decode("utf-8", "replace")
    if not isinstance(needle, str) or not NUMBER_LIKE.fullmatch(needle):
        return False
    digits = re.sub(r"%2[0Bb]", "", needle)  # a quoted space or plus is no digit of the number
    return len(re.sub(r"\D", "", digits)) < FEWEST_DIGITS


def values_of(node, names):
    """The strings an expression may hold: a literal, a list of them, a known name, a slice."""
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [v for element in node.elts for v in values_of(element, names)]
    if isinstance(node, ast.Name):
        return names.get(node.id, [])
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        try:
            bounds = [
                ast.literal_eval(b) if b else None for b in (node.slice.lower, node.slice.upper)
            ]
        except ValueError:
            return []
        return [v[slice(*bounds)] for v in values_of(node.value, names)]
    return []


def bindings(tree, names=None):
    """What each plain name may hold: literals assigned to it, or looped over by it."""
    names = {key: list(value) for key, value in (names or {}).items()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).extend(values_of(node.value, names))
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id, []).extend(values_of(node.iter, names))
    return names


def constants_of_the_kit():
    """The canaries the test kit names (CANARY_PHONE, ...), as the tests import them."""
    names = {}
    for path in sorted((ROOT / "testkit").glob("*.py")):
        names = bindings(ast.parse(path.read_text(encoding="utf-8")), names)
    return names


def short_absence_checks(source, name="<test>", names=None):
    """Every `needle not in text` whose needle may be too few digits, as "file:line: needle"."""
    tree = ast.parse(source)
    names = bindings(tree, names)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.NotIn):
                for needle in values_of(left, names):
                    if too_short(needle):
                        found.append((node.lineno, f"{needle!r} not in {ast.unparse(right)}"))
            left = right
    return [f"{name}:{line}: {check}" for line, check in sorted(found)]


def test_every_absence_check_looks_for_a_whole_number():
    names = constants_of_the_kit()
    assert names["CANARY_PHONE"] == ["+77015551234"]
    found = []
    for path in modules_of_tests():
        source = path.read_text(encoding="utf-8")
        found += short_absence_checks(source, path.relative_to(ROOT), names)
    assert found == []


def test_the_walk_knows_each_kind_of_short_needle():
    source = """
PERSONAL = ["Имя", "555%20", "5551234"]
PIECE = "321"
def test(page, text, urls):
    assert "705" not in page.url and "321-54-76" not in page.url
    assert PIECE not in text
    assert b"701" not in text
    for personal in PERSONAL:
        assert personal not in text
    assert all(p not in u for u in urls for p in ("+7701", "7015551234"))
    assert "8 701 555 12 34" not in text and "555 12 34" not in text and "---" not in text
    assert "Q-" not in text and 5 not in [1, 2]
    assert CANARY_PHONE[2:] not in text and CANARY_PHONE[-4:] not in text
"""
    found = short_absence_checks(source, names={"CANARY_PHONE": ["+77015551234"]})
    assert [line.split(": ", 1)[1].split(" not in")[0] for line in found] == [
        "'705'",
        "'321'",
        "b'701'",
        "'555%20'",
        "'+7701'",
        "'1234'",
    ]
    assert found[0].startswith("<test>:5:")
