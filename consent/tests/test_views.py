import datetime
import hashlib

import pytest

from consent.models import ConsentVersion
from testkit.consent import make_draft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("", "СОГЛАСИЕ НА СБОР И ОБРАБОТКУ ПЕРСОНАЛЬНЫХ ДАННЫХ"),
        ("/kk", "ДЕРБЕС ДЕРЕКТЕРДІ"),
        ("/en", "CONSENT TO THE COLLECTION AND PROCESSING OF PERSONAL DATA"),
    ],
)
def test_current_consent_is_shown_in_the_visitors_language_with_its_date(client, prefix, title):
    response = client.get(f"{prefix}/consent/")
    assert response.status_code == 200
    page = response.content.decode()
    assert title in page
    assert "25.12.2025" in page
    language = prefix.strip("/") or "ru"
    assert f'<html lang="{language}">' in page
    assert ConsentVersion.objects.get(number=1).sha256(language) in page


def test_consent_page_keeps_every_bullet_as_a_list_item(client):
    page = client.get("/en/consent/1/").content.decode()
    assert page.count("<li>") >= 22
    assert "<h2>12. Changes to the Consent Text</h2>" in page


def test_any_published_version_has_its_own_page_and_lists_the_others(client):
    make_draft(text_en="Consent, version 2, new purposes").publish(
        today=datetime.date(2026, 11, 25)
    )
    current = client.get("/en/consent/").content.decode()
    assert "Consent, version 2, new purposes" in current
    assert 'href="/en/consent/1/"' in current
    older = client.get("/en/consent/1/").content.decode()
    assert "CONSENT TO THE COLLECTION" in older
    assert 'href="/en/consent/2/"' in older


def test_unknown_version_and_drafts_are_not_found(client):
    draft = make_draft()
    assert client.get("/consent/99/").status_code == 404
    assert client.get(f"/consent/{draft.pk + 100}/").status_code == 404
    assert b"Consent, version 2" not in client.get("/en/consent/").content


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_exact_text_download_matches_the_recorded_hash(client, language):
    response = client.get(f"/consent/1/{language}.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    expected = ConsentVersion.objects.get(number=1).sha256(language)
    assert hashlib.sha256(response.content).hexdigest() == expected


def test_text_download_in_an_unknown_language_is_not_found(client):
    assert client.get("/consent/1/de.txt").status_code == 404
