import pytest

from testkit.texts import elements
from texts.markup import render_markdown, render_plain


def test_paragraphs_line_breaks_bold_and_italic_are_kept():
    html = render_markdown("First line\nsecond **bold** and *italic*\n\nNew paragraph")
    assert html == (
        "<p>First line<br>\nsecond <strong>bold</strong> and <em>italic</em></p>\n"
        "<p>New paragraph</p>"
    )


@pytest.mark.parametrize(
    ("typed", "href"),
    [
        ("[site](https://qarat.kz/about)", "https://qarat.kz/about"),
        ("[site](http://qarat.kz)", "http://qarat.kz"),
        ("[write](mailto:info@qarat.kz)", "mailto:info@qarat.kz"),
        ("[call](tel:+77172000000)", "tel:+77172000000"),
        ("<https://qarat.kz>", "https://qarat.kz"),
    ],
)
def test_http_mailto_and_tel_links_are_kept_with_nofollow_noopener(typed, href):
    assert elements(render_markdown(typed)) == [
        ("p", {}),
        ("a", {"href": href, "rel": "nofollow noopener"}),
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "[x](//evil.example/)",
        "[x](/admin/)",
    ],
)
def test_links_to_anything_but_http_mailto_and_tel_lose_their_address(typed):
    html = render_markdown(typed)
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert links == [{"rel": "nofollow noopener"}]
    assert "javascript" not in html.lower() and "evil" not in html


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>Hello",
        "Hello <script src=https://evil.example/x.js></script>",
        "Hello\n\n<script>\nalert(1)\n</script>",
        "<SCRIPT>alert(1)</SCRIPT>Hello",
    ],
)
def test_script_elements_are_removed_with_their_content(typed):
    html = render_markdown(typed)
    assert "script" not in html.lower() and "alert" not in html and "evil" not in html
    assert "Hello" in html


@pytest.mark.parametrize(
    "typed",
    [
        "<img src=x onerror=alert(1)>Hello",
        '<p onclick="alert(1)">Hello</p>',
        '<a href="https://qarat.kz" onmouseover="alert(1)">Hello</a>',
        '<strong onmouseover="alert(1)" style="color:red" class="x">Hello</strong>',
    ],
)
def test_event_handlers_styles_and_unknown_elements_are_removed(typed):
    html = render_markdown(typed)
    assert "Hello" in html
    for tag, attributes in elements(html):
        assert tag in {"p", "a", "strong"}
        assert set(attributes) <= {"href", "rel"}
    assert "alert" not in html


@pytest.mark.parametrize(
    "typed",
    [
        '<iframe src="https://evil.example/"></iframe>',
        "<style>body { display: none }</style>",
        "<form action=https://evil.example/><input name=phone></form>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "<!-- a comment -->",
        '<svg onload="alert(1)"><text>evil</text></svg>',
    ],
)
def test_raw_html_outside_the_allow_list_leaves_no_element(typed):
    html = render_markdown(typed)
    assert [tag for tag, _attrs in elements(html) if tag != "p"] == []
    assert "evil" not in html and "display" not in html and "comment" not in html


def test_text_that_looks_like_html_is_escaped_not_interpreted():
    assert render_markdown("9:00 < 18:00 & more") == "<p>9:00 &lt; 18:00 &amp; more</p>"


def test_heading_is_plain_text_on_one_line():
    assert render_plain("**Call** us\n*today* <script>alert(1)</script>") == "Call us today"
    assert render_plain("<img src=x onerror=alert(1)>Q & A") == "Q &amp; A"
