import re

import pytest
from django.conf import settings

from testkit.texts import elements, set_text

pytestmark = pytest.mark.django_db


def h1(page):
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)


def lead(page):
    return re.search(r'<div class="lead">(.*?)</div>', page, re.S).group(1)


def footer(page):
    return re.search(r'<footer class="site-footer">(.*?)</footer>', page, re.S).group(1)


@pytest.mark.parametrize(
    ("prefix", "heading", "introduction", "hours"),
    [
        ("", "Заказать обратный звонок", "Оставьте имя", "Часы работы"),
        ("/kk", "Кері қоңырауға тапсырыс беру", "Атыңыз бен", "Жұмыс уақыты"),
        ("/en", "Request a call back", "Leave your name", "Working hours"),
    ],
)
def test_each_language_shows_its_texts(client, prefix, heading, introduction, hours):
    page = client.get(f"{prefix}/").content.decode()
    assert h1(page) == heading
    assert lead(page).startswith(f"<p>{introduction}")
    email = settings.OPERATOR["privacy_email"]
    assert f'<a href="mailto:{email}" rel="nofollow noopener">{email}</a>' in footer(page)
    assert f"<p>{hours}: " in footer(page)


def test_edited_texts_are_shown_in_every_language_with_russian_for_the_empty_ones(client):
    set_text("home_heading", ru="Позвоните нам", kk="Бізге қоңырау шалыңыз", en="")
    set_text("contacts", ru="Тел.: [+7 7172 00 00 00](tel:+77172000000)", kk="", en="")
    for prefix, heading in (("", "Позвоните нам"), ("/kk", "Бізге қоңырау шалыңыз")):
        assert h1(client.get(f"{prefix}/").content.decode()) == heading
    page = client.get("/en/").content.decode()
    assert h1(page) == "Позвоните нам"
    assert '<a href="tel:+77172000000" rel="nofollow noopener">' in footer(page)


def test_the_heading_stays_plain_text_and_the_introduction_no_paragraph_in_a_paragraph(client):
    set_text("home_heading", en="**Call** *us*\nnow")
    set_text("home_introduction", en="One\n\nTwo")
    page = client.get("/en/").content.decode()
    assert h1(page) == "Call us now"
    assert lead(page) == "<p>One</p>\n<p>Two</p>"
    assert '<p class="lead">' not in page


def test_script_typed_by_staff_never_reaches_the_page(client):
    attack = (
        '<script>alert("x")</script> [click](javascript:alert(1)) '
        "<img src=x onerror=alert(2)> <b onmouseover=alert(3)>bold</b>"
    )
    for key in ("home_heading", "home_introduction", "contacts", "working_hours"):
        set_text(key, ru=attack, kk=attack, en=attack)
    for prefix in ("", "/kk", "/en"):
        page = client.get(f"{prefix}/").content.decode()
        assert "alert" not in page and "javascript:" not in page
        assert all(not name.startswith("on") for _tag, attrs in elements(page) for name in attrs)
        assert "img" not in [tag for tag, _attrs in elements(page)]
        assert "click" in lead(page) and "bold" in footer(page)


def test_home_page_makes_no_database_query_once_warm(client, django_assert_num_queries):
    client.get("/")
    for prefix in ("", "/kk", "/en"):
        with django_assert_num_queries(0):
            page = client.get(f"{prefix}/").content.decode()
        assert "nofollow noopener" in footer(page)


def test_pages_show_the_last_known_texts_while_the_database_is_down(client, monkeypatch):
    from django.core.cache import cache
    from django.db import OperationalError, connection

    set_text("working_hours", en="Open around the clock")
    assert "Open around the clock" in client.get("/en/").content.decode()
    cache.clear()

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    page = client.get("/en/").content.decode()
    assert "<p>Open around the clock</p>" in footer(page)
