"""What awaits a user now: the home page's "Tugas saya" (issue 20).

Each app that gives people work to do registers one function here from its ``AppConfig.ready``::

    pending.register(my_pending)   # def my_pending(user) -> list[PendingItem]

The function answers with a few queries (counts, not rows) and only what the user may open:
every ``url`` it returns must answer 200 for this user. The home page and the menu's counts call
every registered function; nothing else is needed to appear there.

What the functions answer is kept in the cache (issue 25: the home pages and the menu's counts
ran every provider on every request) under a key made of the user (their grants, their employee
record), the day, the language and the **version** of what the user sees: the lengths of the
audit chains of the user's governments and of the system chain, read in one query. Every
committed write is audited in its own transaction (``budaya.fragments``), so any write that can
change a task makes a new key and the next page shows it. A provider whose answer changes
without an audited write (a background task's unaudited step) registers with ``kept=False``
and runs on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, Subquery
from django.utils import timezone, translation
from django.utils.functional import Promise


@dataclass(frozen=True)
class PendingItem:
    # What to do, in the interface's words ("Laporan untuk diverifikasi").
    label: str | Promise
    url: str
    count: int = 1
    # The menu entry's view-name prefix it counts toward ("monev:"), for the counts in the menu.
    section: str = ""
    # Earlier items are more urgent: 0 overdue or returned, 1 due soon, 2 the rest.
    urgency: int = 2
    # A date the item is due, if it has one.
    due: Any = None


Provider = Callable[[Any], list[PendingItem]]
# The providers whose answers are kept per version, and those asked on every request.
_providers: list[Provider] = []
_live: list[Provider] = []


def register(provider: Provider, *, kept: bool = True) -> None:
    providers = _providers if kept else _live
    if provider not in providers:
        providers.append(provider)


def version_of(user: Any) -> int:
    """How many audited writes the governments the user belongs to and the system have had
    (one query): it grows with every committed write that can change the user's tasks."""
    from budaya.accounts.models import AuditChain, SystemAuditChain
    from budaya.org.models import Employee

    scope = user.tenant_scope()
    chains = AuditChain.objects.all()
    if not (scope.all_content or scope.all_governments):
        mine = Q(government_id__in=scope.member_governments)
        if user.employee_id:
            employee = Employee.objects.filter(pk=user.employee_id).values("government_id")[:1]
            mine |= Q(government_id=Subquery(employee))
        chains = chains.filter(mine)
    system = SystemAuditChain.objects.values_list("length", flat=True)
    return sum(chains.values_list("length", flat=True).union(system, all=True))


def kept[T](user: Any, name: str, compute: Callable[[], T]) -> T:
    """What ``compute()`` answers for the user, kept under the user, the version of what they
    see, the day and the language: for what a page reads of audited data only."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    detail = repr(
        (version_of(user), timezone.localdate(), user.employee_id, sorted(user._grants(), key=str))
    )
    digest = hashlib.sha256(detail.encode()).hexdigest()[:24]
    key = f"pending:{name}:{user.pk}:{language}:{digest}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.BUDAYA_FRAGMENT_CACHE_SECONDS)
    return found


def asked(user: Any) -> list[PendingItem]:
    """The items of the providers whose answers are kept (to be kept by the caller)."""
    return [item for provider in _providers for item in provider(user)]


def with_live(user: Any, items: list[PendingItem]) -> list[PendingItem]:
    """The kept items with those asked on every request, most urgent first."""
    items = items + [item for provider in _live for item in provider(user)]
    return sorted(items, key=lambda item: (item.urgency, item.due is None, item.due or 0))


def pending_for(user: Any) -> list[PendingItem]:
    """Every registered app's items for this user, most urgent first."""
    if not user.is_authenticated:
        return []
    return with_live(user, kept(user, "items", lambda: asked(user)))
