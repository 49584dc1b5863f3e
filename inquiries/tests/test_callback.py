import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from inquiries.callback import callback_no_answer, inquiry_claim
from inquiries.models import Inquiry
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE, make_inquiry

pytestmark = pytest.mark.django_db

LIST = "/admin/inquiries/inquiry/"
NOTE = "Просил перезвонить после 18:00, заметка-8812"


def change_url(inquiry):
    return f"{LIST}{inquiry.pk}/change/"


def outcome(client, inquiry, **data):
    return client.post(f"{LIST}{inquiry.pk}/callback/", data)


def queue_references(client, **query):
    """The references of the list's rows, in their order."""
    page = client.get(LIST, query).content.decode()
    if 'id="result_list"' not in page:
        return []
    rows = page.split('id="result_list"')[1].split("</table>")[0]
    found = re.findall(r'class="field-reference"[^>]*><a [^>]*>(Q-[0-9A-Z-]{14})<', rows)
    return found


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def make_waiting(received):
    inquiry = make_inquiry(created_at=received)
    assert inquiry.queued_at == received  # joins the queue when received
    return inquiry


def test_called_processed_takes_two_requests_from_the_list_and_logs_no_personal_data(operator):
    inquiry = make_waiting(ago(hours=3))
    page = operator.get(change_url(inquiry)).content.decode()
    assert 'value="processed"' in page and 'value="no_answer"' in page
    assert f'href="tel:{CANARY_PHONE}"' in page

    response = outcome(operator, inquiry, outcome="processed", note=NOTE, call_again_in="60")

    assert response.status_code == 302 and response.url == LIST
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.PROCESSED
    assert inquiry.processed_by == operator.user and inquiry.processed_at is not None
    assert (inquiry.note, inquiry.call_attempts, inquiry.claimed_by) == (NOTE, 1, None)
    entry = LogEntry.objects.get(object_id=str(inquiry.pk))
    assert entry.user == operator.user
    logged = f"{entry.object_repr} {entry.change_message}"
    assert "1" in entry.change_message
    for personal in (CANARY_NAME, CANARY_PHONE, CANARY_MESSAGE, NOTE, "18:00"):
        assert personal not in logged
    assert inquiry.reference not in queue_references(operator)


def test_no_answer_counts_the_attempt_and_the_inquiry_comes_back_at_the_queues_end(
    operator, settings
):
    settings.CALL_AGAIN_MINUTES = 60
    oldest, middle = make_waiting(ago(days=2)), make_waiting(ago(days=1))
    assert queue_references(operator) == [oldest.reference, middle.reference]

    before = timezone.now()
    outcome(operator, oldest, outcome="no_answer", note="", call_again_in="60")

    oldest.refresh_from_db()
    assert oldest.status == Inquiry.Status.NEW and oldest.call_attempts == 1
    assert oldest.queued_at - before >= datetime.timedelta(minutes=60)
    assert oldest.queued_at - before < datetime.timedelta(minutes=61)
    assert queue_references(operator) == [middle.reference]
    assert queue_references(operator, queue="later") == [oldest.reference]
    entry = LogEntry.objects.get(object_id=str(oldest.pk))
    assert CANARY_NAME not in entry.change_message and CANARY_PHONE not in entry.change_message

    # An hour later it is due again: after everything that waited before it came back.
    newest = make_waiting(ago(minutes=30))
    Inquiry.objects.filter(pk=oldest.pk).update(queued_at=ago(minutes=1))
    assert queue_references(operator) == [middle.reference, newest.reference, oldest.reference]


def test_the_operator_chooses_when_to_call_again_among_the_offered_delays(operator):
    inquiry = make_waiting(ago(hours=1))
    page = operator.get(change_url(inquiry)).content.decode()
    assert re.search(r'<option value="60" selected>', page)
    outcome(operator, inquiry, outcome="no_answer", call_again_in="15")
    inquiry.refresh_from_db()
    assert inquiry.queued_at - timezone.now() < datetime.timedelta(minutes=15)
    response = outcome(operator, inquiry, outcome="no_answer", call_again_in="7")
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.call_attempts == 1  # a delay not offered records nothing


def test_an_inquiry_no_longer_waiting_is_not_changed_twice(operator, privacy_officer):
    inquiry = make_waiting(ago(hours=1))
    outcome(operator, inquiry, outcome="processed")
    response = outcome(privacy_officer, inquiry, outcome="no_answer", call_again_in="60")
    assert response.url == change_url(inquiry)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.call_attempts, inquiry.processed_by) == (
        "processed",
        1,
        operator.user,
    )
    assert LogEntry.objects.filter(object_id=str(inquiry.pk)).count() == 1


def test_outcomes_need_a_post_and_the_right_to_change(operator, verified_client_factory):
    from django.contrib.auth.models import User

    inquiry = make_waiting(ago(hours=1))
    assert operator.get(f"{LIST}{inquiry.pk}/callback/").status_code == 405
    nobody = User.objects.create_user("nobody", password="x" * 20, is_staff=True)
    assert outcome(verified_client_factory(nobody), inquiry, outcome="processed").status_code in (
        302,
        403,
    )
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_operators_cannot_call_back_a_blocked_inquiry(operator):
    inquiry = make_waiting(ago(hours=1))
    Inquiry.objects.filter(pk=inquiry.pk).update(blocked_at=timezone.now())
    assert outcome(operator, inquiry, outcome="processed").status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


# --- taken by ------------------------------------------------------------------------------


def test_opening_takes_the_inquiry_and_the_other_operators_see_who_calls(
    operator, staff_client, settings
):
    settings.CALL_CLAIM_MINUTES = 15
    inquiry = make_waiting(ago(hours=1))
    operator.user.first_name = "Айгерим"
    operator.user.save()
    page = operator.get(change_url(inquiry)).content.decode()
    assert "taken-by-other" not in page
    inquiry.refresh_from_db()
    assert inquiry.claimed_by == operator.user
    assert inquiry.claimed_until - timezone.now() > datetime.timedelta(minutes=14)

    colleague = staff_client("Operators")
    page = colleague.get(change_url(inquiry)).content.decode()
    assert re.search(r'class="callback-claim taken-by-other">[^<]*Айгерим', page)
    inquiry.refresh_from_db()
    assert inquiry.claimed_by == operator.user  # opening does not take it over
    assert "Айгерим" in colleague.get(LIST).content.decode()
    # A "Take" while the claim runs is refused.
    colleague.post(f"{LIST}{inquiry.pk}/take/")
    inquiry.refresh_from_db()
    assert inquiry.claimed_by == operator.user


def test_a_claim_lapses_on_its_own(operator, staff_client):
    inquiry = make_waiting(ago(hours=1))
    operator.get(change_url(inquiry))
    Inquiry.objects.filter(pk=inquiry.pk).update(claimed_until=ago(seconds=1))
    colleague = staff_client("Operators")
    assert "Айгерим" not in colleague.get(LIST).content.decode()
    assert "taken-by-other" not in colleague.get(change_url(inquiry)).content.decode()
    inquiry.refresh_from_db()
    assert inquiry.claimed_by == colleague.user


def test_taking_again_keeps_the_moment_first_taken_and_an_outcome_releases_it(operator):
    inquiry = make_waiting(ago(hours=1))
    first = timezone.now() - datetime.timedelta(minutes=5)
    assert inquiry_claim(pk=inquiry.pk, by=operator.user, now=first)
    assert inquiry_claim(pk=inquiry.pk, by=operator.user)
    inquiry.refresh_from_db()
    assert inquiry.claimed_at == first
    assert callback_no_answer(pk=inquiry.pk, note="", minutes=30) is not None
    inquiry.refresh_from_db()
    assert (inquiry.claimed_by, inquiry.claimed_at, inquiry.claimed_until) == (None, None, None)


# --- the list's columns ---------------------------------------------------------------------


def test_queue_columns_waiting_time_language_attempts_note_and_repeat_callers(operator):
    first = make_inquiry(phone="+77015550199", created_at=ago(days=3), consent_language="kk")
    make_inquiry(phone="+77015550199", created_at=ago(days=2))
    make_inquiry(phone="+77015550199", created_at=ago(days=1), status=Inquiry.Status.PROCESSED)
    other = make_inquiry(phone="+77029998877", created_at=ago(hours=5))
    Inquiry.objects.filter(pk=first.pk).update(note="Перезвонить на рабочий номер", call_attempts=2)

    page = operator.get(LIST).content.decode()
    row = re.search(rf"<tr>(?:(?!</tr>).)*{first.reference}.*?</tr>", page, re.S).group(0)
    assert re.search(r'class="waited">3\xa0(дня|days)', row)
    assert 'data-label="' in row  # the card's labels on a phone
    assert ">KK</abbr>" in row
    assert 'class="field-call_attempts">2<' in row
    assert "Перезвонить на рабочий" in row
    assert f'href="?same_number_as={first.pk}">+2</a>' in row
    other_row = re.search(rf"<tr>(?:(?!</tr>).)*{other.reference}.*?</tr>", page, re.S).group(0)
    assert "same_number_as" not in other_row

    same = queue_references(operator, same_number_as=first.pk)
    assert len(same) == 3 and other.reference not in same
    assert (
        "+7701555" not in operator.get(LIST, {"same_number_as": first.pk}).request["QUERY_STRING"]
    )


def test_repeat_callers_leave_out_blocked_inquiries_for_operators(operator, privacy_officer):
    first = make_inquiry(phone="+77015550199")
    blocked = make_inquiry(phone="+77015550199")
    Inquiry.objects.filter(pk=blocked.pk).update(blocked_at=timezone.now())
    assert "same_number_as" not in operator.get(LIST).content.decode()
    assert f"?same_number_as={first.pk}" in privacy_officer.get(LIST).content.decode()
    assert blocked.reference not in queue_references(operator, same_number_as=first.pk)


def test_a_search_or_a_filter_looks_at_every_inquiry_not_just_the_queue(operator):
    done = make_inquiry(status=Inquiry.Status.PROCESSED)
    assert done.reference not in queue_references(operator)
    assert done.reference in queue_references(operator, q=done.reference)
    assert done.reference in queue_references(operator, status__exact="processed")
    assert done.reference in queue_references(operator, queue="processed")
