"""Version 1 of the personal-data policy, published 25.11.2026, from the texts in consent/seed/.

The operator is to review it and publish a revised version if anything differs in their
deployment (README, "Personal data policy").
"""

import datetime
import hashlib
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed"


def load_policy_version_1(apps, schema_editor):
    ConsentVersion = apps.get_model("consent", "ConsentVersion")
    fields = {}
    for language in ("ru", "kk", "en"):
        text = (SEED / f"policy-v1-2026-11-25.{language}.txt").read_text(encoding="utf-8")
        fields[f"text_{language}"] = text
        fields[f"sha256_{language}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    # Nobody re-accepts a policy: "significant" only concerns the consent form.
    ConsentVersion.objects.create(
        kind="policy",
        number=1,
        published_on=datetime.date(2026, 11, 25),
        significant=False,
        **fields,
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_kind")]

    # Not reversible: a published version is never deleted.
    operations = [migrations.RunPython(load_policy_version_1)]
