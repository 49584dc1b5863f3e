"""The journal: every destruction, block and correction, replayed after a restore."""

import contextlib
import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from inquiries.models import Inquiry
from privacy.hashing import phone_hash
from privacy.journal import (
    JOURNAL_JOB,
    JournalUnreadable,
    journal_correction,
    journal_entries,
)
from privacy.models import DestructionRecord, JobRun
from privacy.services import (
    destructions_reapply,
    inquiries_block,
    inquiries_destroy,
    inquiries_unblock,
)
from testkit.inquiries import CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE, make_inquiry

BASE_DIR = Path(__file__).resolve().parents[2]
OTHER_PHONE = "+77029998877"


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def make_old_inquiry(*, days, **fields):
    inquiry = make_inquiry(**fields)
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=ago(days=days))
    inquiry.refresh_from_db()
    return inquiry


def bring_back(inquiry):
    """What restoring a backup does to a destroyed inquiry: the same row, back as it was."""
    inquiry.save(force_insert=True)


@pytest.fixture
def officer(db):
    return User.objects.create_user("officer", password="correct horse battery staple")


def assert_no_personal_data_in_journal(settings):
    text = Path(settings.DESTRUCTION_JOURNAL).read_text()
    for value in (CANARY_PHONE, CANARY_PHONE[2:], CANARY_PHONE[-7:], CANARY_NAME, CANARY_MESSAGE):
        assert value not in text


# --- erasures -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_erasure_is_replayed_only_for_inquiries_received_before_it(settings):
    erased = make_old_inquiry(days=10)
    erasure = timezone.now()
    inquiries_destroy(
        queryset=Inquiry.objects.of_phone(CANARY_PHONE).filter(created_at__lte=erasure),
        basis=DestructionRecord.Basis.DELETION,
        actor="officer",
        cutoff=erasure,
        phone_hash=phone_hash(CANARY_PHONE),
    )
    # The same person writes again afterwards, with fresh consent.
    later = make_inquiry()
    bring_back(erased)

    result = destructions_reapply(entries=journal_entries())

    assert result.destroyed == 1
    assert not Inquiry.objects.filter(pk=erased.pk).exists()
    assert Inquiry.objects.filter(pk=later.pk).exists()
    # Replaying again (a second restore) keeps the original moment, not the restore's.
    bring_back(erased)
    destructions_reapply(entries=journal_entries())
    assert list(Inquiry.objects.values_list("pk", flat=True)) == [later.pk]
    assert_no_personal_data_in_journal(settings)


@pytest.mark.django_db
def test_a_journal_line_of_before_event_kinds_is_an_erasure_at_its_moment(settings):
    """Lines written before the journal had kinds, and erasures a cutoff, still replay."""
    erased = make_old_inquiry(days=10)
    later = make_inquiry()
    journal = Path(settings.DESTRUCTION_JOURNAL)
    journal.parent.mkdir(parents=True)
    legacy = {
        "uuid": "00000000-0000-0000-0000-000000000001",
        "destroyed_at": ago(days=1).isoformat(),
        "basis": "deletion",
        "actor": "officer",
        "cutoff": None,
        "phone_hash": phone_hash(CANARY_PHONE),
    }
    journal.write_text(json.dumps(legacy) + "\n")
    result = destructions_reapply(entries=journal_entries())
    assert result.destroyed == 1
    assert not Inquiry.objects.filter(pk=erased.pk).exists()
    assert Inquiry.objects.filter(pk=later.pk).exists()


@pytest.mark.django_db
def test_a_retention_purge_is_replayed_by_its_own_cutoff_even_if_retention_is_longer_now():
    """A purge under a one-year retention stays done after the setting went back to three."""
    first, second = make_old_inquiry(days=400), make_old_inquiry(days=380)
    younger = make_old_inquiry(days=100)
    for cutoff in (ago(days=390), ago(days=370)):  # two daily purges, a year's retention
        inquiries_destroy(
            queryset=Inquiry.objects.filter(created_at__lte=cutoff),
            basis=DestructionRecord.Basis.RETENTION,
            actor="retention",
            cutoff=cutoff,
        )
    bring_back(first)
    bring_back(second)
    result = destructions_reapply(entries=journal_entries())
    assert result.destroyed == 2
    assert list(Inquiry.objects.values_list("pk", flat=True)) == [younger.pk]
    replayed = DestructionRecord.objects.order_by("-pk").first()
    assert (replayed.basis, replayed.cutoff, replayed.count) == ("retention", cutoff, 1)


@pytest.mark.django_db
def test_a_processed_purge_is_replayed_for_inquiries_processed_by_its_cutoff(settings):
    processed = {"status": Inquiry.Status.PROCESSED}
    purged = make_old_inquiry(days=100, processed_at=ago(days=90), **processed)
    still_open = make_old_inquiry(days=100)
    processed_later = make_old_inquiry(days=100, processed_at=ago(days=10), **processed)
    cutoff = ago(days=30)
    inquiries_destroy(
        queryset=Inquiry.objects.filter(processed_at__lte=cutoff, **processed),
        basis=DestructionRecord.Basis.PROCESSED,
        actor="retention",
        cutoff=cutoff,
    )
    bring_back(purged)
    # The processed retention has been switched off since: only the journal deletes it.
    settings.INQUIRY_PROCESSED_RETENTION_DAYS = None
    result = destructions_reapply(entries=journal_entries())
    assert result.destroyed == 1
    assert set(Inquiry.objects.values_list("pk", flat=True)) == {
        still_open.pk,
        processed_later.pk,
    }


@pytest.mark.django_db
def test_a_replayed_erasure_by_the_longest_username_is_recorded_within_the_column():
    make_old_inquiry(days=10)
    actor = "o" * 150
    entry = {
        "kind": "destruction",
        "destroyed_at": ago(days=1).isoformat(),
        "basis": "deletion",
        "actor": actor,
        "cutoff": ago(days=1).isoformat(),
        "phone_hash": phone_hash(CANARY_PHONE),
    }
    assert destructions_reapply(entries=[entry]).destroyed == 1
    replayed = DestructionRecord.objects.get().actor
    assert replayed == f"restore ({actor}"[:150]
    assert len(replayed) == DestructionRecord._meta.get_field("actor").max_length


@pytest.mark.django_db
def test_lines_that_cannot_be_replayed_are_skipped_and_the_rest_still_replayed():
    """A block or erasure of a number no longer held, a purge line without a cutoff."""
    erased = make_old_inquiry(days=10)
    gone = phone_hash("+77001112233")
    at = ago(days=1).isoformat()
    destruction = {"kind": "destruction", "destroyed_at": at, "actor": "officer"}
    entries = [
        {"kind": "block", "at": at, "phone_hash": gone, "actor": "officer"},
        {**destruction, "basis": "retention", "cutoff": None, "phone_hash": ""},
        {**destruction, "basis": "deletion", "cutoff": at, "phone_hash": gone},
        {**destruction, "basis": "deletion", "cutoff": at, "phone_hash": phone_hash(CANARY_PHONE)},
    ]
    result = destructions_reapply(entries=entries)
    assert (result.entries, result.destroyed, result.blocked) == (4, 1, 0)
    assert not Inquiry.objects.filter(pk=erased.pk).exists()
    # The replayed erasure is recorded again under the number's keyed hash.
    replayed = DestructionRecord.objects.get()
    assert (replayed.basis, replayed.phone_hash) == ("deletion", phone_hash(CANARY_PHONE))


# --- blocks -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_blocks_and_unblocks_are_journaled_by_keyed_hash_and_replayed(settings, officer):
    first, second = make_old_inquiry(days=3), make_old_inquiry(days=2)
    other = make_old_inquiry(days=2, phone=OTHER_PHONE)
    count, journaled = inquiries_block(phone=CANARY_PHONE, user=officer)
    assert (count, journaled) == (2, True)
    blocked_at = Inquiry.objects.get(pk=first.pk).blocked_at
    [entry] = journal_entries()
    assert entry == {
        "kind": "block",
        "at": blocked_at.isoformat(),
        "phone_hash": phone_hash(CANARY_PHONE),
        "actor": "officer",
    }
    assert_no_personal_data_in_journal(settings)
    # A backup taken before the block comes back unblocked; the replay blocks again, with
    # the original moment and officer, and leaves a later inquiry of the number alone.
    Inquiry.objects.unblock()
    later = make_inquiry()
    result = destructions_reapply(entries=journal_entries())
    assert result.blocked == 2
    blocked = Inquiry.objects.filter(blocked_at__isnull=False)
    assert set(blocked.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert set(blocked.values_list("blocked_at", "blocked_by")) == {(blocked_at, officer.pk)}
    assert Inquiry.objects.get(pk=later.pk).blocked_at is None
    assert Inquiry.objects.get(pk=other.pk).blocked_at is None

    # Unblocked later: the replay ends with the last word.
    inquiries_unblock(phone=CANARY_PHONE, user=officer)
    Inquiry.objects.filter(pk=first.pk).update(blocked_at=blocked_at)
    result = destructions_reapply(entries=journal_entries())
    assert not Inquiry.objects.filter(blocked_at__isnull=False).exists()
    assert [e["kind"] for e in journal_entries()] == ["block", "unblock"]


@pytest.mark.django_db
def test_a_blocked_inquiry_stays_blocked_when_its_backup_already_had_it(officer):
    inquiry = make_old_inquiry(days=3)
    inquiries_block(phone=CANARY_PHONE, user=officer)
    before = Inquiry.objects.get(pk=inquiry.pk).blocked_at
    assert destructions_reapply(entries=journal_entries()).blocked == 0
    assert Inquiry.objects.get(pk=inquiry.pk).blocked_at == before


@pytest.mark.django_db
def test_an_unblock_lifts_the_block_of_that_number_only_and_is_journaled(settings, officer):
    mine, other = make_old_inquiry(days=3), make_old_inquiry(days=3, phone=OTHER_PHONE)
    inquiries_block(phone=CANARY_PHONE, user=officer)
    inquiries_block(phone=OTHER_PHONE, user=officer)
    at = ago(minutes=5)
    assert inquiries_unblock(phone=CANARY_PHONE, user=officer, now=at) == (1, True)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.blocked_at, mine.blocked_by) == (None, None)
    assert other.blocked_at is not None and other.blocked_by == officer
    assert journal_entries()[-1] == {
        "kind": "unblock",
        "at": at.isoformat(),
        "phone_hash": phone_hash(CANARY_PHONE),
        "actor": "officer",
    }


@pytest.mark.django_db
def test_the_replay_counts_every_number_it_blocks_and_unblocks_again(officer):
    make_old_inquiry(days=3)
    make_old_inquiry(days=3, phone=OTHER_PHONE)
    for phone in (CANARY_PHONE, OTHER_PHONE):
        inquiries_block(phone=phone, user=officer)
    # A backup from before the blocks.
    Inquiry.objects.unblock()
    assert destructions_reapply(entries=journal_entries()).blocked == 2
    for phone in (CANARY_PHONE, OTHER_PHONE):
        inquiries_unblock(phone=phone, user=officer)
    # A backup from while both were blocked.
    Inquiry.objects.update(blocked_at=ago(hours=1), blocked_by=officer)
    result = destructions_reapply(entries=journal_entries())
    assert (result.blocked, result.unblocked) == (0, 2)
    assert set(Inquiry.objects.values_list("blocked_at", "blocked_by")) == {(None, None)}


# --- corrections --------------------------------------------------------------------------


@pytest.mark.django_db
def test_corrections_since_the_backup_are_listed_to_redo_without_their_values(settings):
    kept, gone = make_inquiry(), make_inquiry(phone=OTHER_PHONE)
    old_one = make_inquiry()
    taken_at = timezone.now()
    journal_correction(
        reference=old_one.reference, actor="officer", at=taken_at - datetime.timedelta(minutes=1)
    )
    journal_correction(
        reference=kept.reference, actor="officer", at=taken_at + datetime.timedelta(minutes=1)
    )
    journal_correction(
        reference=gone.reference, actor="officer", at=taken_at + datetime.timedelta(minutes=2)
    )
    Inquiry.objects.filter(pk=gone.pk).delete()
    result = destructions_reapply(entries=journal_entries(), taken_at=taken_at)
    assert [(ref, actor) for ref, _at, actor in result.corrections] == [(kept.reference, "officer")]
    assert set(journal_entries()[0]) == {"kind", "at", "reference", "actor"}
    assert_no_personal_data_in_journal(settings)


@pytest.mark.django_db
def test_a_correction_made_the_moment_the_backup_was_taken_is_listed_to_redo():
    inquiry = make_inquiry()
    taken_at = timezone.now()
    journal_correction(reference=inquiry.reference, actor="officer", at=taken_at)
    result = destructions_reapply(entries=journal_entries(), taken_at=taken_at)
    assert result.corrections == [(inquiry.reference, taken_at, "officer")]


def test_a_correction_in_the_admin_is_journaled_and_a_status_change_is_not(privacy_officer):
    inquiry = make_inquiry()
    url = f"/admin/inquiries/inquiry/{inquiry.pk}/change/"
    base = {
        "status": "new",
        "name": inquiry.name,
        "phone": "8 701 555 12 34",
        "message": inquiry.message,
        "note": "",
        "legal_hold_reason": "",
    }
    privacy_officer.post(url, {**base, "status": "processed"})
    with pytest.raises(JournalUnreadable):
        journal_entries()  # nothing corrected, nothing journaled (the file is not even made)
    privacy_officer.post(url, {**base, "name": "Исправленное Имя"})
    [entry] = journal_entries()
    assert (entry["kind"], entry["reference"], entry["actor"]) == (
        "correction",
        inquiry.reference,
        privacy_officer.user.username,
    )
    assert "Исправленное" not in json.dumps(entry, ensure_ascii=False)


# --- a journal that is missing, unreadable or cannot be written ---------------------------


def test_a_missing_or_unreadable_journal_is_an_error_not_an_empty_journal(settings, tmp_path):
    settings.DESTRUCTION_JOURNAL = tmp_path / "nowhere.jsonl"
    with pytest.raises(JournalUnreadable, match="does not exist"):
        journal_entries()
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"kind": "block", "at": \n')
    with pytest.raises(JournalUnreadable, match="cannot be read"):
        journal_entries(broken)
    with pytest.raises(JournalUnreadable, match="cannot be read"):
        journal_entries(tmp_path)  # a directory


def unwritable_journal(settings, tmp_path):
    (tmp_path / "not-a-directory").write_text("")
    settings.DESTRUCTION_JOURNAL = tmp_path / "not-a-directory" / "destructions.jsonl"


@pytest.mark.django_db
def test_a_purge_whose_journal_write_fails_deletes_and_exits_non_zero(settings, tmp_path):
    unwritable_journal(settings, tmp_path)
    make_old_inquiry(days=4 * 365)
    with pytest.raises(CommandError, match="journal could not be written"):
        call_command("purge_expired_inquiries", "-v", "0")
    assert not Inquiry.objects.exists()
    assert JobRun.is_failing(JOURNAL_JOB)


WRITERS = {
    "purge": lambda user: call_command("purge_expired_inquiries", "-v", "0"),
    "erasure": lambda user: inquiries_destroy(
        queryset=Inquiry.objects.all(), basis="deletion", actor="o", phone_hash="x"
    ),
    "block": lambda user: inquiries_block(phone=CANARY_PHONE, user=user),
    "unblock": lambda user: inquiries_unblock(phone=CANARY_PHONE, user=user),
    "correction": lambda user: journal_correction(reference="Q-TEST", actor="o"),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_journal_writer_shows_staff_a_failure_until_a_later_write_succeeds(
    writer, settings, tmp_path, privacy_officer, operator
):
    """Each kind of journal write, failing, puts the warning on the admin of those who can
    act (privacy officers, superusers); operators cannot, and are not shown it."""
    good = settings.DESTRUCTION_JOURNAL
    make_old_inquiry(days=4 * 365)
    unwritable_journal(settings, tmp_path)
    # The purge says so by its exit status too (tested above).
    with contextlib.suppress(CommandError):
        WRITERS[writer](privacy_officer.user)
    assert "journal-warning" in privacy_officer.get("/admin/").content.decode()
    assert "journal-warning" not in operator.get("/admin/").content.decode()
    make_old_inquiry(days=4 * 365)
    settings.DESTRUCTION_JOURNAL = good
    WRITERS[writer](privacy_officer.user)
    assert not JobRun.is_failing(JOURNAL_JOB)
    assert "journal-warning" not in privacy_officer.get("/admin/").content.decode()


def test_every_place_that_blocks_or_destroys_inquiries_goes_through_the_journaled_services():
    """The class: a new path that blocks, unblocks or deletes inquiries without the journal.

    Walks the project's code: setting blocked_at, unblocking and deleting inquiries happen
    only in privacy/services.py, whose functions journal them (tested above), and in
    inquiries/models.py, whose queryset defines `unblock()` and keeps blocked rows out of
    every other UPDATE and DELETE.
    """
    writes = re.compile(r"blocked_at=|_raw_delete\(|\.delete\(\)|\.unblock\(")
    offenders = []
    for path in BASE_DIR.glob("*/**/*.py"):
        relative = path.relative_to(BASE_DIR).as_posix()
        # mutants/ is mutmut's mutated copy of the apps (`make mutation`).
        skipped = relative.startswith((".venv/", "bench/", "e2e/", "mutants/"))
        skipped = skipped or "/tests/" in relative
        guarded = relative in ("privacy/services.py", "inquiries/models.py")
        if skipped or "/migrations/" in relative or guarded:
            continue
        text = path.read_text()
        if "Inquiry" not in text:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if writes.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_the_replay_ends_with_a_purge_of_what_expired_since_the_backup():
    """A backup a week old holds inquiries that passed their retention meanwhile."""
    expired = make_old_inquiry(days=3 * 366 + 1)
    kept = make_old_inquiry(days=30)
    destructions_reapply(entries=[])
    assert not Inquiry.objects.filter(pk=expired.pk).exists()
    assert Inquiry.objects.filter(pk=kept.pk).exists()
    assert not JobRun.is_late("purge_expired_inquiries")
