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
def cell_labels(headers):
    """Each column's ` data-label="<header>"` (escaped), or "" for the checkbox column: made
    once per list, not once per row."""
    return [format_html(' data-label="{}"', label) if (label := _label(h)) else "" for h in headers]


@register.filter
def labelled_row(result, labels):
    """The row's rendered cells, each with its column's label (`cell_labels`), as one piece
    of HTML: a template loop over the cells cost more than making them."""
    cells = []
    for cell, attribute in zip(result, labels, strict=False):
        cell = str(cell)
        tag = CELL_START.match(cell)
        if tag:
            cell = f"<{tag.group(1)}{attribute}{cell[tag.end() :]}"
        cells.append(cell)
    # The cells are the admin's own escaped HTML; the labels are escaped by cell_labels.
    return mark_safe("".join(cells))  # noqa: S308
