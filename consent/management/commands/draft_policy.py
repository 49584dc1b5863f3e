"""Create a personal-data policy draft from the current settings (consent/policy_draft.py).

A fresh installation gets one from its migrations. An installation whose published policy
was written before the settings described the deployment runs this, completes the draft in
the admin and publishes it as the next version (README, "Personal-data policy").
"""

from django.core.management.base import BaseCommand

from consent.models import ConsentVersion
from consent.policy_draft import policy_draft_create


class Command(BaseCommand):
    help = "Create a personal-data policy draft filled from the settings."

    def handle(self, *args, verbosity=1, **options):
        draft = policy_draft_create(ConsentVersion)
        if verbosity >= 1:
            languages = ", ".join(draft.placeholder_languages()) or "none"
            self.stdout.write(
                f"Created {draft}. Placeholders left to complete in the admin, by language: "
                f"{languages}."
            )
