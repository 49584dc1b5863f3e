from consent.models import ConsentVersion


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
