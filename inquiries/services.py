from functools import partial

from django.db import transaction

from inquiries.models import Inquiry, new_reference
from inquiries.notifications import notification_dispatch


def inquiry_submit(*, name, phone, message, consent_version, language, token):
    """Store an inquiry with its consent evidence; a re-post of the same form stores nothing.

    Returns (inquiry reference, created). The insert skips a duplicate token instead
    of failing on it, so a double click never raises an error that a database log
    would record together with the statement's values. A new inquiry's staff
    notification is dispatched once the row is committed (inquiries.notifications).
    """
    while True:
        reference = new_reference()
        # One transaction: if the connection is lost before it commits, nothing is stored,
        # so the visitor's "not sent" is true (and sending the same form again is safe).
        with transaction.atomic():
            Inquiry.objects.bulk_create(
                [
                    Inquiry(
                        reference=reference,
                        name=name,
                        phone=phone,
                        message=message,
                        consent_version_id=consent_version.pk,
                        consent_language=language,
                        consent_sha256=consent_version.sha256[language],
                        submission_token=token,
                    )
                ],
                ignore_conflicts=True,
            )
            stored = (
                Inquiry.objects.filter(submission_token=token)
                .values_list("reference", flat=True)
                .first()
            )
            if stored is not None and stored == reference:
                # After the commit, so the sender finds the row; it never waits for mail.
                transaction.on_commit(partial(notification_dispatch, reference=reference))
        if stored is not None:
            return stored, stored == reference
        # Neither inserted nor already there: the random reference collided. Try another.
