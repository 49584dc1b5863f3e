"""Helpers of the privacy app's tests: requests in the register, and the canary's absence."""

from django.apps import apps
from django.utils import timezone

from privacy.hashing import phone_hash
from privacy.models import SubjectRequest
from testkit.inquiries import (
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_TYPED,
)

REGISTER = "/admin/privacy/subjectrequest/"
OTHER_PHONE = "+77029998877"


def make_request(kind, *, phone=CANARY_PHONE, identity_confirmed=True, **fields):
    """A request in the register; by default with the person's identity already confirmed
    (in person), as carrying it out needs."""
    if identity_confirmed:
        fields.setdefault("identity_method", "in_person")
        fields.setdefault("identity_confirmed_at", timezone.now())
    return SubjectRequest.objects.create(
        kind=kind, phone_hash=phone_hash(phone), phone_last_digits=phone[-2:], **fields
    )


def act_url(subject_request):
    return f"{REGISTER}{subject_request.pk}/act/"


def act(client, subject_request, action="find", phone=CANARY_PHONE_TYPED):
    return client.post(act_url(subject_request), {"phone": phone, "action": action})


def assert_canary_gone_from_every_table():
    canaries = (CANARY_NAME, CANARY_PHONE, CANARY_PHONE[2:], CANARY_MESSAGE)
    for model in apps.get_models():
        for row in model.objects.all().values():
            text = " ".join(str(value) for value in row.values())
            for canary in canaries:
                assert canary not in text, f"{model._meta.label} still holds {canary!r}"
