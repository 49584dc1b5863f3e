import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out on the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# What a reference looks like, as URLs and searches recognise it.
REFERENCE_PATTERN = r"Q-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"
# Base32 as the standard writes it, letter for letter into REFERENCE_ALPHABET.
_BASE32_TO_REFERENCE = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", REFERENCE_ALPHABET.encode()
)


def new_reference():
    """A non-guessable receipt reference such as "Q-7K3M-9XQ2-HD4P" (60 random bits).

    Each character is 5 of 64 random bits (base32), in one draw from the system's source.
    """
    chars = base64.b32encode(secrets.token_bytes(8))[:12].translate(_BASE32_TO_REFERENCE)
    chars = chars.decode("ascii")
    return f"Q-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def name_search_key(name):
    """A name as the search compares it: casefolded (Cyrillic too, which SQLite's LOWER() and
    LIKE leave alone), single-spaced, with ё read as е as people type it."""
    return " ".join(name.split()).casefold().replace("ё", "е")


def phone_reversed_key(phone):
    """The stored number backwards: the last digits a caller reads out become a prefix."""
    return phone[::-1]


class DerivedCharField(models.CharField):
    """A column recomputed from another field on every save and insert (the form's raw
    INSERT included), so a search can use its own index."""

    def __init__(self, *args, source=None, derive=None, **kwargs):
        self.source, self.derive = source, derive
        kwargs["editable"] = False
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        kwargs.pop("default", None)
        return name, path, args, {**kwargs, "source": self.source, "derive": self.derive}

    def pre_save(self, model_instance, add):
        value = self.derive(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class QueueTimeField(models.DateTimeField):
    """When an inquiry joins the call-back queue: on arrival, its receipt time."""

    def pre_save(self, model_instance, add):
        if add and getattr(model_instance, self.attname) is None:
            setattr(model_instance, self.attname, model_instance.created_at)
        return super().pre_save(model_instance, add)


# Counts shown to staff stop here: a table of millions is never counted whole.
WAITING_COUNT_LIMIT = 10_000


def count_capped(queryset, limit=WAITING_COUNT_LIMIT):
    """Count up to `limit` + 1 rows: a bounded cost however large the table grows."""
    return queryset.order_by()[: limit + 1].count()


class InquiryBlocked(Exception):
    """A blocked inquiry was to be changed or destroyed: blocking stops both (Law No. 94-V,
    Art. 1) until it is lifted."""


class InquiryQuerySet(models.QuerySet):
    """Blocked rows are never in an UPDATE or a DELETE: blocking stops change and
    destruction until `unblock()`, the one way to touch them (Law No. 94-V, Art. 1)."""

    def update(self, **kwargs):
        return super(InquiryQuerySet, self.not_blocked()).update(**kwargs)

    def delete(self):
        return super(InquiryQuerySet, self.not_blocked()).delete()

    def unblock(self):
        """Lift the block of these inquiries: how many were blocked."""
        return models.QuerySet.update(self.blocked(), blocked_at=None, blocked_by=None)

    def waiting(self):
        return self.filter(status=Inquiry.Status.NEW, blocked_at__isnull=True)

    def count_capped(self, limit=WAITING_COUNT_LIMIT):
        return count_capped(self, limit)

    def due(self, now):
        """The call-back queue: waiting, and not asked to be called again later."""
        return self.waiting().filter(queued_at__lte=now)

    def call_later(self, now):
        """Waiting, with a next attempt after `now` ("no answer: call again")."""
        return self.waiting().filter(queued_at__gt=now)

    def mark_processed(self, *, by, now=None):
        """Record who processed these inquiries and when; returns how many changed."""
        return self.exclude(status=Inquiry.Status.PROCESSED).update(
            status=Inquiry.Status.PROCESSED,
            processed_at=now or timezone.now(),
            processed_by=by,
            claimed_by=None,
            claimed_at=None,
            claimed_until=None,
        )

    def not_blocked(self):
        return self.filter(blocked_at__isnull=True)

    def blocked(self):
        return self.filter(blocked_at__isnull=False)

    def under_hold(self):
        return self.exclude(legal_hold_reason="")

    def not_under_hold(self):
        return self.filter(legal_hold_reason="")

    def of_phone(self, e164):
        return self.filter(phone=e164)

    def mark_not_processed(self):
        return self.exclude(status=Inquiry.Status.NEW).update(
            status=Inquiry.Status.NEW, processed_at=None, processed_by=None
        )


class Inquiry(models.Model):
    """A visitor's request for a call back, with the proof of their consent.

    Personal data (name, phone, message) live in these rows and nowhere else.
    """

    class Status(models.TextChoices):
        NEW = "new", _("not processed")
        PROCESSED = "processed", _("processed")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_reference, editable=False
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(
        _("phone"),
        max_length=16,
        db_index=True,
        help_text=_("International format, e.g. +7 701 123 45 67."),
    )
    # Search columns: the last digits of a number on an index, a name whatever its case.
    phone_reversed = DerivedCharField(
        max_length=16, db_index=True, source="phone", derive=phone_reversed_key
    )
    name_search = DerivedCharField(max_length=300, source="name", derive=name_search_key)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    note = models.TextField(
        _("operator note"),
        max_length=2000,
        blank=True,
        help_text=_(
            "For the staff; never sent to anyone else, but disclosed to the person it "
            "concerns, with the rest of their data, when they ask what is held about them."
        ),
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("processed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    # The call-back queue: oldest first by this moment, which "no answer" moves to the next
    # attempt, so the inquiry comes back at the queue's end then.
    queued_at = QueueTimeField(_("in the queue since"), null=True, blank=True)
    call_attempts = models.PositiveSmallIntegerField(_("calls"), default=0)
    # Who is calling right now: others see it, and the claim lapses on its own.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("taken until"), null=True, blank=True)
    # Legal hold: kept past its retention (clause 6: "unless longer storage is required by
    # law") until a privacy officer lifts it. The reason is theirs, never the visitor's data.
    legal_hold_reason = models.CharField(_("legal hold"), max_length=300, blank=True)
    legal_hold_at = models.DateTimeField(_("legal hold since"), null=True, blank=True)
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal hold set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Blocked at the data subject's request: hidden from operators until unblocked.
    blocked_at = models.DateTimeField(_("blocked since"), null=True, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_version = models.ForeignKey(
        "consent.ConsentVersion",
        verbose_name=_("consent version"),
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    consent_language = models.CharField(
        _("consent language"), max_length=2, choices=settings.LANGUAGES
    )
    consent_sha256 = models.CharField(_("SHA-256 of the consent text shown"), max_length=64)
    # The random token of the form the inquiry came from: a re-post of the same form
    # (double click, reload) finds the stored inquiry instead of making a second one.
    submission_token = models.UUIDField(unique=True, editable=False)
    # When the staff notification (reference and link only) went out; NULL while pending.
    notified_at = models.DateTimeField(_("notification sent"), null=True, blank=True)
    # Taken by a sender before it talks to the mail server, so the background thread and
    # the cron command never both send; a claim older than a few minutes is a dead sender's.
    notification_claimed_at = models.DateTimeField(
        _("notification claimed"), null=True, blank=True, editable=False
    )

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at"]
        permissions = [
            ("see_blocked_inquiry", _("Can see blocked inquiries")),
            ("block_inquiry", _("Can block and unblock inquiries")),
            ("hold_inquiry", _("Can place and lift legal holds")),
            ("correct_inquiry", _("Can correct an inquiry's personal data")),
            ("export_inquiry", _("Can export a data subject's inquiries")),
        ]
        indexes = [
            # The triage list: waiting (or processed) inquiries, newest first.
            models.Index(fields=["status", "-created_at"], name="inquiry_status_created"),
            # The call-back queue: waiting inquiries, the longest in the queue first.
            models.Index(fields=["status", "queued_at"], name="inquiry_status_queued"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(notified_at__isnull=True),
                name="inquiry_notification_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_language__in=["ru", "kk", "en"]),
                name="inquiry_consent_language_known",
            ),
        ]

    def __str__(self):
        return _("Inquiry %(reference)s") % {"reference": self.reference}

    def save(self, *args, **kwargs):
        if self.pk is not None and Inquiry.objects.blocked().filter(pk=self.pk).exists():
            raise InquiryBlocked(f"Inquiry {self.reference} is blocked: unblock it first.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Inquiry.objects.blocked().filter(pk=self.pk).exists():
            raise InquiryBlocked(f"Inquiry {self.reference} is blocked: unblock it first.")
        return super().delete(*args, **kwargs)


class InquiryView(models.Model):
    """Who opened which inquiry in the back office, and when (no personal data)."""

    # Deleted by privacy.services before their inquiries: a cascade would make deleting
    # inquiries read every row first instead of one DELETE per batch.
    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("inquiry"), on_delete=models.DO_NOTHING, related_name="views"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the account is later deleted, so the record still says who it was.
    username = models.CharField(_("username"), max_length=150)
    viewed_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inquiry view")
        verbose_name_plural = _("inquiry views")
        ordering = ["-viewed_at"]

    def __str__(self):
        return _("View %(pk)s of inquiry %(inquiry)s") % {
            "pk": self.pk,
            "inquiry": self.inquiry_id,
        }
