"""The personal-data policy as a draft filled from the settings, for the privacy officer to
complete and publish: the operator, not the software, states what the policy says.

What no setting says is left as a visible placeholder ("[TO BE COMPLETED: ...]" in each
language); `check --deploy` reports a draft that still holds one, and publishing refuses it.
"""

import hashlib
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGE_CODES = ("ru", "kk", "en")
MARKERS = {"ru": "ЗАПОЛНИТЬ", "kk": "ТОЛТЫРЫҢЫЗ", "en": "TO BE COMPLETED"}
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(MARKERS.values()) + r"):[^\]]*\]")
KAZAKHSTAN = "KZ"
# The countries a deployment here is likely to name; any other code is left for the officer
# to write out (a placeholder), rather than guessed.
COUNTRY_NAMES = {
    "KZ": {"ru": "Республика Казахстан", "kk": "Қазақстан Республикасы", "en": "Kazakhstan"},
    "RU": {"ru": "Российская Федерация", "kk": "Ресей Федерациясы", "en": "Russia"},
}
# What each placeholder asks for, in each language.
WANTED = {
    "officer_name": {
        "ru": "фамилия, имя и отчество ответственного лица",
        "kk": "жауапты адамның тегі, аты, әкесінің аты",
        "en": "full name of the person responsible",
    },
    "officer_position": {
        "ru": "должность ответственного лица",
        "kk": "жауапты адамның лауазымы",
        "en": "position of the person responsible",
    },
    "hosting_provider": {
        "ru": "провайдер хостинга",
        "kk": "хостинг провайдері",
        "en": "hosting provider",
    },
    "mail_provider": {
        "ru": "почтовый сервис ящика для обращений",
        "kk": "өтініштерге арналған пошта жәшігінің қызметі",
        "en": "mail service of the requests mailbox",
    },
    "smtp_provider": {
        "ru": "провайдер почтового сервера сайта",
        "kk": "сайттың пошта серверінің провайдері",
        "en": "provider of the site's mail server",
    },
    "country": {"ru": "страна", "kk": "ел", "en": "country"},
    "authority_contacts": {
        "ru": "адрес, телефон и сайт уполномоченного органа",
        "kk": "уәкілетті органның мекенжайы, телефоны және сайты",
        "en": "address, phone and website of the authorised body",
    },
    "server_log_days": {
        "ru": "сколько дней хранится журнал запросов сервера",
        "kk": "сервердің сұрау салулар журналы неше күн сақталады",
        "en": "days the server keeps its request log",
    },
}


def placeholder(what, language):
    return f"[{MARKERS[language]}: {WANTED[what][language]}]"


def has_placeholder(text):
    return PLACEHOLDER.search(text) is not None


def country_name(code, language):
    if code in COUNTRY_NAMES:
        return COUNTRY_NAMES[code][language]
    if code:
        return f"[{MARKERS[language]}: {WANTED['country'][language]} {code}]"
    return placeholder("country", language)


def _processor(details, key, language):
    provider = details[f"{key}_provider"] or placeholder(f"{key}_provider", language)
    code = details[f"{key}_country"]
    return {
        "provider": provider,
        "country": country_name(code, language),
        # Unknown until the officer says: the draft then names the transfer as possible.
        "abroad": code != KAZAKHSTAN,
    }


def _smtp_host():
    """The outgoing mail server, or None when mail is only printed (development)."""
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return None
    return settings.EMAIL_HOST


def policy_context(language):
    details = settings.POLICY_DETAILS
    operator = settings.OPERATOR
    smtp_host = _smtp_host()
    log_days = details["server_log_days"]
    return {
        "operator_name": operator["name"][language],
        "operator_bin": operator["bin"],
        "operator_address": operator["address"][language],
        "privacy_email": operator["privacy_email"],
        "officer_name": details["officer_name"] or placeholder("officer_name", language),
        "officer_position": (
            details["officer_position"][language] or placeholder("officer_position", language)
        ),
        "hosting": _processor(details, "hosting", language),
        "mail": _processor(details, "mail", language),
        "smtp": _processor(details, "smtp", language) if smtp_host else None,
        "authority": details["authority"][language],
        "authority_contacts": (
            details["authority_contacts"] or placeholder("authority_contacts", language)
        ),
        "retention_years": settings.INQUIRY_RETENTION_YEARS,
        "processed_days": settings.INQUIRY_PROCESSED_RETENTION_DAYS,
        "backup_days": settings.BACKUP_KEEP_DAYS,
        "requests_years": settings.SUBJECT_REQUESTS_KEEP_YEARS,
        "destructions_years": settings.DESTRUCTION_RECORDS_KEEP_YEARS,
        "incidents_years": settings.INCIDENTS_KEEP_YEARS,
        "audit_years": settings.AUDIT_RECORDS_KEEP_YEARS,
        "login_days": settings.STAFF_LOGIN_RECORDS_DAYS,
        "server_log_days": log_days or placeholder("server_log_days", language),
        "deadlines": settings.SUBJECT_REQUEST_DEADLINE_DAYS,
    }


def policy_draft_texts():
    """{language: the draft policy text}, from templates/consent/policy/draft.<language>.txt."""
    texts = {}
    for language in LANGUAGE_CODES:
        with translation.override(language):
            text = render_to_string(
                f"consent/policy/draft.{language}.txt", policy_context(language)
            )
        # Templates need blank lines around their tags; the text keeps one between paragraphs.
        texts[language] = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return texts


def policy_draft_create(model):
    """A new policy draft from the settings; `model` is ConsentVersion (or a migration's)."""
    texts = policy_draft_texts()
    fields = {}
    for language, text in texts.items():
        fields[f"text_{language}"] = text
        fields[f"sha256_{language}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return model._default_manager.create(kind="policy", significant=False, **fields)
