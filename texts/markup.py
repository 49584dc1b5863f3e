"""Turn what staff type into HTML that cannot carry script.

Markdown is rendered with Python-Markdown, then everything it produced (including any raw
HTML typed into the text) goes through nh3's allow-list: a few formatting tags, links to
http(s), mailto and tel only, with rel="nofollow noopener".
"""

import re

import markdown
import nh3
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "nofollow noopener"
# nh3 lets relative and protocol-relative URLs through; we want an explicit scheme.
_ALLOWED_URL = re.compile(r"^(https?://|mailto:|tel:)", re.IGNORECASE)


def _only_absolute_links(tag, attribute, value):
    if tag == "a" and attribute == "href" and not _ALLOWED_URL.match(value.strip()):
        return None
    return value


def render_markdown(text):
    """Markdown to sanitised HTML: paragraphs, line breaks, bold, italic, lists and links."""
    html = markdown.markdown(text, extensions=["nl2br"], output_format="html")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_only_absolute_links,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean.strip())  # noqa: S308 - nh3 output holds only the tags allowed above


def render_plain(text):
    """Markdown to one line of escaped text, for headings: formatting and tags are dropped."""
    html = markdown.markdown(text, output_format="html")
    clean = nh3.clean(html, tags=set(), strip_comments=True)
    return mark_safe(" ".join(clean.split()))  # noqa: S308 - nh3 escaped all markup
