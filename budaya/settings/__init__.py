"""Settings from the environment with typed defaults.

The defaults run the embedded setup (SQLite, local files, in-process tasks) with no
configuration at all. Production overrides live in ``budaya.settings.production``.
"""

import os
from pathlib import Path
from typing import Any

from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("BUDAYA_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", "embedded-default-insecure-key-change-me-for-production")
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SITE_NAME = env("SITE_NAME", "Budaya")
# The address users open, for links made outside a request (manage.py create_government's
# invitation of the first administrator, issue 23).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # The database-backed task queue (production's TASK_BACKEND; issue 23). Installed always,
    # so its table exists whichever backend runs; the embedded default does not use it.
    "django_tasks_db",
    "budaya",
    "budaya.accounts",
    "budaya.org",
    "budaya.frameworks",
    "budaya.teams",
    "budaya.programme",
    "budaya.activities",
    "budaya.monev",
    "budaya.rulebook",
    "budaya.problems",
    "budaya.competitions",
    "budaya.notifications",
    "budaya.surveys",
    "budaya.dashboard",
    "django.forms",  # Django's form templates, after ours (budaya/templates/django/forms)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "budaya.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "budaya.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "budaya.notifications.middleware.ForgetCountsOnWrite",
    "budaya.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "budaya.urls"
WSGI_APPLICATION = "budaya.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "budaya.navigation.context",
                "budaya.notifications.context.bell",
                "budaya.rulebook.words.context",
            ],
        },
    },
]

# Form widgets render with the templates above, so budaya/templates/django/forms overrides Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite file by default; DATABASE_URL-less explicit variables for PostgreSQL.
DB_ENGINE = env("DB", "sqlite")
if DB_ENGINE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("DB_NAME", "budaya"),
            "USER": env("DB_USER", "postgres"),
            "PASSWORD": env("DB_PASSWORD", ""),
            "HOST": env("DB_HOST", "127.0.0.1"),
            "PORT": env("DB_PORT", "5432"),
            # Each worker thread keeps its connection (a new one costs more than most pages);
            # 0 behind PgBouncer in transaction mode (docs/scaling.md).
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 300),
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"NAME": env("DB_TEST_NAME", "test_budaya")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("DB_NAME", str(DATA_DIR / "budaya.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Sign-in by user name, e-mail address or NIP (budaya.accounts.backends).
AUTHENTICATION_BACKENDS = ["budaya.accounts.backends.UsernameEmailOrNipBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia first, English second. The language follows the user's choice
# (cookie), never the browser's Accept-Language: see budaya.middleware.
LANGUAGE_CODE = "id"
# Each language is named in itself, so the switch reads right whatever the current language.
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "budaya_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "budaya" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The embedded setup serves static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
# Uploaded files are never served from a public URL; views check the reader's scope first.
MEDIA_URL = "/media/"

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("S3_ACCESS_KEY"),
            "secret_key": env("S3_SECRET_KEY"),
            "region_name": env("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

if env("BUDAYA_AUDIT_CHECKPOINT_BUCKET"):
    # The audit trail's checkpoints in a bucket of their own, one object each (issue 17,
    # docs/security.md): versioning and object lock on it, credentials that cannot delete.
    STORAGES["audit_checkpoints"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("BUDAYA_AUDIT_CHECKPOINT_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("BUDAYA_AUDIT_CHECKPOINT_ACCESS_KEY", env("S3_ACCESS_KEY")),
            "secret_key": env("BUDAYA_AUDIT_CHECKPOINT_SECRET_KEY", env("S3_SECRET_KEY")),
            "region_name": env("S3_REGION") or None,
            "default_acl": None,
            "file_overwrite": False,
        },
    }

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }

# Django's task framework. The embedded default runs tasks in background threads of the web
# process (budaya.tasks.ThreadBackend): no broker or worker to run. Production queues them in the
# database (django_tasks_db.DatabaseBackend) for a separate worker: docs/operations.md.
TASKS = {"default": {"BACKEND": env("TASK_BACKEND", "budaya.tasks.ThreadBackend")}}
# A running job's process writes a heartbeat every BUDAYA_TASK_HEARTBEAT seconds; a job on
# another host not heard of for BUDAYA_TASK_STALE_AFTER seconds is taken for dead (issue 23).
BUDAYA_TASK_HEARTBEAT = envint("BUDAYA_TASK_HEARTBEAT", 10)
BUDAYA_TASK_STALE_AFTER = envint("BUDAYA_TASK_STALE_AFTER", 60)


def smtp_mailer() -> dict[str, Any]:
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 587),
            "username": env("EMAIL_HOST_USER"),
            "password": env("EMAIL_HOST_PASSWORD"),
            "use_tls": envbool("EMAIL_USE_TLS", True),
        },
    }


# Console mail in the embedded default; SMTP when EMAIL_HOST is set, and always in production.
MAILERS: dict[str, dict[str, Any]] = {
    "default": smtp_mailer()
    if env("EMAIL_HOST")
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "budaya@localhost")
# The address of the application as e-mails link to it (issue 20), e.g. https://budaya.example.go.id
BUDAYA_BASE_URL = env("BUDAYA_BASE_URL", "http://127.0.0.1:8000")
# Seconds the menu's counts of "what awaits me" are kept per user (issue 20, budaya/navigation.py).
BUDAYA_PENDING_CACHE_SECONDS = envint("BUDAYA_PENDING_CACHE_SECONDS", 60)
# Seconds a board's rendered fragment is kept (issue 25, budaya/fragments.py). Each is keyed on
# its government's version and the day, so a write or a new day makes a new one; this only bounds
# how long an unused one stays in memory.
BUDAYA_FRAGMENT_CACHE_SECONDS = envint("BUDAYA_FRAGMENT_CACHE_SECONDS", 24 * 60 * 60)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after a working day at most, and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 60 * 60)

# Accounts: lockout of repeated failed sign-ins (per account and address, in the cache).
BUDAYA_LOGIN_MAX_FAILURES = envint("BUDAYA_LOGIN_MAX_FAILURES", 5)
BUDAYA_LOGIN_FAILURE_WINDOW = envint("BUDAYA_LOGIN_FAILURE_WINDOW", 15 * 60)
BUDAYA_LOGIN_LOCKOUT = envint("BUDAYA_LOGIN_LOCKOUT", 15 * 60)
# Failures from one address across every account within the window before the address is locked
# for every account (issue 17): one address may not try a few passwords on each of many accounts.
BUDAYA_LOGIN_ADDRESS_MAX_FAILURES = envint("BUDAYA_LOGIN_ADDRESS_MAX_FAILURES", 20)
# Two-factor sign-in (TOTP) is optional for everyone; production may require it of
# system and city administrators.
BUDAYA_REQUIRE_2FA_FOR_ADMINS = envbool("BUDAYA_REQUIRE_2FA_FOR_ADMINS", False)
# Keys that encrypt TOTP secrets at rest (Fernet, comma-separated, the first encrypts): unset,
# a public development key is used and `check --deploy` warns (budaya.accounts.crypto).
BUDAYA_FIELD_KEYS = envlist("BUDAYA_FIELD_KEYS", "")
BUDAYA_TOTP_ISSUER = env("BUDAYA_TOTP_ISSUER", SITE_NAME)
# The system administrator is technical: governments yes, their content no, unless set.
BUDAYA_SYSTEM_ADMIN_SEES_CONTENT = envbool("BUDAYA_SYSTEM_ADMIN_SEES_CONTENT", False)
# The audit trail's keys (issue 17, docs/security.md): "<id>:<base64 secret>" separated by commas,
# the first signs new entries, every one listed verifies. Never stored in the database. The
# default is the PUBLIC development key (budaya.accounts.audit.DEVELOPMENT_KEYS): production
# refuses to start without the variable, and check --deploy refuses the development key.
BUDAYA_AUDIT_KEYS = env(
    "BUDAYA_AUDIT_KEYS", "dev:YnVkYXlhLWRldmVsb3BtZW50LWF1ZGl0LWtleS1OT1QtU0VDUkVU"
)
# Daily checkpoints of every chain head (manage.py daily), one append-only file per chain:
# keep this directory off the database's machine and its backups (docs/security.md).
BUDAYA_AUDIT_CHECKPOINT_DIR = Path(
    env("BUDAYA_AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit-checkpoints"))
)
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Django's built-in Content Security Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# ZIP-based uploads (XLSX, DOCX) are measured before a parser opens them (budaya/archives.py,
# issue 17): unpacked size, compression ratio of a part over 1 MB, the longest text without a tag
# (Excel's own cell limit is 32,767 characters) and the number of parts.
BUDAYA_MAX_UNCOMPRESSED_BYTES = envint("BUDAYA_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)
BUDAYA_MAX_COMPRESSION_RATIO = envint("BUDAYA_MAX_COMPRESSION_RATIO", 100)
BUDAYA_MAX_CELL_BYTES = envint("BUDAYA_MAX_CELL_BYTES", 256 * 1024)
BUDAYA_MAX_ARCHIVE_ENTRIES = envint("BUDAYA_MAX_ARCHIVE_ENTRIES", 2000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "forbidden_one_line": {"()": "budaya.log_filters.ForbiddenOneLine"},
        "disallowed_host_one_line": {"()": "budaya.log_filters.DisallowedHostOneLine"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 403 and a bad Host header log one line each, not a traceback (issue 17).
    "loggers": {
        "django.request": {"filters": ["forbidden_one_line"]},
        "django.security.DisallowedHost": {"filters": ["disallowed_host_one_line"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
