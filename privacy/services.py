"""Destroying inquiries: one path for the retention purge and for erasure on request.

Inventory of where an inquiry's personal data can be (each destroying path clears all):
- the inquiry row itself (name, phone, message; the note may quote them);
- admin log entries about it (their text carries no personal data by design, but they
  name the inquiry, so they go with it);
- records of who opened it (InquiryView; deleted first, the database refuses otherwise);
- nothing else: e-mails carry the reference only, logs and caches never hold the data.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Count, F, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone

from inquiries.models import Inquiry, InquiryView
from privacy.hashing import phone_hash
from privacy.journal import BLOCK, CORRECTION, UNBLOCK, journal_append, journal_blocking
from privacy.models import DestructionRecord, JobRun
from privacy.retention import purge_cutoffs

BATCH_SIZE = 20000


@dataclass
class Destruction:
    count: int
    held_back: int
    record: DestructionRecord | None
    journaled: bool = True
    blocked_kept: int = 0


def kept_counts(queryset):
    """(under legal hold, blocked) of `queryset`, in one pass: a blocked inquiry under hold
    counts as blocked, the block being what keeps it while it lasts."""
    blocked = Q(blocked_at__isnull=False)
    counts = queryset.aggregate(
        held=Count("pk", filter=~Q(legal_hold_reason="") & ~blocked),
        blocked=Count("pk", filter=blocked),
    )
    return counts["held"], counts["blocked"]


def inquiries_destroy(
    *,
    queryset,
    basis,
    actor,
    cutoff=None,
    phone_hash="",
    request=None,
    batch_size=BATCH_SIZE,
):
    """Delete the inquiries of `queryset` neither under legal hold nor blocked (blocking
    stops destruction: Law No. 94-V, Art. 1), in short transactions.

    Memory stays flat whatever the number of rows: each batch reads only ids. The
    destruction record is written first and counted up inside each batch's transaction,
    so no deletion is ever left unrecorded. Returns a Destruction with the counts.
    """
    held_back, blocked_kept = kept_counts(queryset)
    due = queryset.not_under_hold().not_blocked()
    if not due.exists() and not held_back and not blocked_kept:
        return Destruction(count=0, held_back=0, record=None)
    record = DestructionRecord.objects.create(
        basis=basis,
        actor=actor,
        cutoff=cutoff,
        phone_hash=phone_hash,
        request=request,
        held_back=held_back,
        blocked_kept=blocked_kept,
    )
    journaled = journal_append(record)
    content_type = ContentType.objects.get_for_model(Inquiry)
    total = 0
    after = 0
    while True:
        with transaction.atomic():
            # Keyset batches by id: each starts after the last, never re-reading index
            # entries of rows already deleted, and each DELETE names a range, not ids.
            remaining = due.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)
            last = next(iter(remaining[batch_size - 1 : batch_size]), None)
            if last is None:
                last = remaining.aggregate(last=Max("pk"))["last"]
            if last is None:
                break
            batch = due.filter(pk__gt=after, pk__lte=last)
            after = last
            LogEntry.objects.filter(
                content_type=content_type,
                object_id__in=batch.annotate(text_pk=Cast("pk", CharField())).values("text_pk"),
            ).delete()
            # One DELETE each, no rows read: with no cascade and no signal, delete() takes
            # its fast path. The only rows pointing at an inquiry are its view records.
            InquiryView.objects.filter(inquiry__in=batch.values("pk")).delete()
            count = batch.delete()[1].get(Inquiry._meta.label, 0)
            DestructionRecord.objects.filter(pk=record.pk).update(count=F("count") + count)
            total += count
    record.refresh_from_db()
    return Destruction(
        count=total,
        held_back=held_back,
        record=record,
        journaled=journaled,
        blocked_kept=blocked_kept,
    )


PURGE_JOB = "purge_expired_inquiries"


@dataclass
class Purge:
    retention: Destruction
    processed: Destruction | None


def expired_inquiries(*, now):
    """(inquiries due by retention, processed inquiries due early or None, the cutoffs)."""
    cutoff, processed_cutoff = purge_cutoffs(now=now)
    expired = Inquiry.objects.filter(created_at__lte=cutoff)
    processed = None
    if processed_cutoff is not None:
        processed = Inquiry.objects.filter(
            created_at__gt=cutoff,
            status=Inquiry.Status.PROCESSED,
            processed_at__lte=processed_cutoff,
        )
    return expired, processed, cutoff, processed_cutoff


def inquiries_purge(*, now, batch_size=BATCH_SIZE):
    """Delete every inquiry past its retention (and, if set, processed ones past theirs)."""
    expired, processed, cutoff, processed_cutoff = expired_inquiries(now=now)
    retention = inquiries_destroy(
        queryset=expired,
        basis=DestructionRecord.Basis.RETENTION,
        actor="retention",
        cutoff=cutoff,
        batch_size=batch_size,
    )
    early = None
    if processed is not None:
        early = inquiries_destroy(
            queryset=processed,
            basis=DestructionRecord.Basis.PROCESSED,
            actor="retention",
            cutoff=processed_cutoff,
            batch_size=batch_size,
        )
    JobRun.record_success(PURGE_JOB, now=now)
    return Purge(retention=retention, processed=early)


def blocked_past_retention(*, now):
    """Blocked inquiries the purge would delete if they were not blocked: to resolve."""
    expired, processed, _cutoff, _processed_cutoff = expired_inquiries(now=now)
    blocked = expired.blocked()
    if processed is not None:
        blocked = blocked | processed.blocked()
    return blocked


def inquiries_block(*, phone, user, now=None):
    """Block every unblocked inquiry of a number (Law No. 94-V, Art. 1); journaled."""
    now = now or timezone.now()
    count = Inquiry.objects.of_phone(phone).not_blocked().update(blocked_at=now, blocked_by=user)
    journaled = journal_blocking(
        blocked=True, phone_hash=phone_hash(phone), actor=user.get_username(), at=now
    )
    return count, journaled


def inquiries_unblock(*, phone, user, now=None):
    """Lift the block of every inquiry of a number; journaled."""
    now = now or timezone.now()
    count = Inquiry.objects.of_phone(phone).unblock()
    journaled = journal_blocking(
        blocked=False, phone_hash=phone_hash(phone), actor=user.get_username(), at=now
    )
    return count, journaled


@dataclass
class Reapplied:
    entries: int
    destroyed: int
    blocked: int = 0
    unblocked: int = 0
    # (reference, when, by) of corrections made since the backup, for an officer to redo.
    corrections: list = field(default_factory=list)


def _moment(text):
    return datetime.datetime.fromisoformat(text)


def destructions_reapply(*, entries, taken_at=None, now=None):
    """Make the journal true again after restoring a backup (taken at `taken_at`, if known).

    In the journal's order: purges are redone by their cutoff (processed ones, the
    processed cutoff); erasures destroy the inquiries of the number (matched by its keyed
    hash) received up to the erasure, never one sent afterwards with fresh consent; blocks
    and unblocks are redone for the inquiries received before them. Corrections cannot be
    redone (the journal holds no values): those made since the backup, of inquiries still
    here, are returned. Legal holds are respected as always; every deletion is recorded and
    journaled anew, with the original moment as its cutoff.
    """
    result = Reapplied(entries=len(entries), destroyed=0)
    hashes_to_phones = None

    def phone_of(entry):
        nonlocal hashes_to_phones
        if hashes_to_phones is None:
            hashes_to_phones = {
                phone_hash(phone): phone
                for phone in Inquiry.objects.values_list("phone", flat=True).distinct()
            }
        return hashes_to_phones.get(entry.get("phone_hash") or "")

    corrected = {}
    for entry in entries:
        kind = entry["kind"]
        if kind == CORRECTION:
            at = _moment(entry["at"])
            if taken_at is None or at >= taken_at:
                corrected[entry["reference"]] = (entry["reference"], at, entry["actor"])
            continue
        if kind in (BLOCK, UNBLOCK):
            phone = phone_of(entry)
            if phone is None:
                continue
            at = _moment(entry["at"])
            before = Inquiry.objects.of_phone(phone).filter(created_at__lte=at)
            if kind == BLOCK:
                result.blocked += before.not_blocked().update(
                    blocked_at=at,
                    blocked_by=get_user_model().objects.filter(username=entry["actor"]).first(),
                )
            else:
                result.unblocked += before.unblock()
            continue
        basis = entry["basis"]
        if basis in (DestructionRecord.Basis.RETENTION, DestructionRecord.Basis.PROCESSED):
            if not entry["cutoff"]:
                continue
            cutoff = _moment(entry["cutoff"])
            if basis == DestructionRecord.Basis.RETENTION:
                queryset = Inquiry.objects.filter(created_at__lte=cutoff)
            else:
                queryset = Inquiry.objects.filter(
                    status=Inquiry.Status.PROCESSED, processed_at__lte=cutoff
                )
        else:
            phone = phone_of(entry)
            if phone is None:
                continue
            # Journals written before erasures carried a cutoff: the moment of the erasure.
            cutoff = _moment(entry["cutoff"] or entry["destroyed_at"])
            queryset = Inquiry.objects.of_phone(phone).filter(created_at__lte=cutoff)
        destruction = inquiries_destroy(
            queryset=queryset,
            basis=basis,
            actor=f"restore ({entry['actor']})"[:150],
            cutoff=cutoff,
            phone_hash=entry.get("phone_hash", ""),
        )
        result.destroyed += destruction.count
    inquiries_purge(now=now or timezone.now())
    existing = set(
        Inquiry.objects.filter(reference__in=list(corrected)).values_list("reference", flat=True)
    )
    result.corrections = [corrected[reference] for reference in corrected if reference in existing]
    return result
