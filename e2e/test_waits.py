"""Every click or key press in the browser tests waits for what it causes before reading.

Playwright's click returns once the event is dispatched, not when the next page has loaded:
a read right after it (or `wait_for_load_state`, which the old page already satisfies, or
`wait_for_url` with the URL the page is already at) sees the old page. That race failed CI
once (the backup codes read from the page before them). This walk holds every click.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "e2e").glob("*.py")) + [ROOT / "testkit" / "browser.py"]

ACTIONS = {"click", "press"}
# What waits for the new state: a URL, an element, a download or request, a retrying expect.
WAITS = {"wait_for_url", "wait_for_selector", "wait_for", "wait_for_event", "wait_for_the_tag"}
EXPECTING = "expect_"  # page.expect_navigation/expect_download/expect_popup/expect_request


def call_name(node):
    """The called name of an expression statement (`page.click(...)` -> "click")."""
    if isinstance(node, ast.Expr):
        node = node.value
    if isinstance(node, ast.Assign):
        node = node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # expect(locator).to_have_text(...) -> "expect"; page.keyboard.type(...) -> "type".
        inner = node.func.value
        if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "expect":
            return "expect"
        return node.func.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return None


def url_argument(statement):
    call = statement.value if isinstance(statement, ast.Expr) else None
    if isinstance(call, ast.Call) and call.args:
        return ast.unparse(call.args[0])
    return None


def navigating_helpers(trees):
    """Helpers whose last step is a click: their callers wait as after a click."""
    names = set()
    for tree in trees:
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and call_name(last_step(function)) in ACTIONS:
                names.add(function.name)
    return names


def last_step(function):
    """The last statement before any trailing `return`."""
    steps = [s for s in function.body if not isinstance(s, ast.Return)]
    return steps[-1] if steps else None


def waiting_helpers(trees):
    """Helpers whose first step is a wait: a call to one waits as that step does."""
    names = set()
    for tree in trees:
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef):
                steps = [s for s in function.body if not _is_docstring(s)]
                if steps and call_name(steps[0]) in WAITS:
                    names.add(function.name)
    return names


def _is_docstring(statement):
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def bodies(tree):
    """Every statement list, with whether it runs inside `with page.expect_...():`."""
    for node in ast.walk(tree):
        expecting = isinstance(node, ast.With) and any(
            call_name(item.context_expr) and call_name(item.context_expr).startswith(EXPECTING)
            for item in node.items
        )
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                yield statements, expecting


def unwaited(path, tree, helpers, waiting=frozenset()):
    problems = []
    for statements, expecting in bodies(tree):
        if expecting:
            continue
        last_url = None
        for index, statement in enumerate(statements):
            name = call_name(statement)
            if name in ("goto", "wait_for_url"):
                last_url = url_argument(statement)
            if name not in ACTIONS and name not in helpers:
                continue
            rest = [s for s in statements[index + 1 :] if not isinstance(s, ast.Return)]
            following = rest[0] if rest else None
            where = f"{path.relative_to(ROOT)}:{statement.lineno}"
            if following is None:
                if _in_helper(tree, statement):
                    continue  # the last step of a helper: its callers are held to the rule
                problems.append(f"{where}: nothing waits for the click at the end of a test")
                continue
            then = call_name(following)
            if then == "type":
                continue  # typing into a field the click focused: nothing loads
            if then not in WAITS and then not in waiting and then != "expect":
                problems.append(f"{where}: {then or type(following).__name__} reads before a wait")
            elif then == "wait_for_url" and url_argument(following) == last_url:
                problems.append(f"{where}: waits for the URL the page is already at")
    return problems


def _in_helper(tree, statement):
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and last_step(function) is statement:
            return not function.name.startswith("test_")
    return False


def test_every_click_waits_for_what_it_causes():
    trees = {path: ast.parse(path.read_text(), str(path)) for path in SOURCES}
    helpers = navigating_helpers(trees.values())
    waiting = waiting_helpers(trees.values())
    assert {"choose_own_password", "make_backup_codes"} <= helpers & waiting
    problems = [p for path, tree in trees.items() for p in unwaited(path, tree, helpers, waiting)]
    assert problems == []


def test_the_walk_finds_each_kind_of_race():
    racy = ast.parse(
        "def test_a(page):\n"
        "    page.click('button')\n"
        "    codes = page.locator('code').all_inner_texts()\n"
        "def test_b(page):\n"
        "    page.goto(url + '/x/')\n"
        "    page.click('button')\n"
        "    page.wait_for_url(url + '/x/')\n"
        "def test_c(page):\n"
        "    page.click('button')\n"
        "    page.wait_for_load_state()\n"
        "def test_d(page):\n"
        "    choose(page)\n"
        "    page.goto(url)\n"
        "def choose(page):\n"
        "    page.click('a')\n"
    )
    found = unwaited(ROOT / "e2e" / "example.py", racy, navigating_helpers([racy]))
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in found] == ["2", "6", "9", "12"]
    calm = ast.parse(
        "def test_e(page):\n"
        "    page.click('#note')\n"
        "    page.keyboard.type('x')\n"
        "    with page.expect_download():\n"
        "        page.click('button')\n"
        "    page.click('button')\n"
        "    expect(page.locator('.done')).to_have_text('ok')\n"
        "    page.click('a')\n"
        "    page.wait_for_url('/y/')\n"
    )
    assert unwaited(ROOT / "e2e" / "example.py", calm, set()) == []
