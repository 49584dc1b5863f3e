"""The operator's details from the environment: the footer (as the consent text names them)
and what the personal-data policy draft says of those responsible and of the processors."""

import environ

env = environ.Env()  # settings.py has already read .env into the environment

# The operator's details shown in the footer, as published in the consent text.
OPERATOR = {
    "name": {
        "ru": env.str("OPERATOR_NAME_RU", default="ТОО «QARAT Service»"),
        "kk": env.str("OPERATOR_NAME_KK", default="ЖШС «QARAT Service»"),
        "en": env.str("OPERATOR_NAME_EN", default='LLP "QARAT Service"'),
    },
    "address": {
        "ru": env.str(
            "OPERATOR_ADDRESS_RU",
            default="Республика Казахстан, г. Астана, ул. Туркестан, 18/1, кв. 33",
        ),
        "kk": env.str(
            "OPERATOR_ADDRESS_KK",
            default="Қазақстан Республикасы, Астана қ., Түркістан к-сі, 18/1, 33-пәтер",
        ),
        "en": env.str(
            "OPERATOR_ADDRESS_EN",
            default="Republic of Kazakhstan, Astana, Turkestan St. 18/1, apt. 33",
        ),
    },
    "bin": env.str("OPERATOR_BIN", default="210740014147"),
    "privacy_email": env.str("OPERATOR_PRIVACY_EMAIL", default="a_kassenov@mail.ru"),
}

# What the personal-data policy draft says of those responsible and of the processors
# (consent/policy_draft.py); an empty value leaves a placeholder the privacy officer fills in.
# Countries are ISO 3166 codes (KZ, RU), so the draft can tell a cross-border transfer.
POLICY_DETAILS = {
    "officer_name": env.str("PRIVACY_OFFICER_NAME", default=""),
    "officer_position": {
        "ru": env.str("PRIVACY_OFFICER_POSITION_RU", default=""),
        "kk": env.str("PRIVACY_OFFICER_POSITION_KK", default=""),
        "en": env.str("PRIVACY_OFFICER_POSITION_EN", default=""),
    },
    "hosting_provider": env.str("HOSTING_PROVIDER", default=""),
    "hosting_country": env.str("HOSTING_COUNTRY", default="").upper(),
    "mail_provider": env.str("MAIL_PROVIDER", default=""),
    "mail_country": env.str("MAIL_PROVIDER_COUNTRY", default="").upper(),
    "smtp_provider": env.str("SMTP_PROVIDER", default=""),
    "smtp_country": env.str("SMTP_PROVIDER_COUNTRY", default="").upper(),
    "authority": {
        "ru": env.str(
            "DATA_PROTECTION_AUTHORITY_RU",
            default="Министерство цифрового развития, инноваций и аэрокосмической "
            "промышленности Республики Казахстан (Комитет по информационной безопасности)",
        ),
        "kk": env.str(
            "DATA_PROTECTION_AUTHORITY_KK",
            default="Қазақстан Республикасының Цифрлық даму, инновациялар және аэроғарыш "
            "өнеркәсібі министрлігі (Ақпараттық қауіпсіздік комитеті)",
        ),
        "en": env.str(
            "DATA_PROTECTION_AUTHORITY_EN",
            default="the Ministry of Digital Development, Innovations and Aerospace Industry "
            "of the Republic of Kazakhstan (its Information Security Committee)",
        ),
    },
    "authority_contacts": env.str("DATA_PROTECTION_AUTHORITY_CONTACTS", default=""),
    "server_log_days": env.int("SERVER_LOG_KEEP_DAYS", default=None),
}
