"""Lockout of repeated failed sign-ins, per account and client address, kept in the cache.

After BUDAYA_LOGIN_MAX_FAILURES failures within BUDAYA_LOGIN_FAILURE_WINDOW seconds, the pair is
locked for BUDAYA_LOGIN_LOCKOUT seconds; the right password does not open it meanwhile. Keyed by
the pair so that one attacker cannot lock a colleague out from elsewhere.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(kind: str, identifier: str, request: HttpRequest | None) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    digest = hashlib.sha256(f"{identifier.strip().casefold()}|{address}".encode()).hexdigest()
    return f"budaya:signin:{kind}:{digest}"


def locked_for(identifier: str, request: HttpRequest | None) -> int:
    """Seconds left of a lockout, or 0."""
    until = cache.get(_key("locked", identifier, request))
    if until is None:
        return 0

    return max(int(until - time.time()), 1)


def failed(identifier: str, request: HttpRequest | None) -> None:

    key = _key("failures", identifier, request)
    window = settings.BUDAYA_LOGIN_FAILURE_WINDOW
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    if count >= settings.BUDAYA_LOGIN_MAX_FAILURES:
        lockout = settings.BUDAYA_LOGIN_LOCKOUT
        cache.set(_key("locked", identifier, request), time.time() + lockout, lockout)
        cache.delete(key)


def succeeded(identifier: str, request: HttpRequest | None) -> None:
    cache.delete(_key("failures", identifier, request))
