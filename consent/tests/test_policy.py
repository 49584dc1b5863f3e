"""The personal-data policy: the second kind of version in the registry, at /privacy/."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db import IntegrityError, connection, transaction
from django.forms import modelform_factory

from consent.models import ConsentVersion, ConsentVersionImmutable, current_version
from inquiries.models import Inquiry
from testkit.consent import make_draft, make_policy_draft
from testkit.inquiries import form_data, make_inquiry

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "seed"
CHANGELIST = "/admin/consent/consentversion/"
TITLES = {
    "ru": "ПОЛИТИКА В ОТНОШЕНИИ ОБРАБОТКИ И ЗАЩИТЫ ПЕРСОНАЛЬНЫХ ДАННЫХ",
    "kk": "ДЕРБЕС ДЕРЕКТЕРДІ ӨҢДЕУ ЖӘНЕ ҚОРҒАУ САЯСАТЫ",
    "en": "POLICY ON THE PROCESSING AND PROTECTION OF PERSONAL DATA",
}


def policy(number=1):
    return ConsentVersion.all_kinds.policies().get(number=number)


def consent(number=1):
    return ConsentVersion.all_kinds.consents().get(number=number)


def publish_policy_v2(**overrides):
    return make_policy_draft(**overrides).publish(today=datetime.date(2026, 12, 1))


# --- Version 1 ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_policy_version_1_is_published_with_the_seed_text_and_its_hash(language):
    version = policy()
    assert version.published_on == datetime.date(2026, 11, 25)
    seed = (SEED / f"policy-v1-2026-11-25.{language}.txt").read_text(encoding="utf-8")
    assert version.text(language) == seed
    assert version.sha256(language) == hashlib.sha256(seed.encode("utf-8")).hexdigest()
    assert TITLES[language] in seed


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_policy_texts_have_the_same_sections_and_the_operator_details(language):
    text = policy().text(language)
    headings = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]
    assert [h.split(".")[0] for h in headings] == [str(n) for n in range(1, 13)]
    assert text.count("•") == policy().text_en.count("•")
    for detail in (settings.OPERATOR["bin"], settings.OPERATOR["privacy_email"], "ps.kz"):
        assert detail in text
    assert settings.OPERATOR["address"][language] in text
    assert "SHA-256" in text


def test_policy_states_the_retention_and_deadlines_the_site_applies():
    # Version 1 was written from the defaults; a deployment that changes them publishes
    # a new version (README). This catches a default changed without the text.
    text = policy().text_en
    assert settings.INQUIRY_RETENTION_YEARS == 3
    assert "no longer than 3 (three) years from the date of the inquiry" in text
    assert f"kept for no more than {settings.BACKUP_KEEP_DAYS} days" in text
    deadlines = settings.SUBJECT_REQUEST_DEADLINE_DAYS
    for kind, phrase in [
        ("information", "answered within {} working days"),
        ("correction", "corrected or supplemented - within {} working day"),
        ("blocking", "violated - within {} working day"),
        ("deletion", "provided by the Law - within {} working day"),
        ("withdrawal", "processing stops within {} working days"),
    ]:
        assert phrase.format(deadlines[kind]) in text


def test_policy_is_not_a_consent_version():
    assert [v.number for v in ConsentVersion.objects.all()] == [1]
    assert ConsentVersion.objects.get(number=1).kind == ConsentVersion.Kind.CONSENT
    assert ConsentVersion.all_kinds.filter(number=1).count() == 2
    assert str(policy()) == "Редакция политики 1"
    assert str(make_policy_draft()).startswith("Черновик политики № ")


# --- Pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix, language", [("", "ru"), ("/kk", "kk"), ("/en", "en")])
def test_current_policy_is_shown_in_the_visitors_language(client, prefix, language):
    response = client.get(f"{prefix}/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert TITLES[language] in page
    assert "25.11.2026" in page
    assert policy().sha256(language) in page
    assert f'href="{prefix}/privacy/1/{language}.txt"' in page
    assert "СОГЛАСИЕ НА СБОР" not in page and "CONSENT TO THE COLLECTION" not in page


def test_policy_page_lays_out_sections_and_lists(client):
    page = client.get("/en/privacy/1/").content.decode()
    assert "<title>Personal data policy, version 1 — QARAT Service</title>" in page
    assert "<h2>9. Rights of the Data Subject and Deadlines</h2>" in page
    assert page.count("<li>") >= policy().text_en.count("•")
    assert "significant change" not in page


def test_archive_lists_both_policy_versions_and_no_consent_version(client):
    publish_policy_v2(text_en="Policy, version 2, new recipients")
    current = client.get("/en/privacy/").content.decode()
    assert "Policy, version 2, new recipients" in current
    assert 'href="/en/privacy/1/"' in current
    assert "Version 2 of 01.12.2026" in current
    older = client.get("/en/privacy/1/").content.decode()
    assert TITLES["en"] in older
    assert 'href="/en/privacy/2/"' in older
    assert "Version 1 of 25.11.2026" in older
    # The consent's archive is unchanged: one version, no link to a "version 2".
    consent_page = client.get("/en/consent/").content.decode()
    assert "CONSENT TO THE COLLECTION" in consent_page
    assert "/consent/2/" not in consent_page and "/privacy/" in consent_page
    assert client.get("/en/consent/2/").status_code == 404


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_exact_policy_text_download_matches_the_stored_hash(client, language):
    response = client.get(f"/privacy/1/{language}.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert hashlib.sha256(response.content).hexdigest() == policy().sha256(language)


def test_unknown_versions_drafts_and_languages_are_not_found(client):
    draft = make_policy_draft()
    assert client.get("/en/privacy/2/").status_code == 404
    assert client.get(f"/en/privacy/{draft.pk}/").status_code == 404
    assert client.get("/privacy/1/de.txt").status_code == 404
    assert client.get("/privacy/2/en.txt").status_code == 404
    assert b"Policy, version 2" not in client.get("/en/privacy/").content


@pytest.mark.parametrize("path", ["/en/", "/en/consent/", "/en/privacy/"])
def test_footer_links_the_policy_next_to_the_consent(client, path):
    page = client.get(path).content.decode()
    footer = page.split('<footer class="site-footer">', 1)[1]
    consent_link = '<a href="/en/consent/">Consent to the processing of personal data</a>'
    policy_link = '<a href="/en/privacy/">Personal data policy</a>'
    assert consent_link in footer and policy_link in footer
    assert footer.index(policy_link) > footer.index(consent_link)


# --- Immutability ------------------------------------------------------------------------


def test_published_policy_refuses_to_be_saved_or_deleted():
    version = policy()
    version.text_en = "Something else"
    with pytest.raises(ConsentVersionImmutable):
        version.save()
    with pytest.raises(ConsentVersionImmutable):
        version.delete()
    assert policy().text_en.startswith("Personal data")


def test_queryset_update_and_delete_refuse_a_published_policy():
    with pytest.raises(ConsentVersionImmutable):
        ConsentVersion.all_kinds.policies().update(significant=True)
    with pytest.raises(ConsentVersionImmutable):
        ConsentVersion.all_kinds.policies().delete()
    assert policy().significant is False


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE consent_consentversion SET text_en = 'changed' WHERE kind = 'policy'",
        "UPDATE consent_consentversion SET kind = 'consent', number = 2 WHERE kind = 'policy'",
        "UPDATE consent_consentversion SET published_on = NULL, number = NULL"
        " WHERE kind = 'policy'",
        "DELETE FROM consent_consentversion WHERE kind = 'policy'",
    ],
)
def test_database_refuses_raw_changes_to_a_published_policy(statement):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    version = policy()
    assert version.text_en.startswith("Personal data")
    assert version.published_on == datetime.date(2026, 11, 25)


def test_database_allows_changes_to_a_policy_draft():
    draft = make_policy_draft()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consent_consentversion SET text_en = 'Draft, revised' WHERE id = %s",
            [draft.pk],
        )
    draft.refresh_from_db()
    assert draft.text_en == "Draft, revised"
    draft.delete()
    assert not ConsentVersion.all_kinds.filter(pk=draft.pk).exists()


def test_published_policy_is_read_only_in_the_admin(verified_admin_client):
    version = policy()
    page = verified_admin_client.get(f"{CHANGELIST}{version.pk}/change/")
    assert page.status_code == 200
    assert b"POLICY ON THE PROCESSING" in page.content
    assert b'name="text_en"' not in page.content
    response = verified_admin_client.post(
        f"{CHANGELIST}{version.pk}/change/",
        {"kind": "policy", "text_ru": "x", "text_kk": "x", "text_en": "x"},
    )
    assert response.status_code == 403
    assert verified_admin_client.get(f"{CHANGELIST}{version.pk}/delete/").status_code == 403
    response = verified_admin_client.post(f"{CHANGELIST}{version.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert policy().text_en.startswith("Personal data")


# --- Numbering and publishing ------------------------------------------------------------


def test_numbers_count_separately_for_each_kind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_policy_v2().number == 2
        assert make_policy_draft(text_en="Policy 3").publish().number == 3
        assert make_draft().publish().number == 2
    assert [v.number for v in ConsentVersion.all_kinds.policies().published()] == [3, 2, 1]
    assert [v.number for v in ConsentVersion.objects.published()] == [2, 1]


def test_admin_lists_and_filters_the_kinds(verified_admin_client):
    make_policy_draft()
    everything = verified_admin_client.get(CHANGELIST).content.decode()
    assert "Редакция политики 1" in everything and "Версия 1" in everything
    assert "Черновик политики № " in everything
    assert "?kind__exact=policy" in everything
    policies = verified_admin_client.get(f"{CHANGELIST}?kind__exact=policy").content.decode()
    assert "Редакция политики 1" in policies and "Черновик политики № " in policies
    assert ">Версия 1<" not in policies


def test_staff_drafts_a_policy_and_publishes_it_with_the_permission(verified_client_factory):
    user = User.objects.create_user("editor", password="a long enough password 1", is_staff=True)
    for codename in ("view_consentversion", "add_consentversion", "change_consentversion"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = verified_client_factory(user)
    response = client.post(
        f"{CHANGELIST}add/",
        {"kind": "policy", "text_ru": "Политика 2", "text_kk": "Саясат 2", "text_en": "Policy 2"},
    )
    assert response.status_code == 302
    draft = ConsentVersion.all_kinds.get(text_en="Policy 2")
    assert draft.is_policy and draft.number is None
    response = client.post(
        f"{CHANGELIST}{draft.pk}/change/",
        {"kind": "policy", "text_ru": "Политика 2", "text_kk": "Саясат 2", "text_en": "Policy 2b"},
    )
    assert response.status_code == 302
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "post": "yes"})
    draft.refresh_from_db()
    assert draft.number is None  # not without the publish permission
    user.user_permissions.add(Permission.objects.get(codename="publish_consentversion"))
    response = client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [draft.pk], "post": "yes"},
        follow=True,
    )
    # The admin runs in Russian.
    assert "Опубликована 1 версия политики; теперь сайт показывает её." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.number, draft.text_en) == (2, "Policy 2b")
    assert "Policy 2b" in client.get("/en/privacy/").content.decode()


# --- The consent form never takes a policy -----------------------------------------------


def hidden_value(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_form_offers_and_accepts_only_consent_versions(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.get("/en/")  # warms the cache of published consent versions
    with django_capture_on_commit_callbacks(execute=True):
        policy_v2 = publish_policy_v2(text_en="Policy, version 2")
    assert (current_version().number, current_version().pk) == (1, consent().pk)
    client.get("/en/")
    with django_assert_num_queries(0):
        page = client.get("/en/").content.decode()
    assert hidden_value(page, "consent_version") == "1"
    assert 'href="/en/consent/1/"' in page

    # "Version 2" exists only as a policy: the form does not know it.
    refused = client.post("/en/", form_data(consent_version="2"))
    assert refused.status_code == 400
    assert "We could not tell which consent text this form showed" in refused.content.decode()
    assert not Inquiry.objects.exists()

    assert client.post("/en/", form_data(consent_version="1")).status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.consent_version_id == consent().pk != policy_v2.pk
    assert inquiry.consent_sha256 == consent().sha256_en


def test_inquiry_forms_and_admin_filter_do_not_offer_a_policy(verified_admin_client):
    consent_v2 = make_draft().publish()  # two consent versions: the admin shows the filter
    make_inquiry()
    form_class = modelform_factory(Inquiry, fields=["consent_version"])
    choices = [str(value) for value, _label in form_class().fields["consent_version"].choices]
    assert str(consent_v2.pk) in choices and str(policy().pk) not in choices
    assert form_class({"consent_version": consent_v2.pk}).is_valid()
    assert not form_class({"consent_version": policy().pk}).is_valid()
    page = verified_admin_client.get("/admin/inquiries/inquiry/").content.decode()
    for version in (consent(), consent_v2):
        assert f'consent_version__id__exact={version.pk}"' in page
    assert f'consent_version__id__exact={policy().pk}"' not in page


def test_sitemap_lists_the_policy_in_each_language(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    for prefix in ("", "/kk", "/en"):
        assert f"<loc>http://testserver{prefix}/privacy/</loc>" in sitemap
