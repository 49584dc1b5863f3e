import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from django.utils.html import escape

from consent.models import ConsentVersion
from testkit.consent import make_draft

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/consent/consentversion/"


@pytest.fixture
def consent_editor(verified_client_factory):
    """Staff with the consent permissions only (no group), for the admin's own rules."""
    user = User.objects.create_user("editor", password="a long enough password 1", is_staff=True)
    for codename in ("view_consentversion", "add_consentversion", "change_consentversion"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return verified_client_factory(user)


def test_published_version_is_read_only_and_cannot_be_deleted_in_the_admin(verified_admin_client):
    version = ConsentVersion.objects.get(number=1)
    page = verified_admin_client.get(f"{CHANGELIST}{version.pk}/change/")
    assert page.status_code == 200
    assert b'name="text_en"' not in page.content  # shown, not editable
    response = verified_admin_client.post(
        f"{CHANGELIST}{version.pk}/change/",
        {"significant": "", "text_ru": "x", "text_kk": "x", "text_en": "x"},
    )
    assert response.status_code == 403
    assert verified_admin_client.get(f"{CHANGELIST}{version.pk}/delete/").status_code == 403
    assert (
        verified_admin_client.post(f"{CHANGELIST}{version.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    version.refresh_from_db()
    assert version.text_en.startswith("Personal data") and version.significant


def test_bulk_delete_is_not_offered(verified_admin_client):
    page = verified_admin_client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in page
    assert 'value="publish"' in page


def test_staff_drafts_a_version_and_publishes_it(verified_admin_client):
    response = verified_admin_client.post(
        f"{CHANGELIST}add/",
        {
            "kind": "consent",
            "significant": "on",
            "text_ru": "Текст 2",
            "text_kk": "Мәтін 2",
            "text_en": "Text 2",
        },
    )
    assert response.status_code == 302
    draft = ConsentVersion.objects.get(text_en="Text 2")
    assert draft.number is None
    # The action first shows what will change, and publishes nothing yet.
    page = verified_admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}
    ).content.decode()
    assert 'name="post" value="yes"' in page
    draft.refresh_from_db()
    assert draft.number is None
    response = verified_admin_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [draft.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.number == 2
    assert draft.published_on == timezone.localdate()
    assert verified_admin_client.get("/en/consent/").content.decode().count("Text 2") == 1


def test_publishing_needs_the_publish_permission(consent_editor):
    draft = make_draft()
    page = consent_editor.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in page
    consent_editor.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "post": "yes"}
    )
    draft.refresh_from_db()
    assert draft.number is None
    consent_editor.user.user_permissions.add(
        Permission.objects.get(codename="publish_consentversion")
    )
    consent_editor.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "post": "yes"}
    )
    draft.refresh_from_db()
    assert draft.number == 2


def test_a_draft_can_be_edited_in_the_admin(consent_editor):
    draft = make_draft()
    response = consent_editor.post(
        f"{CHANGELIST}{draft.pk}/change/",
        {
            "kind": "consent",
            "significant": "",
            "text_ru": "Исправлено",
            "text_kk": "Түзетілді",
            "text_en": "Fixed",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.text_en, draft.significant) == ("Fixed", False)


def test_publishing_shows_each_language_against_the_current_version_first(privacy_officer):
    current = ConsentVersion.objects.get(number=1)
    lines = current.text_ru.splitlines()
    at = next(i for i, line in enumerate(lines) if i > 3 and line.strip())
    # A line far from the change, said once in the text: outside the context shown.
    far = next(
        line for line in lines[at + 6 :] if len(line) > 20 and current.text_ru.count(line) == 1
    )
    changed = "\n".join([*lines[:at], "Новый пункт о сроках хранения.", *lines[at + 1 :]])
    draft = make_draft(text_ru=changed, text_kk=current.text_kk, text_en=current.text_en)
    page = privacy_officer.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}
    ).content.decode()
    assert "Публикация: проверьте изменения" in page
    assert '<span class="diff-line diff-add">Новый пункт о сроках хранения.</span>' in page
    assert f'<span class="diff-line diff-del">{escape(lines[at])}</span>' in page
    # Only the changed line and its context, not the whole text.
    assert escape(far) not in page
    assert page.count("Без изменений на этом языке.") == 2
    assert "Черновик № " in page and "сравнение с действующей версией (Версия 1)" in page
    draft.refresh_from_db()
    assert draft.number is None
    assert 'class="button danger"' in page


def test_publishing_from_the_drafts_filter_says_nothing_false(privacy_officer):
    draft = make_draft()
    drafts_list = f"{CHANGELIST}?published_on__isempty=1"
    response = privacy_officer.post(
        drafts_list,
        {"action": "publish", "_selected_action": [draft.pk], "post": "yes"},
        follow=True,
    )
    page = response.content.decode()
    draft.refresh_from_db()
    assert draft.number == 2
    assert "Опубликована 1 версия" in page
    assert "уже опубликованные" not in page.lower()


def test_a_new_draft_starts_as_a_copy_of_the_current_version_not_significant(privacy_officer):
    current = ConsentVersion.objects.get(number=1)
    page = privacy_officer.get(f"{CHANGELIST}add/").content.decode()
    assert current.text_en.splitlines()[0] in page
    assert 'name="significant" id="id_significant" checked' not in page
    assert 'name="significant"' in page
