"""Production settings: everything of the embedded default, hardened.

Select with ``DJANGO_SETTINGS_MODULE=budaya.settings.production``. ``manage.py check --deploy``
must be clean with these settings (CI runs it).
"""

from budaya.settings import *  # noqa: F403
from budaya.settings import env, envbool, envint, smtp_mailer

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    # A fixed key in production would let anyone forge sessions; refuse to start instead.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

# The audit trail's keys (issue 17): the embedded default's key is public.
BUDAYA_AUDIT_KEYS = env("BUDAYA_AUDIT_KEYS")
if not BUDAYA_AUDIT_KEYS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "BUDAYA_AUDIT_KEYS must be set in production (docs/security.md: "
        '"<id>:<base64 of 32 random bytes>").'
    )

MAILERS = {"default": smtp_mailer()}

# Background work is queued in the database and run by a separate worker (manage.py db_worker,
# docs/operations.md), not in threads of the web process: a restart of the web process then
# loses nothing (issue 23).
TASKS = {"default": {"BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
# Administrators must sign in with a second factor in production (unless explicitly turned off).
BUDAYA_REQUIRE_2FA_FOR_ADMINS = envbool("BUDAYA_REQUIRE_2FA_FOR_ADMINS", True)

WHITENOISE_USE_FINDERS = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
