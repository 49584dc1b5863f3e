from django.conf import settings
from django.core import checks

from privacy.retention import MAX_RETENTION_YEARS


@checks.register()
def retention_within_the_consent(app_configs, **kwargs):
    """The consent promises three years at most: a longer setting is an error, not a choice."""
    errors = []
    years = settings.INQUIRY_RETENTION_YEARS
    if not 1 <= years <= MAX_RETENTION_YEARS:
        errors.append(
            checks.Error(
                f"INQUIRY_RETENTION_YEARS is {years}; the consent allows 1 to "
                f"{MAX_RETENTION_YEARS} years.",
                hint="Set INQUIRY_RETENTION_YEARS to 3 or less.",
                id="privacy.E001",
            )
        )
    if settings.PURGE_MARGIN_HOURS < 0:
        errors.append(checks.Error("PURGE_MARGIN_HOURS cannot be negative.", id="privacy.E002"))
    days = settings.INQUIRY_PROCESSED_RETENTION_DAYS
    if days is not None and days < 0:
        errors.append(
            checks.Error("INQUIRY_PROCESSED_RETENTION_DAYS cannot be negative.", id="privacy.E003")
        )
    for kind, deadline in settings.SUBJECT_REQUEST_DEADLINE_DAYS.items():
        if deadline < 1:
            errors.append(
                checks.Error(
                    f"The deadline for {kind} requests must be at least one day.", id="privacy.E004"
                )
            )
    keep = settings.BACKUP_KEEP_DAYS
    if not 1 <= keep < max(years, 1) * 365:
        errors.append(
            checks.Error(
                f"BACKUP_KEEP_DAYS is {keep}: backups must be kept at least a day and for "
                "less than the retention, or they would hold inquiries past it.",
                hint="Keep backups for days or weeks (default 7).",
                id="privacy.E005",
            )
        )
    return errors
