"""Scoped reads: periods, reports, the completeness board and the overdue list."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from budaya.accounts.models import Role
from budaya.monev.models import FROZEN, Period, Report, ReportVersion, State
from budaya.org.models import Government, Unit

# The board's columns (issue 8 item 6): a report's state, grouped.
BOARD_STATUS = {
    State.DRAFT: "draft",
    State.APPROVED: "draft",
    State.SUBMITTED: "submitted",
    State.RETURNED: "returned",
    State.ACCEPTED: "accepted",
    State.CONSOLIDATED: "accepted",
    State.FORWARDED: "accepted",
    State.ACKNOWLEDGED: "accepted",
}
BOARD_ORDER = ("not_started", "draft", "submitted", "returned", "accepted")


def periods_of(user: Any, government: Government) -> QuerySet[Period]:
    return Period.objects.visible_to(user).filter(government=government)


def reports_of(user: Any, government: Government) -> QuerySet[Report]:
    return (
        Report.objects.visible_to(user)
        .filter(government=government)
        .select_related("unit", "period")
    )


def sees_every_agency(user: Any, government: Government) -> bool:
    return (
        Government.objects.visible_to(user, roles=[Role.CITY_ADMIN, Role.LEADERSHIP])
        .filter(pk=government.pk)
        .exists()
    )


def own_agencies(user: Any, period: Period) -> list[Unit]:
    """The reporting agencies whose report the user's unit roles prepare."""
    mine = Unit.objects.visible_to(user, roles=[Role.UNIT_HEAD, Role.UNIT_TEAM]).filter(
        government=period.government
    )
    paths = list(mine.values_list("path", flat=True))
    return [
        a
        for a in period.agencies()
        if any(p.startswith(a.path) or a.path.startswith(p) for p in paths)
    ]


@dataclass
class BoardLine:
    agency: Unit
    report: Report | None
    status: str


def board(user: Any, period: Period, today: datetime.date) -> dict[str, Any]:
    """One line per agency the user sees: not started, draft, submitted, returned, accepted."""
    agencies = list(period.agencies())
    if not sees_every_agency(user, period.government):
        visible = set(
            Unit.objects.visible_to(user)
            .filter(government=period.government)
            .values_list("pk", flat=True)
        )
        agencies = [a for a in agencies if a.pk in visible]
    reports = {
        r.unit_id: r
        for r in Report.objects.visible_to(user).filter(period=period).select_related("unit")
    }
    lines = []
    for agency in agencies:
        report = reports.get(agency.pk)
        status = BOARD_STATUS[State(report.state)] if report else "not_started"
        lines.append(BoardLine(agency, report, status))
    counts = {status: sum(1 for line in lines if line.status == status) for status in BOARD_ORDER}
    return {
        "lines": lines,
        "counts": counts,
        "days_left": period.days_left(today),
        "overdue": [
            line
            for line in lines
            if period.deadline < today and line.status in ("not_started", "draft", "returned")
        ],
    }


def overdue(government: Government, today: datetime.date) -> list[tuple[Period, list[BoardLine]]]:
    """For the regional secretary: per open period past its deadline, the agencies that have not
    submitted."""
    out = []
    for period in Period.objects.filter(
        government=government, closed=False, deadline__lt=today
    ).order_by("deadline"):
        reports = {r.unit_id: r for r in Report.objects.filter(period=period)}
        late = []
        for agency in period.agencies():
            report = reports.get(agency.pk)
            if report is None or report.state in (State.DRAFT, State.APPROVED, State.RETURNED):
                status = BOARD_STATUS[State(report.state)] if report else "not_started"
                late.append(BoardLine(agency, report, status))
        if late:
            out.append((period, late))
    return out


def versions_of(report: Report) -> list[ReportVersion]:
    return list(report.versions.order_by("number"))


def version_content(version: ReportVersion) -> dict[str, Any]:
    return json.loads(version.canonical)


def is_frozen(report: Report) -> bool:
    return report.state in FROZEN
