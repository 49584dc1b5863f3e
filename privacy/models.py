import datetime
import uuid

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy.workdays import OVERRIDES, CalendarDay, add_working_days


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
    # Blocked inquiries are never destroyed while blocked (Law No. 94-V, Art. 1).
    blocked_kept = models.PositiveIntegerField(_("kept while blocked"), default=0)
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


NO_PERSONAL_DATA = _(
    "No personal data: no names, phone numbers, e-mail addresses or what the person wrote."
)


class IdentityMethod(models.TextChoices):
    IN_PERSON = "in_person", _("identity document shown in person")
    EMAIL = "email", _("e-mail from the address on file")
    CALL_BACK = "call_back", _("call back to the number")
    OTHER = "other", _("other (see the note)")


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
    # Typing the number only matches the hash: how the person was known to be its holder.
    identity_method = models.CharField(
        _("identity confirmed by"), max_length=12, choices=IdentityMethod.choices, blank=True
    )
    identity_note = models.CharField(
        _("identity note"), max_length=300, blank=True, help_text=NO_PERSONAL_DATA
    )
    identity_confirmed_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    identity_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identity confirmed by staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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

    @property
    def identity_confirmed(self):
        return self.identity_confirmed_at is not None


def request_due_on(*, kind, received_at):
    """The last day to answer: working days by kind (settings), Kazakhstan's holidays skipped."""
    days = settings.SUBJECT_REQUEST_DEADLINE_DAYS[kind]
    return add_working_days(timezone.localtime(received_at).date(), days)


# What staff read for each job's name (the command's, or the journal's).
JOB_LABELS = {
    "purge_expired_inquiries": _("retention purge (purge_expired_inquiries)"),
    "purge_old_records": _("deletion of old records (purge_old_records)"),
    "purge_login_records": _("deletion of staff login records (purge_login_records)"),
    "backup_database": _("database backup (backup_database)"),
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
    def last_successes(cls, names):
        """{name: its last success, or None} for each of `names`, in one query."""
        found = dict(cls.objects.filter(name__in=names).values_list("name", "last_success_at"))
        return {name: found.get(name) for name in names}

    # A daily job that has not succeeded for this long has stopped (its cron, say).
    LATE_AFTER = datetime.timedelta(days=2)

    @classmethod
    def is_late(cls, name, *, max_age=LATE_AFTER, now=None):
        return cls.late(cls.last_success(name), max_age=max_age, now=now)

    @staticmethod
    def late(last_success, *, max_age=LATE_AFTER, now=None):
        """Whether a job last succeeding then (None: never) counts as stopped."""
        return last_success is None or last_success < (now or timezone.now()) - max_age


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Incident.Status.OPEN)

    def unnotified(self):
        """A notification the incident requires is not made yet."""
        return self.filter(
            models.Q(notify_authority=True, authority_notified_at__isnull=True)
            | models.Q(notify_subjects=True, subjects_notified_at__isnull=True)
        )

    def overdue(self, *, today=None):
        """A notification the incident requires is not made and its deadline has passed."""
        return self.unnotified().filter(notify_by__lt=today or timezone.localdate())


class Incident(models.Model):
    """A personal-data incident (a breach of their security), with the deadline to notify
    the authorised body and the data subjects: one working day after it was found."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    description = models.TextField(_("what happened"), max_length=4000, help_text=NO_PERSONAL_DATA)
    subjects_count = models.PositiveIntegerField(
        _("data subjects affected"), help_text=_("A number; the best estimate if not known.")
    )
    measures = models.TextField(
        _("measures taken"), max_length=4000, blank=True, help_text=NO_PERSONAL_DATA
    )
    notify_authority = models.BooleanField(_("the authorised body must be notified"), default=True)
    authority_notified_at = models.DateTimeField(
        _("authorised body notified at"), null=True, blank=True
    )
    notify_subjects = models.BooleanField(_("the data subjects must be notified"), default=False)
    subjects_notified_at = models.DateTimeField(
        _("data subjects notified at"), null=True, blank=True
    )
    notify_by = models.DateField(_("notify by"), editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data incident")
        verbose_name_plural = _("personal-data incidents")
        ordering = ["-found_at"]

    def __str__(self):
        return f"Incident {self.pk}"

    def save(self, *args, **kwargs):
        self.notify_by = incident_notify_by(self.found_at)
        super().save(*args, **kwargs)

    def is_overdue(self, *, today=None):
        """As IncidentQuerySet.overdue(), for one incident already read."""
        unnotified = (self.notify_authority and self.authority_notified_at is None) or (
            self.notify_subjects and self.subjects_notified_at is None
        )
        return unnotified and self.notify_by < (today or timezone.localdate())


def incident_notify_by(found_at):
    """The last day to notify: the working day after the one the incident was found on."""
    return add_working_days(timezone.localtime(found_at).date(), 1)


class AuditEvent(models.Model):
    """One action on inquiries by a staff member (privacy.audit): what, who, when, how many
    and which references; never a name, a number, a message or a search text.

    Opening one inquiry is recorded apart, as an InquiryView: it belongs to that inquiry,
    goes into the data subject's copy and is destroyed with it. These records outlive the
    inquiries, until AUDIT_RECORDS_KEEP_YEARS.
    """

    class Kind(models.TextChoices):
        LIST_VIEW = "list_view", _("list or search page shown")
        LOOKUP = "lookup", _("inquiries of a request's number listed")
        PROCESSED = "processed", _("marked processed")
        NOT_PROCESSED = "not_processed", _("marked not processed")
        CHANGE = "change", _("status or note changed")
        CORRECTION = "correction", _("personal data corrected")
        HOLD_SET = "hold_set", _("legal hold set")
        HOLD_LIFTED = "hold_lifted", _("legal hold lifted")
        BLOCK = "block", _("blocked")
        UNBLOCK = "unblock", _("unblocked")
        EXPORT = "export", _("exported to the data subject")
        ERASURE = "erasure", _("erased on request")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # The username, kept when the account is later deleted.
    actor = models.CharField(_("by"), max_length=150)
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices, db_index=True)
    count = models.PositiveIntegerField(_("inquiries"), default=0)
    references = models.TextField(_("references"), blank=True)
    searched = models.BooleanField(_("search used"), default=False)
    filtered = models.BooleanField(_("filter used"), default=False)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at"]

    def __str__(self):
        return gettext("Audit event %(id)s") % {"id": self.pk}

    def detail_shown(self):
        """The detail as staff read it: a change's field names in the site's language."""
        if self.kind not in (self.Kind.CORRECTION, self.Kind.CHANGE):
            return self.detail
        Inquiry = apps.get_model("inquiries", "Inquiry")
        names = [name.strip() for name in self.detail.split(",") if name.strip()]
        return ", ".join(str(Inquiry._meta.get_field(name).verbose_name) for name in names)


@receiver([post_save, post_delete], sender=CalendarDay)
def calendar_changed(**_signal):
    """A decree entered or corrected: open deadlines are counted again with it."""
    OVERRIDES.forget()
    transaction.on_commit(OVERRIDES.forget)
    for subject_request in SubjectRequest.objects.open():
        due_on = request_due_on(kind=subject_request.kind, received_at=subject_request.received_at)
        if due_on != subject_request.due_on:
            SubjectRequest.objects.filter(pk=subject_request.pk).update(due_on=due_on)
    for incident in Incident.objects.open():
        notify_by = incident_notify_by(incident.found_at)
        if notify_by != incident.notify_by:
            Incident.objects.filter(pk=incident.pk).update(notify_by=notify_by)
