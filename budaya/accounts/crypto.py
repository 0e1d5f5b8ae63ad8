"""Secrets at rest (issue 17, part 6): TOTP secrets are stored encrypted with Fernet
(AES-128-CBC with HMAC-SHA256) under keys from the environment, never in plain text.

``BUDAYA_FIELD_KEYS`` holds one or more Fernet keys, comma-separated: the first encrypts, every
one decrypts, so a key is rotated by putting the new one first and running
``manage.py rotate_field_keys`` (docs/operations.md). The embedded default key is public: the
``check --deploy`` warning ``budaya.accounts.W001`` says so when it is in use.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.db import models

# Public, for the embedded setup and the tests only: used when BUDAYA_FIELD_KEYS is unset.
DEVELOPMENT_KEY = "YnVkYXlhLWRldi1rZXktcHVibGljLW5vdC1zZWNyZXQ="


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def keys() -> tuple[str, ...]:
    return tuple(settings.BUDAYA_FIELD_KEYS) or (DEVELOPMENT_KEY,)


def fernet() -> MultiFernet:
    return _fernet(keys())


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def decrypt_or_none(token: str) -> str | None:
    """The plain text, or None when the token is not one of ours (or was made under a key
    since removed)."""
    try:
        return decrypt(token)
    except (InvalidToken, ValueError):
        return None


def is_encrypted(value: str) -> bool:
    """Whether a stored value is a Fernet token under one of the keys."""
    try:
        fernet().decrypt(value.encode())
    except (InvalidToken, ValueError):
        return False
    return True


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted in the database, plain in Python. Each write has a fresh IV, so the
    column cannot be searched: never filter on it."""

    def from_db_value(
        self, value: str | None, expression: object, connection: object
    ) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys(**kwargs: object) -> list[checks.CheckMessage]:
    if DEVELOPMENT_KEY in keys():
        return [
            checks.Warning(
                "BUDAYA_FIELD_KEYS holds the public development key: TOTP secrets are "
                "readable by anyone with a copy of the database.",
                hint="Set BUDAYA_FIELD_KEYS to a key of "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'` and run manage.py rotate_field_keys.",
                id="budaya.accounts.W001",
            )
        ]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(**kwargs: object) -> list[checks.CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The default cache is per process: the sign-in lockout counts failures in each "
                "worker apart, so an attacker gets the limit once per worker.",
                hint="Set REDIS_URL (a shared cache).",
                id="budaya.accounts.W002",
            )
        ]
    return []
