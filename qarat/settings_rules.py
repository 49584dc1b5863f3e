"""The rules the settings keep. settings.py checks them on load and refuses with every broken
rule listed, so the site, gunicorn and each command stop alike; advice that a deployment may
ignore (a per-process cache) is a `check --deploy` warning instead (qarat/checks.py)."""

import re
from datetime import timedelta

# The consent promises deletion within three years of receipt at the latest.
MAX_RETENTION_YEARS = 3


def broken_rules(s):
    """The broken rules, as sentences naming their variable; `s` maps setting names to values."""
    problems = []
    production = not s["DEBUG"]
    for name, example in (
        ("SECRET_KEY", "a long random SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS (comma-separated host names)"),
        ("PHONE_HASH_KEY", "a long random PHONE_HASH_KEY, different from SECRET_KEY"),
    ):
        if production and not s[name]:
            problems.append(
                f"{name} is not set. With DEBUG off the site refuses to start without it: "
                f"set {example} in the environment or in .env (see .env.example)."
            )
    admin_url = s["ADMIN_URL"]
    if not admin_url.endswith("/") or admin_url.startswith("/"):
        problems.append("ADMIN_URL must look like 'path/' (no leading slash, one trailing slash).")
    at_least = {
        "SESSION_HOURS": 1,
        "TRUSTED_PROXY_COUNT": 0,
        "LOGIN_FAILURE_LIMIT": 1,
        "LOGIN_COOLOFF_MINUTES": 1,
        "PURGE_MARGIN_HOURS": 0,
        "SUBJECT_REQUESTS_KEEP_YEARS": 1,
        "DESTRUCTION_RECORDS_KEEP_YEARS": 1,
        "INCIDENTS_KEEP_YEARS": 1,
        "AUDIT_RECORDS_KEEP_YEARS": 1,
        "CALL_AGAIN_MINUTES": 1,
        "CALL_CLAIM_MINUTES": 1,
    }
    for name, lowest in at_least.items():
        if s[name] < lowest:
            problems.append(f"{name} is {s[name]}; it must be {lowest} or more.")
    cooloff = timedelta(minutes=s["LOGIN_COOLOFF_MINUTES"])
    if s["STAFF_LOGIN_RECORDS_DAYS"] < 1 or timedelta(days=s["STAFF_LOGIN_RECORDS_DAYS"]) < cooloff:
        problems.append(
            "STAFF_LOGIN_RECORDS_DAYS must be 1 or more, and no shorter than "
            "LOGIN_COOLOFF_MINUTES (the records are what a lockout counts)."
        )
    details = s["POLICY_DETAILS"]
    for name, key in (
        ("HOSTING_COUNTRY", "hosting_country"),
        ("MAIL_PROVIDER_COUNTRY", "mail_country"),
        ("SMTP_PROVIDER_COUNTRY", "smtp_country"),
    ):
        if details[key] and not re.fullmatch(r"[A-Z]{2}", details[key]):
            problems.append(f"{name} must be a two-letter ISO 3166 code such as KZ, or empty.")
    if details["server_log_days"] is not None and details["server_log_days"] < 1:
        problems.append("SERVER_LOG_KEEP_DAYS must be 1 or more, or empty.")
    if s["LOG_FORMAT"] not in ("text", "json"):
        problems.append("LOG_FORMAT must be 'text' or 'json'.")
    years = s["INQUIRY_RETENTION_YEARS"]
    if not 1 <= years <= MAX_RETENTION_YEARS:
        problems.append(
            f"INQUIRY_RETENTION_YEARS is {years}; the consent allows 1 to "
            f"{MAX_RETENTION_YEARS} years."
        )
    days = s["INQUIRY_PROCESSED_RETENTION_DAYS"]
    if days is not None and days < 0:
        problems.append("INQUIRY_PROCESSED_RETENTION_DAYS cannot be negative.")
    for kind, deadline in s["SUBJECT_REQUEST_DEADLINE_DAYS"].items():
        if deadline < 1:
            problems.append(f"The deadline for {kind} requests must be at least one day.")
    keep = s["BACKUP_KEEP_DAYS"]
    if not 1 <= keep < max(years, 1) * 365:
        problems.append(
            f"BACKUP_KEEP_DAYS is {keep}: backups must be kept at least a day and for less "
            "than the retention, or they would hold inquiries past it (default 7)."
        )
    return problems
