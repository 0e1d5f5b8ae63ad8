"""Who may reach the leadership dashboard (merged into the permission registry)."""

from __future__ import annotations

from budaya.accounts.models import Role
from budaya.accounts.permissions import Access, other_government

READERS = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD})
SCOPE = "city administrator and leadership: every agency; unit head: own agency against the city"

ROUTES = {
    "dashboard:start": Access("The dashboard of the user's government", READERS, scope=SCOPE),
    "dashboard:government": Access(
        "Leadership dashboard: agencies behind and why, reports, maturity, obligations, teams, "
        "activities; each figure links to its rows",
        READERS,
        args=lambda w: {"slug": w.government.slug},
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope=SCOPE,
    ),
}
