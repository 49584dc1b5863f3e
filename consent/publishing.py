"""What publishing a draft will change, shown before the irreversible step: each language's
text against the current published version of the same kind, line by line."""

import difflib
from dataclasses import dataclass

from django.conf import settings

from consent.models import ConsentVersion


@dataclass(frozen=True)
class Line:
    kind: str  # "add", "del", "same" or "gap" (unchanged lines left out)
    text: str


def diff_lines(before, after, context=2):
    """The changed lines of `after` against `before` with `context` lines around each
    change; wrapped by the page, not by columns, so it reads on a phone too."""
    old, new = before.splitlines(), after.splitlines()
    lines = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(
        context
    ):
        if lines:
            lines.append(Line("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("same", text) for text in old[i1:i2]]
                continue
            lines += [Line("del", text) for text in old[i1:i2]]
            lines += [Line("add", text) for text in new[j1:j2]]
    return lines


def current_of_kind(kind):
    return ConsentVersion.all_kinds.published().filter(kind=kind).order_by("-number").first()


def publication_preview(draft):
    """{"draft", "current", "languages": [(name, lines, changed)]} of one draft."""
    current = current_of_kind(draft.kind)
    languages = []
    for code, name in settings.LANGUAGES:
        before = current.text(code) if current else ""
        lines = diff_lines(before, draft.text(code))
        languages.append({"code": code, "name": name, "lines": lines, "changed": bool(lines)})
    return {"draft": draft, "current": current, "languages": languages}
