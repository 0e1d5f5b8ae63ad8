"""Keeping the rollups of the province and national views (issue 20 item 5).

- ``GovernmentMonth``: kept by the database (a row trigger on ``activities.ActivityMonth``,
  migration ``dashboard.0003``): every change of a cell's ``done`` moves its government's month
  by the difference, in the same statement, so the hot write spends no statement of its own on
  it (issue 25 item 2) and no writer of ``ActivityMonth`` can leave it behind. The month's row
  is locked right after the cell's: the activity services touch the cells (then the values'
  cells) before the audit chain's lock, and a write touching two cells locks both before
  moving either (``budaya/activities/aggregates.py``), so every write takes its locks in one
  order: cells, government months (by month), values' cells, the audit chain.
- ``GovernmentPeriod``: every write that changes a report's summary (``monev.aggregates.refresh``)
  asks for ``refresh_period`` once its transaction has committed; the refresh locks the period's
  row, then reads the period's summaries (one line per agency), so of two refreshes the later
  one reads what the earlier one read and more. A process that dies between the commit and the
  refresh leaves the row behind until ``manage.py daily`` (or ``rebuild_aggregates``) recomputes
  it with ``rebuild``; so does a change of the agencies expected (a unit added or closed).

Nothing here reads the activity log: ``rebuild`` sums ``ActivityMonth`` and ``ReportSummary``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from budaya.activities.models import ActivityMonth
from budaya.dashboard.models import GovernmentMonth, GovernmentPeriod
from budaya.monev import selectors as monev
from budaya.monev.models import Period, ReportSummary
from budaya.org.models import Government

# The statuses of the completeness board, as columns of ``GovernmentPeriod``.
STATUSES = monev.BOARD_ORDER


# --- Activities --------------------------------------------------------------------------------

_MONTHS = GovernmentMonth._meta.db_table
_CELLS = ActivityMonth._meta.db_table


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO {_MONTHS} (government_id, month, activities) "
        f"SELECT {row}.government_id, {row}.month, {row}.done WHERE {row}.done > 0 "
        "ON CONFLICT (government_id, month) DO UPDATE "
        "SET activities = activities + excluded.activities;"
    )


def _sqlite_take(row: str) -> str:
    return (
        f"UPDATE {_MONTHS} SET activities = activities - {row}.done "  # noqa: S608
        f"WHERE government_id = {row}.government_id AND month = {row}.month;"
    )


# The trigger that moves ``GovernmentMonth`` with ``ActivityMonth``: a cell's ``done`` added to
# its government's month (the row made when missing), taken from it (the row only updated, never
# made: emptying the tables, as the suite's flush does on SQLite, makes no row). A change that
# leaves a cell's ``done`` as it was touches no government month (and takes no lock on one).
# Identifiers come from the models, never from input.
TRIGGER = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION {_MONTHS}_move(government bigint, day date, delta integer)
        RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF delta > 0 THEN
                INSERT INTO {_MONTHS} AS kept (government_id, month, activities)
                VALUES (government, day, delta)
                ON CONFLICT (government_id, month)
                DO UPDATE SET activities = kept.activities + delta;
            ELSIF delta < 0 THEN
                UPDATE {_MONTHS} SET activities = activities + delta
                WHERE government_id = government AND month = day;
            END IF;
        END $$""",  # noqa: S608
        f"""CREATE OR REPLACE FUNCTION {_MONTHS}_follow() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM {_MONTHS}_move(NEW.government_id, NEW.month, NEW.done);
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM {_MONTHS}_move(OLD.government_id, OLD.month, -OLD.done);
            ELSIF NEW.government_id = OLD.government_id AND NEW.month = OLD.month THEN
                PERFORM {_MONTHS}_move(NEW.government_id, NEW.month, NEW.done - OLD.done);
            ELSE
                PERFORM {_MONTHS}_move(OLD.government_id, OLD.month, -OLD.done);
                PERFORM {_MONTHS}_move(NEW.government_id, NEW.month, NEW.done);
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE OR REPLACE TRIGGER {_MONTHS}_follow AFTER INSERT OR UPDATE OR DELETE "
        f"ON {_CELLS} FOR EACH ROW EXECUTE FUNCTION {_MONTHS}_follow()",
    ],
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS {_MONTHS}_follow_insert AFTER INSERT ON {_CELLS} "
        f"WHEN NEW.done > 0 BEGIN {_sqlite_add('NEW')} END",
        f"CREATE TRIGGER IF NOT EXISTS {_MONTHS}_follow_delete AFTER DELETE ON {_CELLS} "
        f"WHEN OLD.done > 0 BEGIN {_sqlite_take('OLD')} END",
        f"CREATE TRIGGER IF NOT EXISTS {_MONTHS}_follow_update AFTER UPDATE ON {_CELLS} "
        "WHEN NEW.done <> OLD.done OR NEW.government_id <> OLD.government_id "
        "OR NEW.month <> OLD.month "
        f"BEGIN {_sqlite_take('OLD')} {_sqlite_add('NEW')} END",
    ],
}
DROP_TRIGGER = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {_MONTHS}_follow ON {_CELLS}",
        f"DROP FUNCTION IF EXISTS {_MONTHS}_follow()",
        f"DROP FUNCTION IF EXISTS {_MONTHS}_move(bigint, date, integer)",
    ],
    "sqlite": [
        f"DROP TRIGGER IF EXISTS {_MONTHS}_follow_{event}"
        for event in ("insert", "delete", "update")
    ],
}


def _execute(schema_connection: Any, statements: dict[str, list[str]]) -> None:
    if schema_connection.vendor not in statements:
        raise NotImplementedError(f"No rollup trigger for {schema_connection.vendor}.")
    with schema_connection.cursor() as cursor:
        for statement in statements[schema_connection.vendor]:
            cursor.execute(statement)


def install_trigger(schema_connection: Any) -> None:
    """The trigger keeping ``GovernmentMonth``, idempotently (the migration, and after every
    migrate: a migration that alters ``ActivityMonth`` makes SQLite rebuild it without it)."""
    _execute(schema_connection, TRIGGER)


def drop_trigger(schema_connection: Any) -> None:
    _execute(schema_connection, DROP_TRIGGER)


def _rebuild_months(government: Government) -> int:
    totals = (
        ActivityMonth.objects.filter(government=government)
        .values_list("month")
        .annotate(total=Sum("done"))
        .order_by()
    )
    GovernmentMonth.objects.filter(government=government).delete()
    rows = [
        GovernmentMonth(government=government, month=month, activities=total)
        for month, total in totals
        if total
    ]
    GovernmentMonth.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- Monitoring periods ------------------------------------------------------------------------


def period_changed(period_id: int) -> None:
    """A report of the period changed: its figures are recomputed once the transaction commits
    (at once when there is none)."""
    transaction.on_commit(lambda: refresh_period(period_id))


def _figures(period: Period, summaries: Iterable[ReportSummary]) -> dict[str, int]:
    """The period's figures from its summaries, as the leadership dashboard counts them: the
    agencies are the period's (its chosen units, else the active agencies); a report counts on
    time when submitted on or before the deadline's day."""
    expected = set(period.agencies().values_list("pk", flat=True))
    figures = dict.fromkeys(
        [*STATUSES, "on_time", "claimed_total", "claimed_count", "verified_total"], 0
    )
    figures["verified_count"] = 0
    seen = set()
    for summary in summaries:
        if summary.unit_id not in expected:
            continue
        seen.add(summary.unit_id)
        figures[monev.status_of(summary)] += 1
        if summary.submitted_at and timezone.localdate(summary.submitted_at) <= period.deadline:
            figures["on_time"] += 1
        figures["claimed_total"] += summary.own_level
        figures["claimed_count"] += 1
        if summary.verified_level is not None:
            figures["verified_total"] += summary.verified_level
            figures["verified_count"] += 1
    figures["not_started"] += len(expected - seen)
    figures["agencies"] = len(expected)
    return figures


@transaction.atomic
def refresh_period(period_id: int) -> None:
    """Recompute one period's figures (its row locked first)."""
    period = Period.objects.filter(pk=period_id).first()
    if period is None:  # deleted meanwhile: its row went with it
        return
    rows = GovernmentPeriod.objects.filter(government_id=period.government_id, period=period)
    if not rows.select_for_update().exists():
        try:
            with transaction.atomic():
                GovernmentPeriod.objects.create(
                    government_id=period.government_id,
                    period=period,
                    year=period.year,
                    kind=period.kind,
                    deadline=period.deadline,
                )
        except IntegrityError:  # made meanwhile by another refresh
            pass
        rows.select_for_update().exists()
    summaries = ReportSummary.objects.filter(government_id=period.government_id, period=period)
    rows.update(
        year=period.year,
        kind=period.kind,
        deadline=period.deadline,
        refreshed_at=timezone.now(),
        **_figures(period, summaries),
    )


def _rebuild_periods(government: Government) -> int:
    periods = list(Period.objects.filter(government=government))
    by_period: dict[int, list[ReportSummary]] = {period.pk: [] for period in periods}
    for summary in ReportSummary.objects.filter(government=government):
        by_period.setdefault(summary.period_id, []).append(summary)
    GovernmentPeriod.objects.filter(government=government).delete()
    GovernmentPeriod.objects.bulk_create(
        [
            GovernmentPeriod(
                government=government,
                period=period,
                year=period.year,
                kind=period.kind,
                deadline=period.deadline,
                **_figures(period, by_period[period.pk]),
            )
            for period in periods
        ]
    )
    return len(periods)


@transaction.atomic
def rebuild(government: Government) -> tuple[int, int]:
    """Recompute the government's rollups from its maintained aggregates (``ActivityMonth``,
    ``ReportSummary``); returns how many months and periods it holds."""
    return _rebuild_months(government), _rebuild_periods(government)
