"""System checks of the audit trail's keys (issue 17)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def audit_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Keys that parse, always; with ``--deploy``, no development key and no short one."""
    from budaya.accounts.audit import DEVELOPMENT_KEY_ID, MIN_KEY_BYTES, parse_keys

    try:
        keys = parse_keys(settings.BUDAYA_AUDIT_KEYS)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="budaya.accounts.E001")]
    if not kwargs.get("include_deployment_checks"):
        return []
    problems: list[CheckMessage] = []
    if DEVELOPMENT_KEY_ID in keys.secrets:
        problems.append(
            Error(
                "BUDAYA_AUDIT_KEYS holds the public development key: anyone could forge the "
                "audit trail's MACs.",
                hint='Set BUDAYA_AUDIT_KEYS="<id>:<base64 of 32 random bytes>" (docs/security.md).',
                id="budaya.accounts.E002",
            )
        )
    for key_id, secret in keys.secrets.items():
        if len(secret) < MIN_KEY_BYTES:
            problems.append(
                Error(
                    f"The audit key {key_id!r} has {len(secret)} bytes; at least "
                    f"{MIN_KEY_BYTES} are needed.",
                    hint="head -c 32 /dev/urandom | base64",
                    id="budaya.accounts.E003",
                )
            )
    return problems
