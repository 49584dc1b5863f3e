"""The admin's Russian: names declined and agreed, history by the fields' own names, plural
forms, role groups and the libraries' sections by their translated names."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from consent.models import ConsentVersion
from inquiries.models import Inquiry, InquiryView
from testkit.consent import make_draft
from testkit.inquiries import make_inquiry
from testkit.privacy import make_request

pytestmark = pytest.mark.django_db


def text(response):
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def change_inquiry(client, inquiry, **fields):
    data = {
        "name": inquiry.name,
        "phone": inquiry.phone,
        "message": inquiry.message,
        "status": Inquiry.Status.NEW,
        "note": "",
        "legal_hold_reason": "",
        **fields,
    }
    return client.post(f"/admin/inquiries/inquiry/{inquiry.pk}/change/", data, follow=True)


def test_objects_are_named_in_russian(privacy_officer):
    inquiry = make_inquiry()
    draft = make_draft()
    subject_request = make_request("deletion")
    assert str(inquiry) == f"Обращение {inquiry.reference}"
    assert str(draft) == f"Черновик № {draft.pk}"
    assert str(ConsentVersion.objects.get(number=1)) == "Версия 1"
    assert str(subject_request) == f"Запрос № {subject_request.pk}"


def test_saving_says_so_in_a_whole_sentence_that_agrees(privacy_officer):
    inquiry = make_inquiry()
    page = text(change_inquiry(privacy_officer, inquiry, status=Inquiry.Status.PROCESSED))
    assert f"Обращение {inquiry.reference} сохранено." in page
    assert "был успешно изменен" not in page
    draft = make_draft()
    response = privacy_officer.post(
        f"/admin/consent/consentversion/{draft.pk}/change/",
        {"kind": "consent", "text_ru": "а", "text_kk": "ә", "text_en": "a"},
        follow=True,
    )
    assert f"Черновик № {draft.pk} сохранён." in text(response)


def test_history_names_the_changed_fields_in_russian(privacy_officer):
    # Processed already: its note is on the form (a waiting one's is in the call-back panel).
    inquiry = make_inquiry(status=Inquiry.Status.PROCESSED)
    change_inquiry(privacy_officer, inquiry, status=Inquiry.Status.NEW, note="перезвонить")
    page = text(privacy_officer.get(f"/admin/inquiries/inquiry/{inquiry.pk}/history/"))
    assert "Изменено: статус и заметка оператора." in page
    assert "Status" not in page and "Operator note" not in page


def test_titles_and_counts_use_the_right_case_and_plural(privacy_officer):
    inquiry = make_inquiry()
    for _ in range(4):
        InquiryView.objects.create(inquiry=inquiry, username="someone")
    page = text(privacy_officer.get("/admin/inquiries/inquiryview/"))
    assert "4 просмотра" in page and "4 просмотры" not in page
    page = text(privacy_officer.get("/admin/consent/consentversion/"))
    assert "Выберите версия" not in page and "Версии согласия" in page
    assert "2 версии" in page  # the consent and the policy, version 1 each
    make_request("deletion")
    assert "1 запрос" in text(privacy_officer.get("/admin/privacy/subjectrequest/"))


def test_deleting_a_draft_asks_without_a_wrong_case(privacy_officer):
    draft = make_draft()
    page = text(privacy_officer.get(f"/admin/consent/consentversion/{draft.pk}/delete/"))
    assert f"Удалить «Черновик № {draft.pk}» (версия согласия)?" in page
    response = privacy_officer.post(
        f"/admin/consent/consentversion/{draft.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert f"Черновик № {draft.pk} удалён." in text(response)


def test_role_groups_and_library_sections_have_russian_names(verified_admin_client):
    page = text(verified_admin_client.get("/admin/"))
    for english in ("AXES", "Axes", "OTP_TOTP", "Otp_Totp", "TOTP devices", "Access attempts"):
        assert english not in page
    assert "Приложения-аутентификаторы" in page and "Серия неверных паролей" in page
    page = text(verified_admin_client.get("/admin/auth/group/"))
    assert "Операторы" in page and "Ответственные за персональные данные" in page
    assert "Operators" not in page and "Privacy officers" not in page
    operators = Group.objects.get(name="Operators")
    page = text(verified_admin_client.get(f"/admin/auth/group/{operators.pk}/change/"))
    assert "Обращения | обращение | просмотр" in page
    assert "Can view" not in page
    # The stored names stay the code's: the roles are kept in step by them.
    assert Group.objects.filter(name="Privacy officers").exists()
    page = text(verified_admin_client.get("/admin/auth/group/add/"))
    see_blocked = Permission.objects.get(codename="see_blocked_inquiry")
    assert see_blocked.name == "Can see blocked inquiries"
    assert "Обращения | обращение | Может видеть заблокированные обращения" in page


def test_role_groups_cannot_be_renamed_or_deleted(verified_admin_client):
    operators = Group.objects.get(name="Operators")
    response = verified_admin_client.get(f"/admin/auth/group/{operators.pk}/delete/")
    assert response.status_code == 403
    page = verified_admin_client.get(f"/admin/auth/group/{operators.pk}/change/").content
    assert b'name="name"' not in page
