"""Settings for the QARAT feedback site: one module, configured only by the environment.

Every variable is listed with its meaning in `.env.example` and README.md.
"""

from datetime import timedelta
from pathlib import Path

import csp.constants
import environ
from django.core.exceptions import ImproperlyConfigured

from qarat import settings_operator
from qarat.settings_rules import broken_rules

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# On by default so a fresh checkout runs `manage.py` as is (as healthchecks.io does); every
# deployment sets DEBUG=false: .env.example, the Docker image and docs/deploy.md all do.
DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    # The admin, with staff.admin_site.StaffAdminSite as `admin.site` (password + code).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    # The libraries' apps under names staff can read (staff.apps).
    "staff.apps.AuthenticatorAppsConfig",
    "staff.apps.BackupCodesConfig",
    "staff.apps.LoginLockoutsConfig",
    "consent",
    "inquiries",
    "privacy",
    "staff",
    "texts",
    "qarat",
]

MIDDLEWARE = [
    "qarat.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session cookie, the language cookie or the form.
    "qarat.nul_bytes.RejectMalformedRequests",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "staff.language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qarat.urls"
WSGI_APPLICATION = "qarat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qarat.context_processors.site",
                "qarat.seo.page_links",
                "texts.context_processors.public_texts",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A new connection costs PostgreSQL more than a submission: each worker keeps its own, opened
    # after the fork and checked before reuse (docs/deploy.md, 5); runserver could not reuse it.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int(
        "DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 600
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith(".RedisCache"):
    # django-redis: one client per server and an atomic incr/decr (the rate limit).
    # django-environ picks it for redis:// only when it is importable; say so here.
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"
    # A Redis outage must not take the site down: a failed operation misses (pages read the
    # database) and is logged, /healthz answers 503; at most a second per operation.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        IGNORE_EXCEPTIONS=True, SOCKET_CONNECT_TIMEOUT=1, SOCKET_TIMEOUT=1
    )
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... in one value.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Staff notified of each new inquiry (reference and admin link only, never personal data).
INQUIRY_NOTIFY_EMAILS = env.list("INQUIRY_NOTIFY_EMAILS", default=[])
# Stored submissions allowed per client address ("count/period", e.g. 5/10m), counted in
# the shared cache (CACHE_URL); the address appears there only hashed.
INQUIRY_RATE_LIMIT = env.str("INQUIRY_RATE_LIMIT", default="5/10m")
# A submission sent sooner than this after the form was shown is asked to be sent again.
INQUIRY_MIN_FILL_SECONDS = env.int("INQUIRY_MIN_FILL_SECONDS", default=3)
# The form's fields are small; anything bigger is refused before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
# Send it from a background thread, so a submission never waits for the mail server.
INQUIRY_NOTIFY_IN_BACKGROUND = env.bool("INQUIRY_NOTIFY_IN_BACKGROUND", default=True)
# The call desk: "no answer" puts an inquiry back in the queue after this many minutes
# (the operator may choose another delay), and opening one takes it for this many minutes.
CALL_AGAIN_MINUTES = env.int("CALL_AGAIN_MINUTES", default=60)
CALL_CLAIM_MINUTES = env.int("CALL_CLAIM_MINUTES", default=15)
# The site's public address, for links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The admin's address; default "admin/". Must end with a slash.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")

# Staff login: password (validators below), then a TOTP code from an authenticator app.
# Without the code the admin stays shut whenever this is on; it is on unless DEBUG.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "QARAT Service"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end when the browser closes, and at the latest a working day after the last change.
SESSION_HOURS = env.int("SESSION_HOURS", default=9)
SESSION_COOKIE_AGE = SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Reverse proxies in front of the site that append the client address to X-Forwarded-For
# (docs/deploy.md). 0: the site is reached directly and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# TLS ends at that proxy, which tells the site the original scheme (docs/deploy.md).
TLS_AT_PROXY = env.bool("TLS_AT_PROXY", default=TRUSTED_PROXY_COUNT > 0)
if TLS_AT_PROXY:
    # The proxy sets this header itself (docs/deploy.md); directly it could be forged.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Transport and browser protections (consent, clause 9) -----------------------------

# The site is reached over HTTPS only (on unless DEBUG). Off only for local tests over HTTP.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# The container's health check asks over plain HTTP from inside; nothing else is exempt.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Only once every subdomain serves HTTPS: the browsers' preload list is hard to leave.
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
# Not preloading is a choice made by HSTS_PRELOAD, not an oversight `check --deploy` should flag.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# "__Host-": the browser sends them only over HTTPS, only to this host, for the whole site.
SESSION_COOKIE_NAME = "__Host-session" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Until the browser closes, as the policy draft says: no expiry date formatted for each visit.
CSRF_COOKIE_AGE = None
# The admin's language switch (staff.language); the public pages take theirs from the URL.
LANGUAGE_COOKIE_NAME = "__Host-language" if HTTPS else "django_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, switched off for every page.
PERMISSIONS_POLICY = dict.fromkeys(
    ["accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer"]
    + ["microphone", "payment", "usb"],
    (),
)

# Login brute force (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked for LOGIN_COOLOFF_MINUTES after the
# failure that locked it. Other addresses and other usernames are not affected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# No banner on every management command (cron would mail it daily).
AXES_VERBOSE = False
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lock are refused unrecorded, so the lock ends when the page says, and
# someone behind the same address cannot keep a colleague locked out by trying on.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "qarat.network.client_ip_address"
# Days the address and browser of each staff login and failed attempt are kept
# (purge_login_records deletes older ones daily); never shorter than a lockout.
STAFF_LOGIN_RECORDS_DAYS = env.int("STAFF_LOGIN_RECORDS_DAYS", default=90)
# Years a personal-data incident is kept after it is closed (purge_old_records, daily).
INCIDENTS_KEEP_YEARS = env.int("INCIDENTS_KEEP_YEARS", default=3)
# Years the audit trail of staff actions on inquiries is kept (purge_old_records, daily).
AUDIT_RECORDS_KEEP_YEARS = env.int("AUDIT_RECORDS_KEEP_YEARS", default=3)
AXES_LOCKOUT_CALLABLE = "staff.views.lockout"
# The lockouts and login records are shown by staff.admin_libraries, in Russian and Kazakh.
AXES_ENABLE_ADMIN = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("kk", "Қазақша"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
# Dates and times as staff read them, with the time zone (qarat/formats/).
FORMAT_MODULE_PATH = ["qarat.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Not in whitenoise's own list, which would serve it as application/octet-stream.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

CSRF_FAILURE_VIEW = "inquiries.views.csrf_failure"

# --- Web analytics (consent, clauses 7-8): off unless configured, after opt-in only ------

# Yandex Metrica counter number; empty: no tag, and no analytics host in the CSP.
YANDEX_METRIKA_ID = env.str("YANDEX_METRIKA_ID", default="")
# Session Replay (Webvisor) records pages; off unless explicitly turned on.
YANDEX_METRIKA_WEBVISOR = env.bool("YANDEX_METRIKA_WEBVISOR", default=False)
METRIKA_HOSTS = ["https://mc.yandex.ru", "https://mc.yandex.kz", "https://yastatic.net"]
METRIKA_SOCKETS = ["wss://mc.yandex.ru", "wss://mc.yandex.kz"]
WEBVISOR_HOSTS = ["https://mc.webvisor.com", "https://mc.webvisor.org"]


def _csp(analytics):
    hosts = METRIKA_HOSTS + WEBVISOR_HOSTS if analytics else []
    return {
        "DIRECTIVES": {
            "default-src": [csp.constants.NONE],
            "script-src": [csp.constants.SELF, *hosts],
            "style-src": [csp.constants.SELF],
            "img-src": [csp.constants.SELF, "data:", *hosts],
            "font-src": [csp.constants.SELF],
            "connect-src": [
                csp.constants.SELF,
                *hosts,
                *(METRIKA_SOCKETS if analytics else []),
            ],
            "frame-src": [*hosts] if analytics else [csp.constants.NONE],
            "manifest-src": [csp.constants.SELF],
            "form-action": [csp.constants.SELF],
            "frame-ancestors": [csp.constants.NONE],
            "base-uri": [csp.constants.NONE],
            "object-src": [csp.constants.NONE],
        }
    }


CONTENT_SECURITY_POLICY = _csp(bool(YANDEX_METRIKA_ID))

# --- Retention and data-subject requests (consent clauses 6, 10, 11) ---------------------

# Key of the phone-number hashes in the request register and destruction records. Never
# change it once in use: old records would no longer match their numbers.
PHONE_HASH_KEY = env.str("PHONE_HASH_KEY", default="")
if not PHONE_HASH_KEY and DEBUG:
    PHONE_HASH_KEY = "insecure-local-development-only"  # noqa: S105 - DEBUG only

# Inquiries are deleted at their N-th anniversary; at most 3 (settings_rules refuses more).
INQUIRY_RETENTION_YEARS = env.int("INQUIRY_RETENTION_YEARS", default=3)
# Each purge deletes what would pass its anniversary before the next daily run.
PURGE_MARGIN_HOURS = env.int("PURGE_MARGIN_HOURS", default=24)
# Optionally delete processed inquiries this many days after processing (empty: off).
INQUIRY_PROCESSED_RETENTION_DAYS = env.int("INQUIRY_PROCESSED_RETENTION_DAYS", default=None)

# Backups (backup_database): where, and for how many days. Keep them short: a backup holds
# inquiries that the purge has since deleted (settings_rules refuses the full retention).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=7)
# Every destruction is also journaled here, outside the database, so that restoring a
# backup can destroy again what was destroyed after it was taken (no personal data in it).
DESTRUCTION_JOURNAL = Path(
    env.str("DESTRUCTION_JOURNAL", default=str(BACKUP_DIR / "destructions.jsonl"))
)

# Years a closed data-subject request, and a destruction record with its journal lines, are
# kept after closing or destruction (purge_old_records, daily), to prove the answer was given.
SUBJECT_REQUESTS_KEEP_YEARS = env.int("SUBJECT_REQUESTS_KEEP_YEARS", default=3)
DESTRUCTION_RECORDS_KEEP_YEARS = env.int("DESTRUCTION_RECORDS_KEEP_YEARS", default=3)

# Working days to answer each kind of data-subject request (Law No. 94-V; see README).
SUBJECT_REQUEST_DEADLINE_DAYS = {
    "information": env.int("REQUEST_DAYS_INFORMATION", default=3),
    "correction": env.int("REQUEST_DAYS_CORRECTION", default=1),
    "blocking": env.int("REQUEST_DAYS_BLOCKING", default=1),
    "deletion": env.int("REQUEST_DAYS_DELETION", default=1),
    "withdrawal": env.int("REQUEST_DAYS_WITHDRAWAL", default=15),
}

# How long the shared cache keeps the published consent versions and the public texts. A
# change clears them at once; this bounds staleness only where the cache is per-process.
TEXTS_CACHE_SECONDS = env.int("TEXTS_CACHE_SECONDS", default=300)

# The operator (footer) and what the policy draft names: qarat/settings_operator.py.
OPERATOR, POLICY_DETAILS = settings_operator.OPERATOR, settings_operator.POLICY_DETAILS

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# "text" (default) or "json": one JSON object per line for log collectors.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
# Every handler keeps personal data out (qarat/privacy_logging.py), Django's own loggers too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_personal_data": {"()": "qarat.privacy_logging.NoPersonalData"},
        "client_errors_are_warnings": {"()": "qarat.client_errors.ClientErrorsAreWarnings"},
        "server_errors_only": {"()": "qarat.client_errors.ServerErrorsOnly"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {
            "()": "qarat.privacy_logging.PrivateFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "qarat.privacy_logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_are_warnings", "no_personal_data"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "server_errors_only", "no_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Error pages and e-mailed reports: the URL pattern, no values the client sent, no
# exceptions' texts, no local variables.
DEFAULT_EXCEPTION_REPORTER = "qarat.privacy_logging.NoPersonalDataReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "qarat.privacy_logging.NoPersonalDataReporterFilter"
# Who gets e-mailed error reports (comma-separated addresses); none by default.
ADMINS = [("", address) for address in env.list("ERROR_REPORT_EMAILS", default=[])]

# Every rule above at once (qarat/settings_rules.py): the site and each command refuse to load.
if _broken := broken_rules(globals()):
    raise ImproperlyConfigured("\n".join(["The settings break these rules:", *_broken]))
