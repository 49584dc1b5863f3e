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
