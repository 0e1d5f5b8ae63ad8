"""Lockout of repeated failed sign-ins, kept in the shared cache (issue 17, part 5).

Two counters, both in Django's default cache (Redis in production, so every process sees the
same counts; ``check --deploy`` warns when production runs without it):

- per *subject* and client address: the subject is the account the typed identifier resolves
  to (user name, e-mail or NIP, whatever its spelling), so a lockout earned with the user name
  also refuses the e-mail and the NIP; an identifier that names no account is its own subject
  (normalised: case and spaces do not make a new one), so an unknown name locks exactly like a
  real one and the lockout tells nothing about which accounts exist. After
  BUDAYA_LOGIN_MAX_FAILURES failures within BUDAYA_LOGIN_FAILURE_WINDOW seconds the pair is
  locked for BUDAYA_LOGIN_LOCKOUT seconds; the right password does not open it meanwhile. Keyed
  by the pair so that an attacker elsewhere cannot lock a colleague out.
- per client address, across every subject: after BUDAYA_LOGIN_ADDRESS_MAX_FAILURES failures
  within the window the address is locked for every account, so one address cannot try five
  passwords on each of many accounts. A successful sign-in never lowers this count: an attacker
  holding one valid account must not be able to reset it between guesses.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    # REMOTE_ADDR only, as the audit trail: X-Forwarded-For is set by the client unless a proxy
    # rewrites it.
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR") or "")


def subject(identifier: str, user: Any | None) -> str:
    """What the per-account counter is keyed by: the account, else the normalised identifier."""
    if user is not None:
        return f"account:{user.pk}"
    normalised = "".join(identifier.split()).casefold()
    return "name:" + hashlib.sha256(normalised.encode()).hexdigest()


def _bucket(address: str) -> str:
    """What an address is counted as: an IPv6 address by its /64, which one subscriber
    usually holds whole (else every attempt could come from a new address)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"budaya:signin:{kind}:{digest}"


def _seconds_left(key: str) -> int:
    until = cache.get(key)
    if until is None:
        return 0
    return max(int(until - time.time()), 1)


def locked_for(*, subject: str, address: str) -> int:
    """Seconds left of a lockout of this subject from this address, or 0."""
    address = _bucket(address)
    return max(
        _seconds_left(_key("locked", subject, address)),
        _seconds_left(_key("address-locked", address)),
    )


def _count(key: str) -> int:
    window = settings.BUDAYA_LOGIN_FAILURE_WINDOW
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _lock(key: str) -> None:
    lockout = settings.BUDAYA_LOGIN_LOCKOUT
    cache.set(key, time.time() + lockout, lockout)


def failed(*, subject: str, address: str) -> int:
    """Count one failure; the seconds of lockout it led to, or 0."""
    address = _bucket(address)
    pair = _key("failures", subject, address)
    if _count(pair) >= settings.BUDAYA_LOGIN_MAX_FAILURES:
        _lock(_key("locked", subject, address))
        cache.delete(pair)
    per_address = _key("address-failures", address)
    if _count(per_address) >= settings.BUDAYA_LOGIN_ADDRESS_MAX_FAILURES:
        _lock(_key("address-locked", address))
        cache.delete(per_address)
    return locked_for(subject=subject, address=address)


def succeeded(*, subject: str, address: str) -> None:
    # Only the pair's count: the address's count across accounts stays (see the docstring).
    cache.delete(_key("failures", subject, _bucket(address)))
