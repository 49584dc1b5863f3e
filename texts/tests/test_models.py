import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.utils import translation

from qarat.cache import PROCESS_SECONDS
from testkit.texts import set_text
from texts import models
from texts.models import PublicText, public_texts

pytestmark = pytest.mark.django_db

KEYS = {"home_heading", "home_introduction", "contacts", "working_hours"}


def test_the_four_texts_are_seeded_in_three_languages():
    assert set(PublicText.objects.values_list("key", flat=True)) == KEYS
    for public_text in PublicText.objects.all():
        assert public_text.text_ru and public_text.text_kk and public_text.text_en
    email = settings.OPERATOR["privacy_email"]
    assert public_texts("en") == {
        "home_heading": "Request a call back",
        "home_introduction": "<p>Leave your name and phone number and we will call you back.</p>",
        "contacts": (
            f'<p>E-mail: <a href="mailto:{email}" rel="nofollow noopener">{email}</a></p>'
        ),
        "working_hours": "<p>Working hours: Monday to Friday, 9:00–18:00 (Astana time)</p>",
    }
    assert public_texts("ru")["home_heading"] == "Заказать обратный звонок"
    assert public_texts("kk")["home_heading"] == "Кері қоңырауға тапсырыс беру"


def test_str_is_the_label_never_the_text():
    public_text = set_text("contacts", ru="Телефон: +7 700 000 00 00")
    with translation.override("en"):
        assert str(public_text) == "Contacts"
    assert str(public_text) == "Контакты"


def test_an_empty_language_falls_back_to_russian():
    set_text("working_hours", ru="Часы: 10–19", kk="", en="  ")
    texts = public_texts("kk")
    assert texts["working_hours"] == "<p>Часы: 10–19</p>"
    assert public_texts("en")["working_hours"] == "<p>Часы: 10–19</p>"


def test_an_unknown_language_gets_the_russian_texts():
    assert public_texts("de") == public_texts("ru")


def test_text_is_rendered_once_and_then_read_from_the_process_copy_or_one_cache_get(
    django_assert_num_queries, monkeypatch
):
    with django_assert_num_queries(1):
        public_texts("ru")
    gets = []
    original_get = cache.get

    def counting_get(key, *args, **kwargs):
        gets.append(key)
        return original_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    monkeypatch.setattr(models, "render_markdown", pytest.fail)
    with django_assert_num_queries(0):
        for language in ("ru", "kk", "en"):
            assert public_texts(language)["home_heading"]
        # Within PROCESS_SECONDS this process reuses its copy; then one cache read.
        assert gets == []
        later = time.monotonic() + PROCESS_SECONDS
        monkeypatch.setattr(time, "monotonic", lambda: later)
        assert public_texts("kk")["home_heading"]
        assert public_texts("en")["home_heading"]
    assert gets == [models.CACHE_KEY]


def test_saving_clears_the_cache_once_committed(django_capture_on_commit_callbacks):
    assert public_texts("en")["home_heading"] == "Request a call back"
    with django_capture_on_commit_callbacks(execute=True):
        set_text("home_heading", en="Call me")
    assert public_texts("en")["home_heading"] == "Call me"


def test_deleting_clears_the_cache_once_committed(django_capture_on_commit_callbacks):
    assert public_texts("en")["contacts"]
    with django_capture_on_commit_callbacks(execute=True):
        PublicText.objects.get(key="contacts").delete()
    assert public_texts("en")["contacts"] == ""


def test_the_last_known_texts_are_used_while_the_database_is_down(monkeypatch):
    set_text("working_hours", en="Open 24/7")
    assert public_texts("en")["working_hours"] == "<p>Open 24/7</p>"
    cache.clear()

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert public_texts("en")["working_hours"] == "<p>Open 24/7</p>"


def test_without_a_last_known_copy_a_database_error_is_raised(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    with pytest.raises(OperationalError):
        public_texts("en")
