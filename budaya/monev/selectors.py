"""Scoped reads: periods, reports, the completeness board and the overdue list."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from budaya.accounts.models import Role
from budaya.monev import rules
from budaya.monev.models import (
    FROZEN,
    CitedActivity,
    FollowUp,
    Period,
    Report,
    ReportSummary,
    ReportVersion,
    State,
)
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
    if not paths:
        return []
    return [
        a
        for a in period.agencies()
        if any(p.startswith(a.path) or a.path.startswith(p) for p in paths)
    ]


@dataclass
class BoardLine:
    agency: Unit
    summary: ReportSummary | None
    status: str
    # The maturity overview's figures: (indicator, items yes, items verified yes, items).
    figures: list[tuple[int, int, int | None, int]] = field(default_factory=list)


def status_of(summary: ReportSummary | None) -> str:
    return BOARD_STATUS[State(summary.state)] if summary else "not_started"


def lines_of(user: Any, period: Period) -> list[BoardLine]:
    """One line per agency of the period the user sees, with its report's summary (the
    maintained aggregate: one query for the agencies, one for the summaries)."""
    agencies = list(period.agencies())
    if not sees_every_agency(user, period.government):
        visible = set(
            Unit.objects.visible_to(user)
            .filter(government=period.government)
            .values_list("pk", flat=True)
        )
        agencies = [a for a in agencies if a.pk in visible]
    summaries = {
        s.unit_id: s
        for s in ReportSummary.objects.visible_to(user).filter(
            government=period.government, period=period
        )
    }
    return [
        BoardLine(agency, summaries.get(agency.pk), status_of(summaries.get(agency.pk)))
        for agency in agencies
    ]


def board(user: Any, period: Period, today: datetime.date) -> dict[str, Any]:
    """One line per agency the user sees: not started, draft, submitted, returned, accepted."""
    lines = lines_of(user, period)
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
    periods = list(
        Period.objects.filter(government=government, closed=False, deadline__lt=today).order_by(
            "deadline"
        )
    )
    summaries = {
        (s.period_id, s.unit_id): s
        for s in ReportSummary.objects.filter(government=government, period__in=periods)
    }
    out = []
    for period in periods:
        late = []
        for agency in period.agencies():
            summary = summaries.get((period.pk, agency.pk))
            if summary is None or summary.state in (State.DRAFT, State.APPROVED, State.RETURNED):
                late.append(BoardLine(agency, summary, status_of(summary)))
        if late:
            out.append((period, late))
    return out


# The orders of the maturity overview: by agency, or by one of the summary's figures (highest
# first, agencies without it last).
OVERVIEW_SORTS = ("agency", "own_level", "verified_level", "score", "verified_score")


def maturity_overview(user: Any, period: Period, sort: str) -> dict[str, Any]:
    """Per agency the user sees: its report's state, the Tabel 2 figures per indicator, the
    levels and the instrument's totals, all from the summaries; and over the agencies with a
    report, how many meet each indicator and the average levels and scores."""
    lines = lines_of(user, period)
    if sort in OVERVIEW_SORTS[1:]:

        def key(line: BoardLine) -> tuple[bool, int, str]:
            value = getattr(line.summary, sort) if line.summary else None
            return (value is None, -(value or 0), line.agency.path)

        lines.sort(key=key)
    reported = [line.summary for line in lines if line.summary is not None]
    maturity = rules.book_of(period).monev.maturity
    # The period's maturity indicators and how many evidence items each has (none: no table).
    sizes = {i.number: len(i.evidence) for i in maturity.indicators} if maturity else {}
    for line in lines:
        s = line.summary
        line.figures = (
            [(n, own, verified, sizes[n]) for n, own, verified in s.per_indicator() if n in sizes]
            if s
            else []
        )
    totals: dict[str, Any] = {
        "reports": len(reported),
        # per indicator: the agencies that meet it by their answers, and verified
        "indicators": [
            (
                number,
                sum(1 for s in reported if s.own_items.get(str(number)) == full),
                sum(1 for s in reported if s.verified_items.get(str(number)) == full),
            )
            for number, full in sizes.items()
        ],
    }
    for name in ("own_level", "verified_level", "score", "verified_score", "max_score"):
        given = [getattr(s, name) for s in reported if getattr(s, name) is not None]
        totals[name] = round(sum(given) / len(given), 2) if given else None
    return {"lines": lines, "totals": totals, "sort": sort if sort in OVERVIEW_SORTS else "agency"}


def versions_of(report: Report) -> list[ReportVersion]:
    return list(report.versions.order_by("number"))


def version_content(version: ReportVersion) -> dict[str, Any]:
    return json.loads(version.canonical)


def is_frozen(report: Report) -> bool:
    return report.state in FROZEN


def changed_since_submitted(report: Report, version: ReportVersion | None = None) -> set[str]:
    """Keys of the rows whose cited activity was edited after the submission (issue 17): per
    row, the latest submitted version that cites it (or ``version``), in one query for the
    whole report, whatever its number of rows."""
    cited = CitedActivity.objects.filter(government_id=report.government_id)
    cited = cited.filter(version=version) if version else cited.filter(version__report=report)
    latest: dict[str, tuple[int, bool]] = {}
    for number, key, then, now in cited.values_list(
        "version__number", "row_key", "activity_changed_at", "activity__updated_at"
    ):
        # A grouped row (issue 19) cites several activities: changed when any of them is.
        known = latest.get(str(key))
        if known is None or known[0] < number:
            latest[str(key)] = (number, now > then)
        elif known[0] == number:
            latest[str(key)] = (number, known[1] or now > then)
    return {key for key, (_number, changed) in latest.items() if changed}


def city_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Between two versions of the city report: the agency reports added, taken up in another
    version of theirs, or no longer held."""
    before = {item["unit"]["code"]: item for item in old.get("reports", [])}
    after = {item["unit"]["code"]: item for item in new.get("reports", [])}
    changes = []
    for code, item in after.items():
        if code not in before:
            changes.append({"agency": item["unit"]["name"], "change": "added", "new": item})
        elif before[code]["sha256"] != item["sha256"]:
            changes.append(
                {
                    "agency": item["unit"]["name"],
                    "change": "changed",
                    "old": before[code],
                    "new": item,
                }
            )
    for code, item in before.items():
        if code not in after:
            changes.append({"agency": item["unit"]["name"], "change": "removed", "old": item})
    return changes


def follow_ups_of(user: Any, government: Government) -> QuerySet[FollowUp]:
    """The follow-ups the user may read: every agency's for the city team and leadership, an
    agency's own for its people."""
    return FollowUp.objects.visible_to(user).filter(government=government)
