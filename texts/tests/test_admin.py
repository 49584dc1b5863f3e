import pytest
from django.contrib.admin.models import LogEntry
from django.utils import translation

from texts.models import PublicText

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/texts/publictext/"


def change_url(key):
    return f"{CHANGELIST}{PublicText.objects.get(key=key).pk}/change/"


def test_privacy_officer_edits_a_text_and_the_next_page_shows_it(
    client, privacy_officer, django_capture_on_commit_callbacks
):
    assert "Leave your name" in client.get("/en/").content.decode()  # cache now warm
    with django_capture_on_commit_callbacks(execute=True):
        response = privacy_officer.post(
            change_url("home_introduction"),
            {
                "text_ru": "Мы перезвоним в течение часа.",
                "text_kk": "Бір сағат ішінде қоңырау шаламыз.",
                "text_en": "We call back **within an hour**.",
            },
        )
    assert response.status_code == 302
    page = client.get("/en/").content.decode()
    assert '<div class="lead"><p>We call back <strong>within an hour</strong>.</p></div>' in page
    assert "we will call you back" not in page
    assert "Бір сағат ішінде" in client.get("/kk/").content.decode()


def test_the_admin_log_holds_the_label_not_the_text(privacy_officer):
    privacy_officer.post(
        change_url("contacts"),
        {"text_ru": "Секретный телефон +77010000001", "text_kk": "", "text_en": ""},
    )
    entry = LogEntry.objects.get()
    with translation.override("ru"):
        assert entry.object_repr == str(PublicText.Key.CONTACTS.label)
    assert "0000001" not in entry.object_repr + entry.change_message


def test_the_change_page_previews_the_sanitised_html(verified_admin_client):
    PublicText.objects.filter(key="working_hours").update(
        text_en="**Mon–Fri**\n\n<script>alert(1)</script>"
    )
    page = verified_admin_client.get(change_url("working_hours")).content.decode()
    assert "<p><strong>Mon–Fri</strong></p>" in page
    assert "<script>alert(1)" not in page


def test_texts_can_be_changed_but_never_added_or_deleted(verified_admin_client):
    page = verified_admin_client.get(CHANGELIST).content.decode()
    assert page.count(f'href="{CHANGELIST}') >= 4
    assert "delete_selected" not in page and f"{CHANGELIST}add/" not in page
    assert verified_admin_client.get(f"{CHANGELIST}add/").status_code == 403
    url = change_url("contacts").replace("/change/", "/delete/")
    assert verified_admin_client.post(url, {"post": "yes"}).status_code == 403
    assert PublicText.objects.count() == 4


def test_the_key_cannot_be_changed(verified_admin_client):
    url = change_url("contacts")
    verified_admin_client.post(
        url, {"key": "home_heading", "text_ru": "Контакты", "text_kk": "", "text_en": ""}
    )
    assert PublicText.objects.get(text_ru="Контакты").key == "contacts"


def test_the_russian_text_is_required(privacy_officer):
    response = privacy_officer.post(
        change_url("working_hours"), {"text_ru": "", "text_kk": "", "text_en": "9-18"}
    )
    assert response.status_code == 200
    assert PublicText.objects.get(key="working_hours").text_en != "9-18"


def test_operators_neither_see_nor_change_the_texts(operator):
    assert "texts/publictext" not in operator.get("/admin/").content.decode()
    assert operator.get(CHANGELIST).status_code == 403
    assert operator.get(change_url("contacts")).status_code == 403
    response = operator.post(change_url("contacts"), {"text_ru": "x", "text_kk": "", "text_en": ""})
    assert response.status_code == 403
    assert PublicText.objects.get(key="contacts").text_ru != "x"


def test_privacy_officers_see_the_texts_in_the_admin(privacy_officer):
    assert f'href="{CHANGELIST}"' in privacy_officer.get("/admin/").content.decode()
