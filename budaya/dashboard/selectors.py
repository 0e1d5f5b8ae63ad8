"""The figures of the leadership dashboard (issue 20 item 3), read from the maintained
aggregates only, never from the activity log: the monitoring reports' ``ReportSummary``
(``budaya/monev/aggregates.py``), the activities' ``ActivityMonth`` and the obligations board
built on it (``budaya/activities/selectors.py``), and the teams' compliance board
(``budaya/teams/selectors.py``). The number of queries does not grow with the agencies.

Activities by core value (issue 25) come from ``ActivityValueMonth``, kept beside
``ActivityMonth`` by the activity services.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.accounts.models import Role
from budaya.activities import selectors as activities
from budaya.activities.models import ActivityForm, ActivityMonth, ActivityValueMonth
from budaya.monev import rules
from budaya.monev import selectors as monev
from budaya.monev.models import Period, PeriodUnit, ReportSummary
from budaya.org.models import Government, Unit
from budaya.rulebook.document import Maturity
from budaya.teams import selectors as teams

# Who reads the dashboard: the city roles read every agency, an agency head their own
# agency against the city.
READERS = (Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD)
CITY_ROLES = (Role.CITY_ADMIN, Role.LEADERSHIP)
# A maturity level below this is "low" in the list of agencies behind.
LOW_LEVEL = 2
# How many past periods the on-time chart compares.
PERIODS_COMPARED = 6
# How many years the year-on-year trend shows.
YEARS_COMPARED = 5


def governments_read_by(user: Any) -> QuerySet[Government]:
    return Government.objects.visible_to(user, roles=list(READERS))


def reads(user: Any, government: Government) -> bool:
    return governments_read_by(user).filter(pk=government.pk).exists()


def sees_city(user: Any, government: Government) -> bool:
    return (
        Government.objects.visible_to(user, roles=list(CITY_ROLES))
        .filter(pk=government.pk)
        .exists()
    )


def choose_period(periods: list[Period], raw: str) -> Period | None:
    """The period asked for, else the latest (by year and deadline)."""
    if raw.isdigit():
        found = next((p for p in periods if p.pk == int(raw)), None)
        if found is not None:
            return found
    return max(periods, key=lambda p: (p.year, p.deadline), default=None)


@dataclass
class Reason:
    text: str
    url: str


@dataclass
class Behind:
    agency: Unit
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class AgencyLine:
    agency: Unit
    summary: ReportSummary | None
    status: str
    late: bool
    obligations: Any = None  # the obligations board's row total (a Tally) or None
    team_problems: list[tuple[str, Any]] = field(default_factory=list)


def _agency_id(path: str) -> int | None:
    """The outermost unit of a materialised path ("12/40/" → 12)."""
    first = path.split("/", 1)[0]
    return int(first) if first.isdigit() else None


def _activity_rows(
    government: Government, start: datetime.date, end: datetime.date
) -> list[tuple[str, int, int]]:
    """(unit path, form id, activities done) over the months of [start, end], from
    ``ActivityMonth`` (one row per unit, form and month, not per activity)."""
    return list(
        ActivityMonth.objects.filter(
            government=government, month__gte=start.replace(day=1), month__lte=end
        )
        .values_list("unit__path", "form_id")
        .annotate(total=Sum("done"))
        .order_by()
    )


@dataclass(frozen=True)
class ValueRef:
    """A core value as the dashboard names it (from the aggregate's own query)."""

    pk: int
    name: str


def _value_rows(
    government: Government, start: datetime.date, end: datetime.date
) -> list[tuple[str, int, str, int, int, int]]:
    """(unit path, value id, value name, version id, order, activities done) over the months of
    [start, end], from ``ActivityValueMonth`` (issue 25; one row per unit, value and month)."""
    return list(
        ActivityValueMonth.objects.filter(
            government=government, month__gte=start.replace(day=1), month__lte=end
        )
        .values_list("unit__path", "value_id", "value__name", "value__version_id", "value__order")
        .annotate(total=Sum("done"))
        .order_by()
    )


def _by_value(
    government: Government, start: datetime.date, end: datetime.date, shown_ids: set[int]
) -> tuple[list[ValueRef], dict[tuple[int, int], int]]:
    """The values with activities of the agencies shown, in the framework's order, and the
    activities done per (agency id, value id)."""
    heat: dict[tuple[int, int], int] = defaultdict(int)
    names: dict[int, tuple[int, int, str]] = {}
    for path, value_id, name, version_id, order, total in _value_rows(government, start, end):
        agency_id = _agency_id(path)
        if agency_id in shown_ids and total:
            heat[(agency_id, value_id)] += total
            names[value_id] = (version_id, order, name)
    values = [
        ValueRef(pk, name)
        for pk, (_version, _order, name) in sorted(names.items(), key=lambda item: item[1])
    ]
    return values, heat


def _years(
    government: Government, agencies: set[int], today: datetime.date
) -> list[tuple[int, int]]:
    """(year, activities done) of the last years, for the agencies shown."""
    first = datetime.date(today.year - YEARS_COMPARED + 1, 1, 1)
    rows = (
        ActivityMonth.objects.filter(government=government, month__gte=first)
        .annotate(year=ExtractYear("month"))
        .values_list("year", "unit__path")
        .annotate(total=Sum("done"))
        .order_by()
    )
    totals: dict[int, int] = defaultdict(int)
    for year, path, total in rows:
        if _agency_id(path) in agencies:
            totals[year] += total
    return [(year, totals.get(year, 0)) for year in range(first.year, today.year + 1)]


def _on_time(government: Government, periods: list[Period]) -> list[tuple[Period, int, int]]:
    """Per period (latest last): the reports submitted by the deadline, and the agencies
    expected to report (the period's chosen units, else the active agencies)."""
    chosen = sorted(periods, key=lambda p: (p.year, p.deadline))[-PERIODS_COMPARED:]
    deadlines = {period.pk: period.deadline for period in chosen}
    submitted: dict[int, int] = defaultdict(int)
    for period_id, at in ReportSummary.objects.filter(
        government=government, period__in=chosen, submitted_at__isnull=False
    ).values_list("period_id", "submitted_at"):
        submitted[period_id] += timezone.localdate(at) <= deadlines[period_id]
    units = dict(
        PeriodUnit.objects.filter(government=government, period__in=chosen)
        .values("period_id")
        .annotate(count=Count("pk"))
        .values_list("period_id", "count")
    )
    agencies = Unit.objects.filter(
        government=government, parent__isnull=True, active_to__isnull=True
    ).count()
    return [
        (
            period,
            submitted.get(period.pk, 0),
            (units.get(period.pk) if period.kind == Period.Kind.KHUSUS else None) or agencies,
        )
        for period in chosen
    ]


def dashboard(
    user: Any, government: Government, *, period: Period | None, kind: str, today: datetime.date
) -> dict[str, Any]:
    """Every figure of the dashboard for the agencies the user reads (all of them for the city
    roles, the own agency for an agency head) of the chosen kind, with the city's figures
    beside an agency head's own."""
    city = sees_city(user, government)
    year = period.year if period else today.year
    start = period.starts_on if period else datetime.date(year, 1, 1)
    end = period.ends_on if period else datetime.date(year, 12, 31)
    every = (
        list(period.agencies())
        if period
        else [
            unit
            for unit in Unit.objects.filter(
                government=government, parent__isnull=True, active_to__isnull=True
            ).order_by("path")
        ]
    )
    if kind:
        every = [agency for agency in every if agency.kind == kind]
    own = {agency.pk for agency in activities.agencies_for(user, government)}
    shown = every if city else [agency for agency in every if agency.pk in own]
    shown_ids = {agency.pk for agency in shown}

    # Monitoring reports: the summaries of the period (status, maturity, on time).
    summaries = (
        {s.unit_id: s for s in ReportSummary.objects.filter(government=government, period=period)}
        if period
        else {}
    )
    past_deadline = period is not None and period.deadline < today
    lines = []
    for agency in every:
        summary = summaries.get(agency.pk)
        status = monev.status_of(summary)
        lines.append(
            AgencyLine(
                agency,
                summary,
                status,
                late=past_deadline and status in ("not_started", "draft", "returned"),
            )
        )
    counts = {
        status: sum(1 for line in lines if line.status == status and line.agency.pk in shown_ids)
        for status in monev.BOARD_ORDER
    }
    reported = [line.summary for line in lines if line.summary]
    levels = {
        "own": _average([s.own_level for s in reported]),
        "verified": _average([s.verified_level for s in reported if s.verified_level is not None]),
    }

    # Obligations: done against due per month of the period's year (the obligations board).
    board = activities.compliance_board(user, government, year, None, today)
    by_agency = {row.agency.pk: row.total for row in board.rows}
    # Teams: the compliance board's problems, per agency (by name, as the board groups them).
    team_board = teams.compliance(government, today)
    problems = dict(team_board.by_agency())
    for line in lines:
        line.obligations = by_agency.get(line.agency.pk)
        line.team_problems = problems.get(line.agency.name, [])

    # Activities: per agency and form over the period's months.
    forms = list(ActivityForm.objects.filter(government=government).order_by("order", "name"))
    heat: dict[tuple[int, int], int] = defaultdict(int)
    for path, form_id, total in _activity_rows(government, start, end):
        agency_id = _agency_id(path)
        if agency_id in shown_ids:
            heat[(agency_id, form_id)] += total
    by_form = {form.pk: sum(heat.get((a, form.pk), 0) for a in shown_ids) for form in forms}
    used_forms = [form for form in forms if by_form[form.pk]]
    shown_lines = [line for line in lines if line.agency.pk in shown_ids]
    # Activities by value (issue 25): per agency and value over the period's months.
    values, value_heat = _by_value(government, start, end, shown_ids)
    by_value = {
        value.pk: sum(value_heat.get((a, value.pk), 0) for a in shown_ids) for value in values
    }
    return {
        "city": city,
        "year": year,
        "start": start,
        "end": end,
        "lines": shown_lines,
        "counts": counts,
        "levels": levels,
        "on_time": _on_time(government, list(monev.periods_of(user, government))),
        "obligations": board,
        "team_board": team_board,
        "forms": used_forms,
        "by_form": by_form,
        "heat": [
            (line.agency, [(form, heat.get((line.agency.pk, form.pk), 0)) for form in used_forms])
            for line in shown_lines
        ],
        "heat_max": max(heat.values(), default=0),
        "values": values,
        "by_value": by_value,
        "value_heat": [
            (
                line.agency,
                [(value, value_heat.get((line.agency.pk, value.pk), 0)) for value in values],
            )
            for line in shown_lines
        ],
        "value_heat_max": max(value_heat.values(), default=0),
        "years": _years(government, shown_ids, today),
        "behind": behind(shown_lines, period, government.slug),
        "maximum_level": _maximum_level(period),
    }


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _maturity(period: Period | None) -> Maturity | None:
    """The maturity table of the period's rulebook; None where it sets none (no levels)."""
    maturity = rules.book_of(period).monev.maturity if period else None
    return maturity if maturity and maturity.indicators else None


def _maximum_level(period: Period | None) -> int:
    maturity = _maturity(period)
    return len(maturity.indicators) if maturity else 4


def behind(lines: list[AgencyLine], period: Period | None, slug: str) -> list[Behind]:
    """The agencies behind, on what and why: no report, late, low maturity, obligations missed,
    team problems; each reason with the link to its rows. Most reasons first."""
    found = []
    # A government whose rulebook sets no maturity levels gets no maturity warning; the words
    # are the rulebook's.
    maturity = _maturity(period)
    for line in lines:
        agency = line.agency
        entry = Behind(agency)
        if period is not None:
            board_url = reverse("monev:board", args=[slug, period.pk])
            if line.summary is None:
                entry.reasons.append(
                    Reason(
                        _("No report for %(period)s (deadline %(deadline)s).")
                        % {
                            "period": period.title,
                            "deadline": period.deadline.strftime("%d-%m-%Y"),
                        },
                        board_url,
                    )
                )
            elif line.late:
                entry.reasons.append(
                    Reason(
                        _("Report not submitted by the deadline %(deadline)s (%(status)s).")
                        % {
                            "deadline": period.deadline.strftime("%d-%m-%Y"),
                            "status": line.summary.get_state_display(),
                        },
                        reverse("monev:report", args=[slug, line.summary.report_id]),
                    )
                )
            if (
                maturity is not None
                and line.summary is not None
                and line.summary.own_level < LOW_LEVEL
            ):
                entry.reasons.append(
                    Reason(
                        _("Low level on %(table)s: %(level)s of %(maximum)s.")
                        % {
                            "table": maturity.title,
                            "level": line.summary.own_level,
                            "maximum": len(maturity.indicators),
                        },
                        reverse("monev:report", args=[slug, line.summary.report_id]),
                    )
                )
        if line.obligations is not None and line.obligations.missed > 0:
            entry.reasons.append(
                Reason(
                    _("%(missed)s of %(due)s obligations missed this year.")
                    % {"missed": line.obligations.missed, "due": line.obligations.due},
                    reverse("activities:compliance", args=[slug]),
                )
            )
        if line.team_problems:
            entry.reasons.append(
                Reason(
                    _("Teams: %(problems)s.")
                    % {
                        "problems": ", ".join(
                            sorted({str(label) for label, _l in line.team_problems})
                        )
                    },
                    reverse("teams:compliance", args=[slug]),
                )
            )
        if entry.reasons:
            found.append(entry)
    found.sort(key=lambda entry: (-len(entry.reasons), entry.agency.path))
    return found
