"""Scoped reads: activities, evidence, obligations and their compliance, the calendar."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from budaya.accounts.models import Role
from budaya.activities import aggregates
from budaya.activities import obligations as schedule
from budaya.activities.models import (
    Activity,
    ActivityEvidence,
    ActivityForm,
    ActivityMonth,
    Evidence,
    Obligation,
)
from budaya.frameworks.models import CoreValue
from budaya.frameworks.selectors import current_adoptions
from budaya.org.models import Government, Unit
from budaya.org.selectors import units_of

# Who may record activities: the unit team and unit head of the agency, the city administrator.
LOGGING_ROLES = [Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM]


def units_for_logging(user: Any, government: Government) -> QuerySet[Unit]:
    """Active units in which the user may record activities."""
    return (
        Unit.objects.visible_to(user, roles=LOGGING_ROLES)
        .filter(government=government, active_to__isnull=True)
        .order_by("path")
    )


def can_log(user: Any, government: Government) -> bool:
    return units_for_logging(user, government).exists()


def can_change(user: Any, activity: Activity) -> bool:
    return units_for_logging(user, activity.government).filter(pk=activity.unit_id).exists()


def agencies_for(user: Any, government: Government) -> list[Unit]:
    """The outermost units the user sees: every agency for the city roles, the own agency for
    unit roles (or the sub-unit they were granted)."""
    # Sorted here, not by the database: a collation that ignores "/" would put "120/" between
    # "12/" and "12/40/". Sorted by code point, a unit's descendants follow it directly.
    units = sorted(
        units_of(user, government).filter(active_to__isnull=True), key=lambda unit: unit.path
    )
    outermost: list[Unit] = []
    for unit in units:
        if not (outermost and unit.path.startswith(outermost[-1].path)):
            outermost.append(unit)
    return outermost


def current_values(government: Government) -> QuerySet[CoreValue]:
    """The values of the framework version the government has adopted today."""
    adoption = current_adoptions([government]).get(government.pk)
    if adoption is None:
        return CoreValue.objects.none()
    return CoreValue.objects.filter(version_id=adoption.version_id).order_by("order")


def adopted_values(government: Government) -> QuerySet[CoreValue]:
    """The values of every framework version the government has adopted, the latest version
    first: the activity log's filter by value, so an activity recorded under an earlier
    version is still found (the dashboard's activities by value link there, issue 25)."""
    return (
        CoreValue.objects.filter(version__adoptions__government=government)
        .select_related("version")
        .distinct()
        .order_by("-version_id", "order")
    )


def forms_of(government: Government, *, active_only: bool = True) -> QuerySet[ActivityForm]:
    forms = ActivityForm.objects.filter(government=government)
    return forms.filter(active=True) if active_only else forms


# --- Activities --------------------------------------------------------------------------------


def activities_of(
    user: Any, government: Government, filters: dict[str, Any] | None = None
) -> QuerySet[Activity]:
    """The activities the user sees, filtered as on the list page."""
    filters = filters or {}
    activities = (
        Activity.objects.visible_to(user)
        .filter(government=government)
        .select_related("unit", "form")
        .order_by("-date", "-time", "-pk")
    )
    query = (filters.get("q") or "").strip()
    if query:
        activities = activities.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(problems__icontains=query)
            | Q(solutions__icontains=query)
            | Q(participant_names__icontains=query)
        )
    if filters.get("start"):
        activities = activities.filter(date__gte=filters["start"])
    if filters.get("end"):
        activities = activities.filter(date__lte=filters["end"])
    unit = filters.get("unit")
    if unit:
        activities = activities.filter(unit__path__startswith=unit.path)
    if filters.get("form"):
        activities = activities.filter(form=filters["form"])
    if filters.get("value"):
        activities = activities.filter(value_links__value=filters["value"])
    if filters.get("status"):
        activities = activities.filter(status=filters["status"])
    return activities


def page_rows(ids: Any) -> QuerySet[Activity]:
    """The activities of one page of ``ids`` (a slice of ``activities_of(...)`` as primary
    keys), with their unit, form and values, in the list's order. The page's keys are sorted
    first, narrow, and only its 25 rows are read whole (issue 25: sorting an agency's 1,468
    activities with every column took most of the page query)."""
    rows = Activity.objects.filter(pk__in=ids).select_related("unit", "form")
    return with_values(rows.order_by("-date", "-time", "-pk"))


def with_values(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.prefetch_related(
        Prefetch("values", queryset=CoreValue.objects.order_by("order"))
    )


def evidence_of(activity: Activity) -> list[Evidence]:
    links = ActivityEvidence.objects.filter(activity=activity).select_related("evidence")
    return [link.evidence for link in links.order_by("pk")]


def gallery(
    user: Any, government: Government, unit: Unit | None = None
) -> QuerySet[ActivityEvidence]:
    """Picture evidence of activities the user sees, newest first, with its activity."""
    links = (
        ActivityEvidence.objects.visible_to(user)
        .filter(government=government, evidence__content_type__startswith="image/")
        .select_related("evidence", "activity__unit", "activity__form")
        .order_by("-activity__date", "-pk")
    )
    if unit is not None:
        links = links.filter(activity__unit__path__startswith=unit.path)
    return links


# --- Obligations and compliance ------------------------------------------------------------------


def obligations_of(government: Government, *, active_only: bool = False) -> QuerySet[Obligation]:
    obligations = Obligation.objects.filter(government=government).select_related("form")
    return obligations.filter(active=True) if active_only else obligations


def _agency_of(path: str, agency_paths: dict[str, Unit]) -> Unit | None:
    """The agency among ``agency_paths`` whose subtree holds ``path`` ("12/40/": "12/" first)."""
    end = path.find("/")
    while end != -1:
        agency = agency_paths.get(path[: end + 1])
        if agency is not None:
            return agency
        end = path.find("/", end + 1)
    return None


def done_dates(
    agencies: list[Unit], forms: list[int], start: datetime.date, end: datetime.date
) -> dict[tuple[int, int], list[datetime.date]]:
    """(agency id, form id) -> sorted dates of activities done there, read from the maintained
    ``ActivityMonth`` rows (two queries: the government's unit paths, then one row per unit,
    form and month, not per activity)."""
    if not agencies or not forms:
        return {}
    government_id = agencies[0].government_id
    agency_paths = {agency.path: agency for agency in agencies}
    # Each unit's agency from the government's unit paths (by its index), not a join of the
    # aggregate with every unit under one LIKE per agency: PostgreSQL scanned the units of every
    # government in the database for those (issue 25: the cost grew with the province).
    agency_of_unit = {
        unit_id: agency
        for unit_id, path in Unit.objects.filter(government_id=government_id)
        .order_by()
        .values_list("pk", "path")
        if (agency := _agency_of(path, agency_paths)) is not None
    }
    rows = ActivityMonth.objects.filter(
        government_id=government_id,
        form_id__in=forms,
        month__gte=start.replace(day=1),
        month__lte=end,
    ).values_list("unit_id", "form_id", "month", "days")
    # The sub-units' days merged as bits first: each day becomes a date once.
    masks: dict[tuple[int, int], dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, form_id, month, days in rows:
        agency = agency_of_unit.get(unit_id)
        if agency is not None:
            masks[(agency.pk, form_id)][month] |= days
    return {
        key: [
            day
            for month in sorted(months)
            for day in aggregates.dates_in(month, months[month])
            if start <= day <= end
        ]
        for key, months in masks.items()
    }


@dataclass
class BoardRow:
    agency: Unit
    cells: list[schedule.Tally]
    total: schedule.Tally = field(default_factory=schedule.Tally)


@dataclass
class Board:
    year: int
    months: list[datetime.date]
    obligations: list[Obligation]
    rows: list[BoardRow]
    totals: list[schedule.Tally]
    total: schedule.Tally


def compliance_board(
    user: Any,
    government: Government,
    year: int,
    obligation: Obligation | None,
    today: datetime.date,
) -> Board:
    """Agencies × months: occurrences done against due, for one obligation or all of them."""
    agencies = agencies_for(user, government)
    chosen = (
        [obligation]
        if obligation is not None
        else list(obligations_of(government, active_only=True))
    )
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    grace = max((o.grace_days for o in chosen), default=0)
    dates = done_dates(
        agencies,
        sorted({o.form_id for o in chosen}),
        start,
        end + datetime.timedelta(days=grace),
    )
    months = [datetime.date(year, month, 1) for month in range(1, 13)]
    by_month = {
        o.pk: [schedule.occurrences(o, m, schedule.month_end(year, m.month)) for m in months]
        for o in chosen
    }
    rows: list[BoardRow] = []
    totals = [schedule.Tally() for _m in months]
    total = schedule.Tally()
    for agency in agencies:
        row = BoardRow(
            agency,
            [schedule.Tally(first=m, last=schedule.month_end(year, m.month)) for m in months],
        )
        for o in chosen:
            agency_dates = dates.get((agency.pk, o.form_id), [])
            for index, items in enumerate(by_month[o.pk]):
                row.cells[index].add(schedule.tally(items, agency_dates, today))
        for index, cell in enumerate(row.cells):
            row.total.add(cell)
            totals[index].add(cell)
        total.add(row.total)
        rows.append(row)
    return Board(year, months, chosen, rows, totals, total)


@dataclass(frozen=True)
class Upcoming:
    obligation: Obligation
    agency: Unit
    occurrence: schedule.Occurrence


def upcoming(
    user: Any, government: Government, today: datetime.date, *, agencies: list[Unit] | None = None
) -> list[Upcoming]:
    """Occurrences within their reminder window (today … today + days before) not yet done, for
    the agencies the user sees: the in-app side of the reminders."""
    agencies = agencies if agencies is not None else agencies_for(user, government)
    reminded = [o for o in obligations_of(government, active_only=True) if o.remind_days_before]
    if not agencies or not reminded:
        return []
    horizon = today + datetime.timedelta(days=max(o.remind_days_before or 0 for o in reminded))
    grace = max(o.grace_days for o in reminded)
    dates = done_dates(
        agencies,
        sorted({o.form_id for o in reminded}),
        today - datetime.timedelta(days=31),
        horizon + datetime.timedelta(days=grace),
    )
    found: list[Upcoming] = []
    for o in reminded:
        window = today + datetime.timedelta(days=o.remind_days_before or 0)
        for occurrence in schedule.occurrences(o, today, window):
            for agency in agencies:
                if not schedule.is_met(occurrence, dates.get((agency.pk, o.form_id), [])):
                    found.append(Upcoming(o, agency, occurrence))
    found.sort(key=lambda item: (item.occurrence.due_on, item.agency.path))
    return found


# --- Calendar ----------------------------------------------------------------------------------


# A day of the calendar shows this many activities at most, then "+ N lainnya" (its day in the
# activity log): the page's cost is bounded by the days shown, not by how much an agency
# records (an agency recording dozens a day drew thousands of rows).
CALENDAR_PER_DAY = 4


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    activities: list[Activity] = field(default_factory=list)
    due: list[Obligation] = field(default_factory=list)
    more: int = 0  # the day's activities not shown


def calendar_weeks(
    user: Any, government: Government, year: int, month: int, unit: Unit | None
) -> list[list[Day]]:
    """The month as weeks (Monday first) with the first ``CALENDAR_PER_DAY`` activities the
    user sees on each day (by time) and how many more there are, and, for one agency, the
    obligations due on it (daily ones left out). Two queries for the activities: the keys of
    those shown, each row numbered within its day and carrying its day's count (narrow rows:
    a busy agency's six weeks are thousands), then those rows whole."""
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    days = {day: Day(day, day.month == month) for week in weeks_dates for day in week}
    by_time = (F("time").asc(nulls_first=True), F("pk"))
    shown = dict(
        activities_of(user, government, {"start": first, "end": last, "unit": unit})
        .annotate(
            place=Window(RowNumber(), partition_by=F("date"), order_by=by_time),
            on_day=Window(Count("pk"), partition_by=F("date")),
        )
        .filter(place__lte=CALENDAR_PER_DAY)
        .order_by()
        .values_list("pk", "on_day")
    )
    rows = Activity.objects.filter(government=government, pk__in=shown)  # one shard (Citus)
    rows = rows.select_related("unit", "form")
    for activity in rows.order_by("date", *by_time):
        day = days[activity.date]
        day.activities.append(activity)
        day.more = shown[activity.pk] - len(day.activities)
    if unit is not None:
        for o in obligations_of(government, active_only=True):
            if o.frequency == Obligation.Frequency.WORKING_DAYS:
                continue
            for occurrence in schedule.occurrences(o, first, last):
                days[occurrence.due_on].due.append(o)
    return [[days[day] for day in week] for week in weeks_dates]
