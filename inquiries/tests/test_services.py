"""The row a submission inserts (inquiries.services) is the one the ORM would insert."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from consent.acceptance import consent_check
from consent.models import ConsentVersion
from inquiries.models import Inquiry, new_reference
from inquiries.services import (
    PER_SUBMISSION,
    _insert_statement,
    inquiry_row,
    inquiry_submit,
)
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE

pytestmark = pytest.mark.django_db


def _submitted(language="kk", **overrides):
    version = ConsentVersion.objects.get(number=1)
    return {
        "reference": new_reference(),
        "name": "  Ёлка  Сулейменова ",
        "phone": CANARY_PHONE,
        "message": CANARY_MESSAGE,
        "consent_version_id": version.pk,
        "consent_language": language,
        "consent_sha256": version.sha256(language),
        "submission_token": uuid.uuid4(),
        **overrides,
    }


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
@pytest.mark.parametrize("message", ["", CANARY_MESSAGE])
def test_every_column_of_a_submission_is_what_the_orm_would_insert(monkeypatch, language, message):
    at = datetime.datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)
    submitted = _submitted(language, message=message)
    fields, _sql = _insert_statement()
    inquiry = Inquiry(created_at=at, **submitted)
    expected = [
        field.get_db_prep_save(field.pre_save(inquiry, add=True), connection) for field in fields
    ]
    assert inquiry_row(**submitted) == expected


def test_every_other_column_takes_a_constant_default():
    # A column added with a default made per row (a callable, auto_now, its own pre_save)
    # belongs in PER_SUBMISSION: else every submission would store the first one's value.
    fields, _sql = _insert_statement()
    names = {field.attname for field in fields}
    assert names >= PER_SUBMISSION
    for field in fields:
        if field.attname in PER_SUBMISSION:
            continue
        assert not (field.has_default() and callable(field.default)), field.attname
        assert not getattr(field, "auto_now", False), field.attname
        assert not getattr(field, "auto_now_add", False), field.attname
        assert type(field).pre_save.__module__.startswith("django."), field.attname


def test_a_stored_submission_reads_back_as_it_was_sent():
    reference, created = inquiry_submit(
        name=CANARY_NAME,
        phone=CANARY_PHONE,
        message=CANARY_MESSAGE,
        consent_version=consent_check("1")[0],
        language="ru",
        token=uuid.uuid4(),
    )
    assert created
    inquiry = Inquiry.objects.get(reference=reference)
    assert (inquiry.name, inquiry.phone, inquiry.message) == (
        CANARY_NAME,
        CANARY_PHONE,
        CANARY_MESSAGE,
    )
    assert inquiry.status == Inquiry.Status.NEW and inquiry.note == ""
    assert inquiry.queued_at == inquiry.created_at
    assert abs(timezone.now() - inquiry.created_at) < datetime.timedelta(minutes=1)
    assert inquiry.phone_reversed == CANARY_PHONE[::-1]
    assert inquiry.call_attempts == 0 and inquiry.notified_at is None
