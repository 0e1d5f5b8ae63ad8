"""What awaits a user now: the home page's "Tugas saya" (issue 20).

Each app that gives people work to do registers one function here from its ``AppConfig.ready``::

    pending.register(my_pending)   # def my_pending(user) -> list[PendingItem]

The function answers with a few queries (counts, not rows) and only what the user may open:
every ``url`` it returns must answer 200 for this user. The home page and the menu's counts call
every registered function; nothing else is needed to appear there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def pending_for(user: Any) -> list[PendingItem]:
    """Every registered app's items for this user, most urgent first."""
    if not user.is_authenticated:
        return []
    items = [item for provider in _providers for item in provider(user)]
    return sorted(items, key=lambda item: (item.urgency, item.due is None, item.due or 0))
