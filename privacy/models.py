import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.workdays import add_working_days


class DestructionRecord(models.Model):
    """That inquiries were destroyed, when, why and by whom: counts, never personal data.

    A purge keeps its cutoff and an erasure the keyed hash of the number, so that after a
    backup is restored the same deletions can be applied again.
    """

    class Basis(models.TextChoices):
        RETENTION = "retention", _("retention period ended")
        PROCESSED = "processed", _("processed, purpose achieved")
        DELETION = "deletion", _("deletion request")
        WITHDRAWAL = "withdrawal", _("consent withdrawn")

    # Also written to the destruction journal outside the database (privacy.journal), so a
    # restored backup can be cleaned again; the journal knows records by this id.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now, db_index=True)
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    count = models.PositiveIntegerField(_("inquiries destroyed"), default=0)
    held_back = models.PositiveIntegerField(_("kept under legal hold"), default=0)
    # "retention" for the scheduled purge, else the staff member's username.
    actor = models.CharField(_("by"), max_length=150)
    cutoff = models.DateTimeField(_("received on or before"), null=True, blank=True)
    phone_hash = models.CharField(_("keyed hash of the phone number"), max_length=64, blank=True)
    request = models.ForeignKey(
        "privacy.SubjectRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="destructions",
    )

    class Meta:
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        ordering = ["-destroyed_at"]

    def __str__(self):
        return _("Destruction %(pk)s") % {"pk": self.pk}


class SubjectRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SubjectRequest.Status.OPEN)

    def overdue(self, *, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class SubjectRequest(models.Model):
    """A data subject's request (clauses 10-11), with its legal deadline.

    The register keeps no phone number in clear: a keyed hash and its last two digits,
    so the register may outlive the inquiries it concerns.
    """

    class Kind(models.TextChoices):
        INFORMATION = "information", _("information about the data")
        CORRECTION = "correction", _("correction")
        BLOCKING = "blocking", _("blocking")
        DELETION = "deletion", _("deletion")
        WITHDRAWAL = "withdrawal", _("withdrawal of consent")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused with reasons")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("due on"), editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    phone_hash = models.CharField(_("keyed hash of the phone number"), max_length=64, db_index=True)
    phone_last_digits = models.CharField(_("last two digits"), max_length=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["status", "due_on"]

    def __str__(self):
        return _("Request %(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        if not self.due_on:
            self.due_on = request_due_on(kind=self.kind, received_at=self.received_at)
        super().save(*args, **kwargs)

    def is_overdue(self, *, today=None):
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


def request_due_on(*, kind, received_at):
    """The last day to answer: working days by kind (settings), Kazakhstan's holidays skipped."""
    days = settings.SUBJECT_REQUEST_DEADLINE_DAYS[kind]
    return add_working_days(timezone.localtime(received_at).date(), days)


# What staff read for each job's name (the command's, or the journal's).
JOB_LABELS = {
    "purge_expired_inquiries": _("retention purge (purge_expired_inquiries)"),
    "destruction_journal": _("writing the destruction journal"),
    "privacy_reminder": _("morning reminder to privacy officers"),
}


class JobRun(models.Model):
    """When a periodic job (or the journal's writing) last succeeded and failed, for staff."""

    name = models.CharField(_("job"), max_length=50, unique=True)
    last_success_at = models.DateTimeField(_("last successful run"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return str(JOB_LABELS.get(self.name, self.name))

    @classmethod
    def record_success(cls, name, *, now=None):
        cls.objects.update_or_create(name=name, defaults={"last_success_at": now or timezone.now()})

    @classmethod
    def record_failure(cls, name, *, now=None):
        cls.objects.update_or_create(name=name, defaults={"last_failure_at": now or timezone.now()})

    @classmethod
    def is_failing(cls, name):
        """True from a failure until the next success."""
        run = cls.objects.filter(name=name).values("last_success_at", "last_failure_at").first()
        if run is None or run["last_failure_at"] is None:
            return False
        return run["last_success_at"] is None or run["last_success_at"] < run["last_failure_at"]

    @classmethod
    def last_success(cls, name):
        return cls.objects.filter(name=name).values_list("last_success_at", flat=True).first()

    @classmethod
    def is_late(cls, name, *, max_age=datetime.timedelta(days=2), now=None):
        last = cls.last_success(name)
        return last is None or last < (now or timezone.now()) - max_age
