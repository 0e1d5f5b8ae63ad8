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

# Issue 20 item 5: figures of many governments, read from the rollups. The national view is the
# installation operator's; a province's view also its own government's city roles, which the
# test world has none of (its governments are cities).
ROUTES.update(
    {
        "dashboard:national": Access(
            "National view: the provinces in figures, ranked (reports on time, maturity, "
            "activities); each opens its province's view",
            frozenset({Role.SYSTEM_ADMIN}),
            scope="figures of every government, no content",
        ),
        "dashboard:province": Access(
            "A province's view: its governments in figures, ranked; each opens its dashboard "
            "for a reader allowed there",
            frozenset({Role.SYSTEM_ADMIN}),
            args=lambda w: {"code": w.government.kemendagri_code.split(".")[0]},
            scope="system administrator: every province; also the city administrator and "
            "leadership of the province's own government (kind provinsi, its code)",
        ),
    }
)
