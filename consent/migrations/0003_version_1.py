"""Version 1 of the consent, published 25.12.2025, from the texts in consent/seed/."""

import datetime
import hashlib
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed"


def load_version_1(apps, schema_editor):
    ConsentVersion = apps.get_model("consent", "ConsentVersion")
    fields = {}
    for language in ("ru", "kk", "en"):
        text = (SEED / f"consent-v1-2025-12-25.{language}.txt").read_text(encoding="utf-8")
        fields[f"text_{language}"] = text
        fields[f"sha256_{language}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ConsentVersion.objects.create(
        number=1, published_on=datetime.date(2025, 12, 25), significant=True, **fields
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_immutable_triggers")]

    # Not reversible: a published version is never deleted.
    operations = [migrations.RunPython(load_version_1)]
