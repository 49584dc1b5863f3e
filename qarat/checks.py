"""Deployment advice for `check --deploy`; rules the settings must keep are in settings_rules."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from consent.models import ConsentVersion

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    """Rate limits and the cached texts must be shared by every worker and server."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                "The cache is kept in each process: the submission rate limit is not shared "
                "between workers and servers, and a published consent version or edited "
                "public text reaches the other workers only after TEXTS_CACHE_SECONDS.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/1 (README, Configuration).",
                id="qarat.W001",
            )
        ]
    return []


# The SHA-256 of the policy text a migration once published as version 1 on its own
# (ru, kk, en): written by the developers, it says no data cross the border, which the
# requests mailbox contradicts. Installations that have it keep it, and are told to replace it.
DEVELOPERS_POLICY_SHA256 = {
    "956f441dbd7b2c94a9fa478e24d95a0685b73566fd6b91d7cba8b7bd6658b17b",
    "2dc05b08a1469b160977f7791e9f90993f62f7aae029bbdcf0484e24011e5e01",
    "3d88b9e4d519884cf49a075c15e1c5dc9215565c125e2137784dd9b002286b27",
}


def _unreadable(error, what):
    return [
        checks.Error(
            f"Cannot read {what} from the database ({type(error).__name__}).",
            hint="Run `manage.py migrate`, then `check --deploy` again.",
            id="qarat.E010",
        )
    ]


@checks.register(checks.Tags.compatibility, deploy=True)
def policy_published(app_configs, **kwargs):
    """The operator's own policy must be public, and no draft may go out half-written."""
    policies = ConsentVersion.all_kinds.policies()
    try:
        current = policies.published().order_by("-number").first()
        drafts = list(policies.drafts())
    except DatabaseError as error:
        return _unreadable(error, "the personal-data policy")
    problems = []
    if current is None:
        problems.append(
            checks.Error(
                "No personal-data policy is published: /privacy/ says it is being prepared.",
                hint="A privacy officer completes the policy draft in the admin (Consent "
                "versions, kind: personal data policy) and publishes it (README, "
                "Personal-data policy).",
                id="qarat.E011",
            )
        )
    elif {current.sha256(code) for code, _name in settings.LANGUAGES} & DEVELOPERS_POLICY_SHA256:
        problems.append(
            checks.Warning(
                f"The published policy (version {current.number}) is the developers' text, "
                "which says no data cross the border although requests travel through the "
                "operator's mailbox.",
                hint="Run `manage.py draft_policy`, complete the draft in the admin and "
                "publish it as the next version.",
                id="qarat.W011",
            )
        )
    for draft in drafts:
        languages = draft.placeholder_languages()
        if languages:
            problems.append(
                checks.Error(
                    f"{draft} still holds “[TO BE COMPLETED: …]” placeholders "
                    f"({', '.join(languages)}).",
                    hint="Complete them in the admin's draft editor (or delete the draft), "
                    "then publish it.",
                    id="qarat.E012",
                )
            )
    return problems


@checks.register(checks.Tags.compatibility, deploy=True)
def operator_matches_consent(app_configs, **kwargs):
    """The footer shows settings.OPERATOR; the consent visitors accept names the operator
    too, and a published consent never changes: the two must agree."""
    try:
        consent = ConsentVersion.objects.published().order_by("-number").first()
    except DatabaseError as error:
        return _unreadable(error, "the consent")
    if consent is None:
        return []
    operator = settings.OPERATOR
    problems = []
    for code, _name in settings.LANGUAGES:
        text = consent.text(code)
        missing = [
            variable
            for variable, value in (
                (f"OPERATOR_NAME_{code.upper()}", operator["name"][code]),
                ("OPERATOR_BIN", operator["bin"]),
                ("OPERATOR_PRIVACY_EMAIL", operator["privacy_email"]),
            )
            if value not in text
        ]
        if missing:
            problems.append(
                checks.Error(
                    f"The footer's {', '.join(missing)} do not appear in the {code} text of "
                    f"consent version {consent.number}, which visitors accept.",
                    hint="Set them as the consent names the operator, or publish a consent "
                    "version that names the operator as the footer does.",
                    id="qarat.E013",
                )
            )
    return problems
