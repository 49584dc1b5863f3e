import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from consent.policy_draft import has_placeholder
from qarat.cache import SharedValue

CACHE_KEY = "consent:published:v1"


class ConsentVersionImmutable(IntegrityError):
    """A published consent version was about to be changed or deleted."""


class ConsentVersionIncomplete(ValueError):
    """A draft still holding a "[TO BE COMPLETED: ...]" placeholder was about to be published."""


def text_sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PublishedVersion:
    """What the form needs of a published version, small enough to cache."""

    pk: int
    number: int
    published_on: date
    significant: bool
    sha256: dict

    def is_superseded_significantly(self, versions):
        """Whether a significant version was published after this one."""
        return any(v.significant and v.number > self.number for v in versions)


class ConsentVersionQuerySet(models.QuerySet):
    def consents(self):
        return self.filter(kind=ConsentVersion.Kind.CONSENT)

    def policies(self):
        return self.filter(kind=ConsentVersion.Kind.POLICY)

    def published(self):
        return self.filter(published_on__isnull=False)

    def drafts(self):
        return self.filter(published_on__isnull=True)

    def delete(self):
        if self.published().exists():
            raise ConsentVersionImmutable("Published consent versions cannot be deleted.")
        return super().delete()

    def update(self, **kwargs):
        if self.published().exists():
            raise ConsentVersionImmutable("Published consent versions cannot be changed.")
        return super().update(**kwargs)


class ConsentManager(models.Manager.from_queryset(ConsentVersionQuerySet)):
    """Consent texts only: the default manager, so that the form, the inquiries' evidence,
    the admin's choices and every `ConsentVersion.objects` never meet a policy."""

    def get_queryset(self):
        return super().get_queryset().consents()


class ConsentVersion(models.Model):
    """One text of the consent, or of the personal-data policy, in three languages.

    A draft is edited freely; once published it never changes and is never deleted
    (this model, the admin and database triggers all refuse), because inquiries prove
    what their senders agreed to by pointing at it, and the public archive shows what
    the policy said when.
    """

    class Kind(models.TextChoices):
        CONSENT = "consent", _("consent")
        POLICY = "policy", _("personal data policy")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.CONSENT)
    number = models.PositiveIntegerField(_("version"), null=True, blank=True, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True, editable=False)
    significant = models.BooleanField(
        _("significant change"),
        default=True,
        help_text=_(
            "Changes the purposes, the list of data or the categories of third parties. "
            "Visitors who opened the form under an earlier version must read and accept again."
        ),
    )
    text_ru = models.TextField(_("text in Russian"))
    text_kk = models.TextField(_("text in Kazakh"))
    text_en = models.TextField(_("text in English"))
    sha256_ru = models.CharField(_("SHA-256 of the Russian text"), max_length=64, editable=False)
    sha256_kk = models.CharField(_("SHA-256 of the Kazakh text"), max_length=64, editable=False)
    sha256_en = models.CharField(_("SHA-256 of the English text"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ConsentManager()
    # Both kinds: the admin, the policy pages and numbering.
    all_kinds = ConsentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent version")
        verbose_name_plural = _("consent versions")
        ordering = ["kind", "-number"]
        permissions = [("publish_consentversion", _("Can publish consent versions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="consent_version_number_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(number__isnull=True, published_on__isnull=True)
                | models.Q(number__isnull=False, published_on__isnull=False),
                name="consent_version_number_iff_published",
            ),
        ]

    def __str__(self):
        if self.number is None and not self.pk:
            return str(_("Policy draft") if self.is_policy else _("Draft"))
        if self.number is None:
            label = _("Policy draft #%(pk)s") if self.is_policy else _("Draft #%(pk)s")
            return label % {"pk": self.pk}
        label = _("Policy version %(number)s") if self.is_policy else _("Version %(number)s")
        return label % {"number": self.number}

    def save(self, *args, **kwargs):
        if getattr(self, "_published_in_db", False):
            raise ConsentVersionImmutable("Published consent versions cannot be changed.")
        for code, _name in settings.LANGUAGES:
            # Browsers send CRLF from text areas; store one newline convention so the
            # published text and its hash are the same wherever it is read.
            text = normalize_newlines(getattr(self, f"text_{code}"))
            setattr(self, f"text_{code}", text)
            setattr(self, f"sha256_{code}", text_sha256(text))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if getattr(self, "_published_in_db", False) or self.is_published:
            raise ConsentVersionImmutable("Published consent versions cannot be deleted.")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._published_in_db = instance.published_on is not None
        return instance

    @property
    def is_published(self):
        return self.published_on is not None

    @property
    def is_policy(self):
        return self.kind == self.Kind.POLICY

    def text(self, language):
        return getattr(self, f"text_{language}")

    def sha256(self, language):
        return getattr(self, f"sha256_{language}")

    def placeholder_languages(self):
        """The languages whose text still holds a placeholder of the policy draft."""
        return [code for code, _name in settings.LANGUAGES if has_placeholder(self.text(code))]

    def publish(self, *, today=None):
        """Give the draft the next number and publish it; from then on it is read-only."""
        if self.is_published:
            raise ConsentVersionImmutable(f"{self} is already published.")
        if self.placeholder_languages():
            # Published, it could never be completed: a version is immutable.
            raise ConsentVersionIncomplete(f"{self} still has placeholders to complete.")
        with transaction.atomic():
            same_kind = ConsentVersion.all_kinds.filter(kind=self.kind)
            latest = same_kind.aggregate(latest=Max("number"))["latest"] or 0
            self.number = latest + 1
            self.published_on = today or timezone.localdate()
            self.save()
            self._published_in_db = True
            transaction.on_commit(forget_published_versions)
        return self


def _load_published_versions():
    return tuple(
        PublishedVersion(
            pk=v.pk,
            number=v.number,
            published_on=v.published_on,
            significant=v.significant,
            sha256={code: v.sha256(code) for code, _name in settings.LANGUAGES},
        )
        for v in ConsentVersion.objects.published().order_by("number")
    )


_published = SharedValue(CACHE_KEY, _load_published_versions)


def published_versions(*, fresh=False):
    """All published versions, oldest first; cached, so showing the form needs no query.

    `fresh` skips this process's copy, up to qarat.cache.PROCESS_SECONDS old.
    """
    return _published.get(fresh=fresh)


def current_version():
    versions = published_versions()
    return versions[-1] if versions else None


def forget_published_versions():
    _published.forget()
