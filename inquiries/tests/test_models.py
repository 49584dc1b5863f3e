import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from inquiries.models import REFERENCE_ALPHABET, REFERENCE_PATTERN, Inquiry, new_reference
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE, make_inquiry

pytestmark = pytest.mark.django_db


def test_str_carries_no_personal_data():
    inquiry = make_inquiry()
    label = str(inquiry)
    assert label == f"Обращение {inquiry.reference}"
    for personal in (CANARY_NAME, CANARY_PHONE, CANARY_PHONE[2:], CANARY_MESSAGE):
        assert personal not in label


def test_references_are_random_and_readable():
    references = {new_reference() for _ in range(2000)}
    assert len(references) == 2000
    sample = next(iter(references))
    assert len(sample) == len("Q-XXXX-XXXX-XXXX")
    assert set(sample.replace("-", "")[1:]) <= set(REFERENCE_ALPHABET)
    assert all(re.fullmatch(REFERENCE_PATTERN, reference) for reference in references)
    # Every character of the alphabet at every place: each place is 5 random bits. (A
    # place missing one of 32 characters in 2,000 draws: about e^-63.)
    for place in range(len("Q-XXXX-XXXX-XXXX")):
        if place in (0, 1, 6, 11):
            continue
        assert {reference[place] for reference in references} == set(REFERENCE_ALPHABET)


def test_a_new_inquiry_is_not_processed():
    inquiry = make_inquiry()
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.processed_at is None and inquiry.processed_by is None


def test_marking_processed_records_who_and_when_and_can_be_undone():
    operator = User.objects.create_user("operator", password="not used in this test")
    inquiry = make_inquiry()
    when = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
    assert Inquiry.objects.filter(pk=inquiry.pk).mark_processed(by=operator, now=when) == 1
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.processed_by, inquiry.processed_at) == (
        Inquiry.Status.PROCESSED,
        operator,
        when,
    )
    assert Inquiry.objects.filter(pk=inquiry.pk).mark_processed(by=None) == 0  # already done
    assert Inquiry.objects.filter(pk=inquiry.pk).mark_not_processed() == 1
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.processed_by, inquiry.processed_at) == ("new", None, None)


def test_an_inquiry_cannot_exist_without_a_consent_version():
    with pytest.raises(IntegrityError), transaction.atomic():
        Inquiry.objects.create(
            name=CANARY_NAME,
            phone=CANARY_PHONE,
            consent_language="ru",
            consent_sha256="0" * 64,
            submission_token=uuid.uuid4(),
        )


def test_an_unknown_consent_language_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_inquiry(consent_language="de")
