"""Each list cell carries its column's name, so a narrow screen shows rows as labelled cards."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()

CELL_START = re.compile(r"^\s*<(td|th)\b")


def _label(header):
    if "action-checkbox-column" in header.get("class_attrib", ""):
        return ""
    return capfirst(str(header.get("text", "")))


@register.filter
def labelled_cells(result, headers):
    """The row's rendered cells, each with data-label="<its column's header>"."""
    cells = []
    for cell, header in zip(result, headers, strict=False):
        label = _label(header)
        attribute = format_html(' data-label="{}"', label) if label else ""
        tag = CELL_START.match(str(cell))
        if tag:
            cell = f"<{tag.group(1)}{attribute}{str(cell)[tag.end() :]}"
        # The cell is the admin's own escaped HTML; the label is escaped above.
        cells.append(mark_safe(cell))  # noqa: S308
    return cells
