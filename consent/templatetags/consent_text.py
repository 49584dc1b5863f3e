import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

HEADING = re.compile(r"^\d+\.\s")
BULLET = "•"


@register.filter
def consent_html(text):
    """Lay out a plain consent text: numbered headings, bullet lists and paragraphs.

    Only structure is added; every word of the text is shown as stored (and escaped).
    """
    html = []
    titled = False
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not titled and len(lines) == 1 and lines[0].isupper() and not HEADING.match(lines[0]):
            # The document's title, in capitals, is the page's main heading.
            html.append(f"<h1>{escape(lines[0])}</h1>")
            titled = True
        elif all(line.startswith(BULLET) for line in lines):
            items = "".join(f"<li>{escape(line[1:].strip())}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and HEADING.match(lines[0]):
            html.append(f"<h2>{escape(lines[0])}</h2>")
        else:
            html.append(f"<p>{'<br>'.join(escape(line) for line in lines)}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text is escaped above


@register.filter
def ru_plural(number, forms):
    """The Russian word for `number` from "one,few,many" (1 год, 2 года, 5 лет; 21 год)."""
    one, few, many = forms.split(",")
    if not isinstance(number, int):
        return many  # a placeholder the privacy officer replaces with a number
    number = abs(number)
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many
