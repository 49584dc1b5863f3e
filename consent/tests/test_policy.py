"""The personal-data policy: the second kind of version in the registry, at /privacy/."""

import datetime
import hashlib
import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.forms import modelform_factory

from consent.models import (
    ConsentVersion,
    ConsentVersionImmutable,
    ConsentVersionIncomplete,
    current_version,
)
from consent.policy_draft import PLACEHOLDER, policy_draft_texts
from inquiries.models import Inquiry
from testkit.consent import complete_placeholders, make_draft, make_policy_draft
from testkit.inquiries import form_data, make_inquiry
from testkit.site import run_django

pytestmark = pytest.mark.django_db

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


# --- Version 1: a draft the operator completes and publishes -------------------------------


def draft():
    return ConsentVersion.all_kinds.policies().drafts().get()


def test_a_fresh_installation_has_policy_version_1_as_a_draft_not_published():
    assert not ConsentVersion.all_kinds.policies().published().exists()
    version = draft()
    assert version.number is None and not version.significant
    for language in ("ru", "kk", "en"):
        text = version.text(language)
        assert TITLES[language] in text
        assert version.sha256(language) == hashlib.sha256(text.encode("utf-8")).hexdigest()
        # Nothing a setting does not say is made up: the officer fills it in.
        assert version.placeholder_languages() == ["ru", "kk", "en"]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_policy_draft_has_the_same_sections_and_the_operator_details(language):
    text = draft().text(language)
    headings = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]
    assert [h.split(".")[0] for h in headings] == [str(n) for n in range(1, 13)]
    assert text.count("•") == draft().text_en.count("•")
    for detail in (settings.OPERATOR["bin"], settings.OPERATOR["privacy_email"]):
        assert detail in text
    assert settings.OPERATOR["address"][language] in text
    assert settings.OPERATOR["name"][language] in text
    assert "SHA-256" in text


def test_the_draft_fills_what_the_settings_say_and_marks_the_rest(settings):
    settings.POLICY_DETAILS = {
        **settings.POLICY_DETAILS,
        "officer_name": "Айгерим Касенова",
        "officer_position": {"ru": "директор", "kk": "директор", "en": "director"},
        "hosting_provider": "ps.kz",
        "hosting_country": "KZ",
        "mail_provider": "Mail.ru (VK)",
        "mail_country": "RU",
        "authority_contacts": "",
        "server_log_days": 14,
    }
    texts = policy_draft_texts()
    en = texts["en"]
    assert (
        "The person responsible for organising the processing of personal data is "
        "Айгерим Касенова, director." in en
    )
    assert "run on servers located in Kazakhstan, rented from the hosting provider ps.kz" in en
    assert "kept by the mail service Mail.ru (VK) (Russia)" in en
    assert "kept for 14 days" in en
    assert "директор" in texts["ru"] and "Российская Федерация" in texts["ru"]
    # Only the authorised body's contacts are left to complete, in each language.
    assert PLACEHOLDER.findall(en) == [
        "[TO BE COMPLETED: address, phone and website of the authorised body]"
    ]
    assert PLACEHOLDER.findall(texts["ru"]) == [
        "[ЗАПОЛНИТЬ: адрес, телефон и сайт уполномоченного органа]"
    ]
    assert len(PLACEHOLDER.findall(texts["kk"])) == 1
    for text in texts.values():
        assert "Information Security Committee" in en
        assert "Ministry of Digital Development" in en
        assert settings.POLICY_DETAILS["authority"]["ru"] in texts["ru"]
        assert text.count("[") == text.count("]")


def test_the_draft_no_longer_says_no_data_cross_the_border(settings):
    settings.POLICY_DETAILS = {
        **settings.POLICY_DETAILS,
        "mail_provider": "Mail.ru (VK)",
        "mail_country": "RU",
        "hosting_provider": "ps.kz",
        "hosting_country": "KZ",
    }
    texts = policy_draft_texts()
    assert "No other data cross the border" not in texts["en"]
    assert "Иные данные за пределы страны не передаются" not in texts["ru"]
    section = texts["en"].split("8. Web Analytics")[1].split("9. Rights")[0]
    assert (
        "A request sent by e-mail, and the Operator's answer to it, are stored by the mail "
        "service Mail.ru (VK) in Russia" in section
    )
    assert "a_kassenov@mail.ru" in section
    assert "The Website's servers are located" not in section  # Kazakhstan is not abroad
    # A mailbox kept in Kazakhstan crosses no border: the draft says nothing of it.
    settings.POLICY_DETAILS = {**settings.POLICY_DETAILS, "mail_country": "KZ"}
    section = policy_draft_texts()["en"].split("8. Web Analytics")[1].split("9. Rights")[0]
    assert "A request sent by e-mail" not in section
    assert "Apart from what this section names, no data cross the border." in section


def test_an_smtp_server_is_named_as_a_processor_only_when_mail_goes_out(settings):
    assert "mail server of" not in policy_draft_texts()["en"]  # consolemail:// in tests
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.example.kz"
    settings.POLICY_DETAILS = {**settings.POLICY_DETAILS, "smtp_provider": "Example SMTP"}
    en = policy_draft_texts()["en"]
    assert "sent through the mail server of Example SMTP ([TO BE COMPLETED: country])" in en


def test_a_country_without_a_known_name_is_left_for_the_officer(settings):
    settings.POLICY_DETAILS = {**settings.POLICY_DETAILS, "hosting_country": "DE"}
    assert "[TO BE COMPLETED: country DE]" in policy_draft_texts()["en"]


def test_the_draft_states_the_retention_of_every_record_from_the_settings(settings):
    settings.INQUIRY_RETENTION_YEARS = 2
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = 30
    settings.BACKUP_KEEP_DAYS = 5
    settings.SUBJECT_REQUESTS_KEEP_YEARS = 4
    settings.DESTRUCTION_RECORDS_KEEP_YEARS = 5
    settings.INCIDENTS_KEEP_YEARS = 6
    settings.AUDIT_RECORDS_KEEP_YEARS = 7
    settings.STAFF_LOGIN_RECORDS_DAYS = 60
    settings.POLICY_DETAILS = {**settings.POLICY_DETAILS, "server_log_days": 21}
    texts = policy_draft_texts()
    retention = texts["en"].split("6. Storage Periods")[1].split("7. Access")[0]
    for phrase in (
        "no longer than 2 years from the date of the inquiry",
        "deleted 30 days after it was processed",
        "kept for no more than 5 days",
        "kept for 4 years after the request is closed",
        "destruction journal kept beside the backups contain no personal data; they are kept "
        "for 5 years after the deletion",
        "incidents contain no personal data and are kept for 6 years",
        "kept for no more than 7 years",
        "kept for 60 days",
        "request log (Section 3) is kept for 21 days",
    ):
        assert phrase in retention, phrase
    ru = texts["ru"].split("6. Сроки хранения")[1].split("7. Доступ")[0]
    for phrase in (
        "не более 2 лет",
        "через 30 дней",
        "не более 5 дней",
        "хранится 4 года",
        "хранятся 5 лет",
        "хранятся 6 лет",
        "не более 7 лет",
        "хранятся 60 дней",
        "хранится 21 день",
    ):
        assert phrase in ru, phrase
    kk = texts["kk"]
    assert "2 жылдан аспайтын" in kk and "4 жыл сақталады" in kk and "21 күн" in kk


def test_the_draft_states_the_deadlines_the_site_applies(settings):
    settings.SUBJECT_REQUEST_DEADLINE_DAYS = {
        **settings.SUBJECT_REQUEST_DEADLINE_DAYS,
        "information": 2,
        "withdrawal": 10,
    }
    text = policy_draft_texts()["en"]
    assert "answered within 2 working days" in text
    assert "corrected or supplemented - within 1 working day;" in text
    assert "processing stops within 10 working days" in text


def test_the_draft_describes_the_breach_procedure():
    text = draft().text_en
    assert "records it in the incident register" in text
    assert (
        "Within 1 (one) working day of detection the Operator notifies the authorised body" in text
    )
    assert "informs the data subjects concerned" in text
    assert "Ministry of Digital Development, Innovations and Aerospace Industry" in text
    assert "журнал инцидентов" in draft().text_ru and "инциденттер журналына" in draft().text_kk


def test_draft_policy_command_makes_a_new_draft_from_the_current_settings(settings):
    settings.POLICY_DETAILS = {**settings.POLICY_DETAILS, "hosting_provider": "hoster.kz"}
    out = io.StringIO()
    call_command("draft_policy", stdout=out)
    newest = ConsentVersion.all_kinds.policies().drafts().order_by("-pk").first()
    assert "hoster.kz" in newest.text_en
    assert f"Created {newest}" in out.getvalue() and "ru, kk, en" in out.getvalue()


def test_a_draft_with_placeholders_is_not_published(privacy_officer):
    version = draft()
    with pytest.raises(ConsentVersionIncomplete):
        version.publish()
    response = privacy_officer.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [version.pk], "post": "yes"},
        follow=True,
    )
    page = response.content.decode()
    assert "не опубликован" in page and "[ЗАПОЛНИТЬ: …]" in page
    assert draft().number is None
    assert not ConsentVersion.all_kinds.policies().published().exists()


def test_the_officer_completes_the_draft_in_the_admin_and_publishes_it(privacy_officer):
    version = draft()
    page = privacy_officer.get(f"{CHANGELIST}{version.pk}/change/").content.decode()
    assert "[TO BE COMPLETED: full name of the person responsible]" in page
    texts = {
        f"text_{code}": complete_placeholders(version.text(code)) for code in ["ru", "kk", "en"]
    }
    response = privacy_officer.post(
        f"{CHANGELIST}{version.pk}/change/", {"kind": "policy", **texts}
    )
    assert response.status_code == 302
    response = privacy_officer.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [version.pk], "post": "yes"},
        follow=True,
    )
    assert "Опубликована 1 версия политики" in response.content.decode()
    published = policy()
    # The admin form trims the final line break, as it does for any text typed in.
    assert published.pk == version.pk and published.text_en == texts["text_en"].strip()
    assert (
        "Completed by the privacy officer" in privacy_officer.get("/en/privacy/").content.decode()
    )


@pytest.mark.parametrize(
    ("prefix", "says"),
    [
        ("", "Оператор готовит свою политику"),
        ("/kk", "Оператор дербес деректер саясатын дайындап жатыр"),
        ("/en", "The operator is preparing its personal data policy"),
    ],
)
def test_before_publication_the_policy_page_says_it_is_being_prepared(client, prefix, says):
    response = client.get(f"{prefix}/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert f'href="{prefix}/consent/"' in page
    assert "TO BE COMPLETED" not in page and "ЗАПОЛНИТЬ" not in page
    assert client.get(f"{prefix}/privacy/1/").status_code == 404


def test_policy_is_not_a_consent_version(published_policy):
    assert [v.number for v in ConsentVersion.objects.all()] == [1]
    assert ConsentVersion.objects.get(number=1).kind == ConsentVersion.Kind.CONSENT
    assert ConsentVersion.all_kinds.filter(number=1).count() == 2
    assert str(policy()) == "Редакция политики 1"
    assert str(make_policy_draft()).startswith("Черновик политики № ")


# --- Pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix, language", [("", "ru"), ("/kk", "kk"), ("/en", "en")])
def test_current_policy_is_shown_in_the_visitors_language(
    client, prefix, language, published_policy
):
    response = client.get(f"{prefix}/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert TITLES[language] in page
    assert "01.12.2026" in page
    assert policy().sha256(language) in page
    assert f'href="{prefix}/privacy/1/{language}.txt"' in page
    assert "СОГЛАСИЕ НА СБОР" not in page and "CONSENT TO THE COLLECTION" not in page


def test_policy_page_lays_out_sections_and_lists(client, published_policy):
    page = client.get("/en/privacy/1/").content.decode()
    assert "<title>Personal data policy, version 1 — QARAT Service</title>" in page
    assert "<h2>9. Rights of the Data Subject and Deadlines</h2>" in page
    assert page.count("<li>") >= policy().text_en.count("•")
    assert "significant change" not in page


def test_archive_lists_both_policy_versions_and_no_consent_version(client, published_policy):
    publish_policy_v2(text_en="Policy, version 2, new recipients")
    current = client.get("/en/privacy/").content.decode()
    assert "Policy, version 2, new recipients" in current
    assert 'href="/en/privacy/1/"' in current
    assert "Version 2 of 01.12.2026" in current
    older = client.get("/en/privacy/1/").content.decode()
    assert TITLES["en"] in older
    assert 'href="/en/privacy/2/"' in older
    assert "Version 1 of 01.12.2026" in older
    # The consent's archive is unchanged: one version, no link to a "version 2".
    consent_page = client.get("/en/consent/").content.decode()
    assert "CONSENT TO THE COLLECTION" in consent_page
    assert "/consent/2/" not in consent_page and "/privacy/" in consent_page
    assert client.get("/en/consent/2/").status_code == 404


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_exact_policy_text_download_matches_the_stored_hash(client, language, published_policy):
    response = client.get(f"/privacy/1/{language}.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert hashlib.sha256(response.content).hexdigest() == policy().sha256(language)


def test_unknown_versions_drafts_and_languages_are_not_found(client, published_policy):
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


def test_published_policy_refuses_to_be_saved_or_deleted(published_policy):
    version = policy()
    version.text_en = "Something else"
    with pytest.raises(ConsentVersionImmutable):
        version.save()
    with pytest.raises(ConsentVersionImmutable):
        version.delete()
    assert policy().text_en.startswith("Personal data")


def test_queryset_update_and_delete_refuse_a_published_policy(published_policy):
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
def test_database_refuses_raw_changes_to_a_published_policy(statement, published_policy):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    version = policy()
    assert version.text_en.startswith("Personal data")
    assert version.published_on == datetime.date(2026, 12, 1)


def test_published_policy_is_read_only_in_the_admin(verified_admin_client, published_policy):
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


def test_numbers_count_separately_for_each_kind(
    django_capture_on_commit_callbacks, published_policy
):
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_policy_v2().number == 2
        assert make_policy_draft(text_en="Policy 3").publish().number == 3
        assert make_draft().publish().number == 2
    assert [v.number for v in ConsentVersion.all_kinds.policies().published()] == [3, 2, 1]
    assert [v.number for v in ConsentVersion.objects.published()] == [2, 1]


def test_admin_lists_and_filters_the_kinds(verified_admin_client, published_policy):
    make_policy_draft()
    everything = verified_admin_client.get(CHANGELIST).content.decode()
    assert "Редакция политики 1" in everything and "Версия 1" in everything
    assert "Черновик политики № " in everything
    assert "?kind__exact=policy" in everything
    policies = verified_admin_client.get(f"{CHANGELIST}?kind__exact=policy").content.decode()
    assert "Редакция политики 1" in policies and "Черновик политики № " in policies
    assert ">Версия 1<" not in policies


def test_staff_drafts_a_policy_and_publishes_it_with_the_permission(
    verified_client_factory, published_policy
):
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
    client, django_capture_on_commit_callbacks, django_assert_num_queries, published_policy
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


def test_inquiry_forms_and_admin_filter_do_not_offer_a_policy(
    verified_admin_client, published_policy
):
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


def test_the_draft_reads_true_for_a_deployment_configured_as_env_example_says(tmp_path):
    # A fresh Python with exactly the example's settings (paths and servers aside): every
    # figure the draft states is the example's, and it asks only for what the example leaves
    # empty.
    example = dict(
        re.findall(r"^([A-Z_]+)=(.*)$", (settings.BASE_DIR / ".env.example").read_text(), re.M)
    )
    example.update(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CACHE_URL="locmemcache://",
        STATIC_ROOT=str(tmp_path / "static"),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    code = "import json; from consent.policy_draft import policy_draft_texts; "
    code += "print(json.dumps(policy_draft_texts()))"
    result = run_django(code, **example)
    assert result.returncode == 0, result.stderr[-2000:]
    en = json.loads(result.stdout)["en"]
    blank = {name for name, value in example.items() if value == ""}
    assert {"PRIVACY_OFFICER_NAME", "SERVER_LOG_KEEP_DAYS"} <= blank
    assert PLACEHOLDER.findall(en) == [
        "[TO BE COMPLETED: full name of the person responsible]",
        "[TO BE COMPLETED: position of the person responsible]",
        "[TO BE COMPLETED: days the server keeps its request log]",
        "[TO BE COMPLETED: address, phone and website of the authorised body]",
    ]
    retention = en.split("6. Storage Periods")[1].split("7. Access")[0]
    years = example["INQUIRY_RETENTION_YEARS"]
    for phrase in (
        f"no longer than {years} years from the date of the inquiry",
        f"kept for no more than {example['BACKUP_KEEP_DAYS']} days",
        f"kept for {example['SUBJECT_REQUESTS_KEEP_YEARS']} years after the request is closed",
        f"they are kept for {example['DESTRUCTION_RECORDS_KEEP_YEARS']} years after the deletion",
        f"incidents contain no personal data and are kept for {example['INCIDENTS_KEEP_YEARS']}",
        f"kept for no more than {example['AUDIT_RECORDS_KEEP_YEARS']} years",
        f"kept for {example['STAFF_LOGIN_RECORDS_DAYS']} days",
    ):
        assert phrase in retention, phrase
    recipients = en.split("7. Access")[1]
    assert (
        f"located in Kazakhstan, rented from the hosting provider {example['HOSTING_PROVIDER']}"
        in recipients
    )
    assert (
        f"stored by the mail service {example['MAIL_PROVIDER']} in Russia: writing to "
        f"{example['OPERATOR_PRIVACY_EMAIL']}" in recipients
    )
    assert "No other data cross the border" not in en
