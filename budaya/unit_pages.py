"""What other apps show on a unit's page (issue 19: the agency's open follow-ups).

The unit's page belongs to ``org``, which knows no app built on it. An app that has something
to show there registers one function from its ``AppConfig.ready``::

    unit_pages.register(my_section)   # def my_section(user, unit) -> UnitSection | None

The function answers with a fixed number of queries (never one per row) and only what the user
may read; every link it shows must open for this user. ``None``: nothing to show to this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UnitSection:
    # The template that renders the section; it reads ``section`` (this object) and ``unit``.
    template: str
    data: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Any, Any], UnitSection | None]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def sections_for(user: Any, unit: Any) -> list[UnitSection]:
    """Every registered app's section of this unit's page for this user, in registration order."""
    return [section for provider in _providers if (section := provider(user, unit)) is not None]
