from consent.models import ConsentVersion
from consent.policy_draft import PLACEHOLDER


def make_draft(**overrides):
    fields = {
        "significant": True,
        "text_ru": "Согласие, версия 2",
        "text_kk": "Келісім, 2-нұсқа",
        "text_en": "Consent, version 2",
    }
    fields.update(overrides)
    return ConsentVersion.objects.create(**fields)


def make_policy_draft(**overrides):
    fields = {
        "kind": ConsentVersion.Kind.POLICY,
        "significant": False,
        "text_ru": "Политика, редакция 2",
        "text_kk": "Саясат, 2-редакция",
        "text_en": "Policy, version 2",
    }
    fields.update(overrides)
    return ConsentVersion.objects.create(**fields)


def complete_placeholders(text):
    """What a privacy officer does in the draft editor: every placeholder filled in."""
    return PLACEHOLDER.sub("Completed by the privacy officer", text)


def publish_policy_draft(*, today=None):
    """The policy draft the migrations left, completed and published as a privacy officer
    would; returns the published version."""
    draft = ConsentVersion.all_kinds.policies().drafts().order_by("created_at").first()
    for code in ("ru", "kk", "en"):
        setattr(draft, f"text_{code}", complete_placeholders(draft.text(code)))
    draft.save()
    return draft.publish(today=today)
