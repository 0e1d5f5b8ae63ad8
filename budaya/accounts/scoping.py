"""What part of which government a user may see: the one answer every scoped query starts from.

``User.tenant_scope()`` returns a :class:`TenantScope`; ``TenantQuerySet.visible_to(user)`` in
``budaya.org.models`` turns it into a filter. The org app only duck-types the scope, so it never
imports this app (which imports org).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from budaya.accounts.models import UNIT_SCOPED_ROLES, Role


@dataclass(frozen=True)
class TenantScope:
    # Governments whose rows the user may list (not their content): system administrators.
    all_governments: bool = False
    # Every government's tenant data: only a system administrator, and only when the
    # installation says so (BUDAYA_SYSTEM_ADMIN_SEES_CONTENT).
    all_content: bool = False
    # Governments whose tenant data the user sees whole (city administrator, leadership).
    governments: frozenset[int] = frozenset()
    # (government id, unit path) pairs: the agency subtrees of unit-scoped roles.
    subtrees: frozenset[tuple[int, str]] = field(default_factory=frozenset)

    @property
    def member_governments(self) -> frozenset[int]:
        return self.governments | {government for government, _path in self.subtrees}

    @property
    def empty(self) -> bool:
        return not (self.all_governments or self.all_content or self.governments or self.subtrees)


NO_SCOPE = TenantScope()


def scope_of(
    grants: Iterable[tuple[str, int | None, str | None]], roles: Iterable[str] | None = None
) -> TenantScope:
    """Fold role grants ``(role, government id, unit path)`` into a scope.

    ``roles`` limits the grants that count, for checks of what a user may *do* (for example,
    only city-administrator grants may change units).
    """
    wanted = set(roles) if roles is not None else None
    all_governments = False
    governments: set[int] = set()
    subtrees: set[tuple[int, str]] = set()
    for role, government, path in grants:
        if wanted is not None and role not in wanted:
            continue
        if role == Role.SYSTEM_ADMIN:
            all_governments = True
        elif government is None:
            continue
        elif role in UNIT_SCOPED_ROLES:
            # A unit-scoped grant without its agency grants nothing: never the whole government.
            if path:
                subtrees.add((government, path))
        else:
            governments.add(government)
    # A subtree inside a government seen whole adds nothing.
    subtrees = {(g, p) for g, p in subtrees if g not in governments}
    # Nested subtrees of one government: keep the outermost.
    subtrees = {
        (g, p)
        for g, p in subtrees
        if not any(g == g2 and p != p2 and p.startswith(p2) for g2, p2 in subtrees)
    }
    all_content = all_governments and settings.BUDAYA_SYSTEM_ADMIN_SEES_CONTENT
    return TenantScope(all_governments, all_content, frozenset(governments), frozenset(subtrees))
