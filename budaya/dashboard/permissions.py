"""Who may reach the leadership dashboard and the leadership report (merged into the permission
registry)."""

from __future__ import annotations

from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import Access, Args, other_government

READERS = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD})
SCOPE = "city administrator and leadership: every agency; unit head: own agency against the city"
# The leadership report holds every agency (issue 20 item 4): the city roles only.
CITY_READERS = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP})
REPORT_SCOPE = "city administrator and leadership: the whole government"


def world(w: Any) -> None:
    """A ready leadership report (a small PDF) of the monitoring period in each government."""
    import hashlib

    from django.core.files.base import ContentFile

    from budaya.dashboard.models import LeadershipReport

    for key, government in (("", w.government), ("foreign_", w.other_government)):
        data = b"%PDF-1.4\n% uji\n"
        w.extras[f"{key}leadership_report"] = LeadershipReport.objects.create(
            government=government,
            period=w.extras[f"{key}period"],
            number=1,
            status=LeadershipReport.Status.READY,
            file=ContentFile(data, name="laporan.pdf"),
            sha256=hashlib.sha256(data).hexdigest(),
            pages=1,
            requested_by=w.user(Role.CITY_ADMIN) if not key else w.foreign_user,
        )


def _report(key: str) -> Args:
    def args(w: Any) -> dict[str, Any]:
        government = w.other_government if key else w.government
        return {"slug": government.slug, "pk": w.extras[f"{key}leadership_report"].pk}

    return args


def _period(key: str) -> Args:
    def args(w: Any) -> dict[str, Any]:
        government = w.other_government if key else w.government
        return {"slug": government.slug, "period": w.extras[f"{key}period"].pk}

    return args


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
    "dashboard:report_create": Access(
        "Ask for a period's leadership report (the next version, made in the background)",
        CITY_READERS,
        args=_period(""),
        foreign=(other_government(_period("foreign_")),),
        method="POST",
        scope=REPORT_SCOPE,
    ),
    "dashboard:report": Access(
        "A leadership report: its progress, download and hash check (what its QR code opens)",
        CITY_READERS,
        args=_report(""),
        foreign=(other_government(_report("foreign_")),),
        scope=REPORT_SCOPE,
    ),
    "dashboard:report_file": Access(
        "Download a leadership report's PDF",
        CITY_READERS,
        args=_report(""),
        foreign=(other_government(_report("foreign_")),),
        scope=REPORT_SCOPE,
    ),
    "dashboard:report_retry": Access(
        "Try a failed leadership report again",
        CITY_READERS,
        args=_report(""),
        foreign=(other_government(_report("foreign_")),),
        method="POST",
        scope=REPORT_SCOPE,
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
