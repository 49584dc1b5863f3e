import datetime
import hashlib
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import translation

from consent.models import (
    ConsentVersion,
    ConsentVersionImmutable,
    current_version,
    published_versions,
)
from testkit.consent import make_draft, make_policy_draft
from testkit.inquiries import make_inquiry

pytestmark = pytest.mark.django_db

SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"
REPO_SEED = Path(__file__).resolve().parents[1] / "seed"


def test_version_1_is_seeded_as_published_on_25_december_2025():
    version = ConsentVersion.objects.get(number=1)
    assert version.published_on == datetime.date(2025, 12, 25)
    assert version.significant is True
    assert version.is_published


def test_version_1_english_text_is_the_operator_seed_byte_for_byte():
    version = ConsentVersion.objects.get(number=1)
    seed = (REPO_SEED / "consent-v1-2025-12-25.en.txt").read_text(encoding="utf-8")
    assert version.text_en == seed
    if SHARED_SEED.is_dir():  # beside the checkout on the developers' machines
        assert seed == (SHARED_SEED / "consent-v1-2025-12-25.en.txt").read_text(encoding="utf-8")
    assert version.sha256_en == "11f25f24dba0dbbba4011a75e7dba86c461ba5bdbe85e70e7f66d78fbeb63f69"


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_each_text_of_version_1_carries_the_sha256_of_its_exact_text(language):
    version = ConsentVersion.objects.get(number=1)
    text = version.text(language)
    assert version.sha256(language) == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("language", "checkbox"),
    [
        ("ru", "Я согласен(на) на обработку персональных данных"),
        ("kk", "Дербес деректерімді өңдеуге келісемін"),
        ("en", "I agree to the processing of personal data"),
    ],
)
def test_translations_keep_every_clause_and_the_operator_details(language, checkbox):
    text = ConsentVersion.objects.get(number=1).text(language)
    headings = [line for line in text.splitlines() if line[:3].rstrip(". ").isdigit()]
    assert [h.split(".")[0] for h in headings] == [str(n) for n in range(1, 13)]
    for detail in ("210740014147", "a_kassenov@mail.ru", "25.12.2025", "ps.kz", "18/1"):
        assert detail in text
    assert checkbox in text
    assert text.count("•") == 22


def test_published_version_refuses_to_be_saved_or_deleted():
    version = ConsentVersion.objects.get(number=1)
    version.text_en = "Something else"
    with pytest.raises(ConsentVersionImmutable):
        version.save()
    with pytest.raises(ConsentVersionImmutable):
        version.delete()
    assert ConsentVersion.objects.get(number=1).text_en != "Something else"


def test_queryset_update_and_delete_refuse_published_versions():
    with pytest.raises(ConsentVersionImmutable):
        ConsentVersion.objects.filter(number=1).update(significant=False)
    with pytest.raises(ConsentVersionImmutable):
        ConsentVersion.objects.all().delete()
    assert ConsentVersion.objects.get(number=1).significant is True


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE consent_consentversion SET text_en = 'changed' WHERE number = 1",
        "UPDATE consent_consentversion SET published_on = NULL, number = NULL WHERE number = 1",
        "DELETE FROM consent_consentversion WHERE number = 1",
    ],
)
def test_database_refuses_raw_changes_to_a_published_version(statement):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    version = ConsentVersion.objects.get(number=1)
    assert version.text_en.startswith("Personal data")


@pytest.mark.parametrize("make", [make_draft, make_policy_draft])
def test_database_allows_changes_to_a_draft_of_either_kind(make):
    draft = make()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consent_consentversion SET text_en = 'Draft, revised' WHERE id = %s",
            [draft.pk],
        )
    draft.refresh_from_db()
    assert draft.text_en == "Draft, revised"
    draft.delete()
    assert not ConsentVersion.all_kinds.filter(pk=draft.pk).exists()


def test_draft_text_is_stored_with_unix_newlines_and_hashed():
    draft = make_draft(text_en="Line one\r\nLine two\rLine three")
    draft.refresh_from_db()
    assert draft.text_en == "Line one\nLine two\nLine three"
    assert draft.sha256_en == hashlib.sha256(b"Line one\nLine two\nLine three").hexdigest()
    assert draft.number is None and not draft.is_published


def test_publish_gives_the_next_number_and_date_and_then_freezes(
    django_capture_on_commit_callbacks,
):
    assert current_version().number == 1  # warms the cache
    draft = make_draft()
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish(today=datetime.date(2026, 11, 25))
    version = ConsentVersion.objects.get(pk=draft.pk)
    assert (version.number, version.published_on) == (2, datetime.date(2026, 11, 25))
    assert [v.number for v in published_versions()] == [1, 2]
    assert current_version().number == 2
    version.text_ru = "Изменено"
    with pytest.raises(ConsentVersionImmutable):
        version.save()
    with pytest.raises(ConsentVersionImmutable):
        version.publish()


def test_inquiries_protect_the_consent_version_they_point_to():
    draft = make_draft()
    make_inquiry(consent_version=draft, consent_sha256=draft.sha256_ru)
    with pytest.raises(ProtectedError):
        draft.delete()


def test_str_names_the_version_not_the_text():
    # Staff read the names in Russian (the default language), English where chosen.
    assert str(ConsentVersion.objects.get(number=1)) == "Версия 1"
    draft = make_draft()
    assert str(draft) == f"Черновик № {draft.pk}"
    with translation.override("en"):
        assert str(ConsentVersion.objects.get(number=1)) == "Version 1"
        assert str(draft) == f"Draft #{draft.pk}"
