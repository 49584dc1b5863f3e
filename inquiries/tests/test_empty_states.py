"""An empty list or dashboard says why it is empty and what will fill it."""

import pytest

from testkit.inquiries import make_inquiry

pytestmark = pytest.mark.django_db

LIST = "/admin/inquiries/inquiry/"


def test_an_empty_inquiry_list_and_dashboard_say_what_fills_them(operator):
    page = operator.get(LIST).content.decode()
    assert "Обращений пока нет." in page
    page = operator.get("/admin/").content.decode()
    assert "За последние 30 дней обращений нет." in page


def test_a_search_that_finds_nothing_says_so_not_that_there_are_none(operator):
    make_inquiry()
    page = operator.get(LIST, {"q": "Несуществующее Имя"}).content.decode()
    assert "По этому поиску и фильтрам ничего не найдено." in page
    assert "Обращений пока нет." not in page
    page = operator.get(LIST).content.decode()
    assert "ничего не найдено" not in page and "Обращений пока нет." not in page
    assert "За последние 30 дней обращений нет." not in operator.get("/admin/").content.decode()
