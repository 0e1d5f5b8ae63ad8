"""The maintained aggregates of the activity log: ``ActivityMonth``, one row per unit, form and
month with the number of done activities and the days on which one was done, and (issue 25)
``ActivityValueMonth``, one row per unit, value and month with the number of done activities
that addressed the value.

The services of this app keep them in the transaction that records, changes or deletes an
activity: recording adds one to its cell with a single upsert (``INSERT ... ON CONFLICT DO
UPDATE SET done = done + 1, days = days | bit``; concurrent recordings in the same cell
serialise on the row and none is lost) and one to each of its values' cells with another (one
statement for all its values); an activity that leaves a cell (deleted, moved, no longer done)
has its form's cell recounted from the log under the row's lock and one taken from its values'
cells. ``rebuild(government)`` recomputes every row from the log (after a bulk load);
``drift(government)`` compares the maintained rows with a recount (``manage.py
rebuild_aggregates --check``). Pages read the aggregates (``selectors.done_dates``, the
dashboard), never the whole log of a year.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet

from budaya import bulk
from budaya.activities.models import Activity, ActivityMonth, ActivityValue, ActivityValueMonth
from budaya.org.models import Government

# (government id, unit id, form id, first day of the month)
Cell = tuple[int, int, int, datetime.date]
# (government id, unit id, first day of the month): the values' cells of a done activity
ValueCell = tuple[int, int, datetime.date]


def cell_of(activity: Activity) -> Cell | None:
    """The cell a done activity counts in (None for a planned one)."""
    if activity.status != Activity.Status.DONE:
        return None
    month = activity.date.replace(day=1)
    return (activity.government_id, activity.unit_id, activity.form_id, month)


def bit(day: datetime.date) -> int:
    return 1 << (day.day - 1)


def dates_in(month: datetime.date, days: int) -> Iterator[datetime.date]:
    """The days of ``month`` whose bit is set in ``days``."""
    for number in range(1, calendar.monthrange(month.year, month.month)[1] + 1):
        if days & (1 << (number - 1)):
            yield month.replace(day=number)


def _row(cell: Cell) -> QuerySet[ActivityMonth]:
    government_id, unit_id, form_id, month = cell
    return ActivityMonth.objects.filter(
        government_id=government_id, unit_id=unit_id, form_id=form_id, month=month
    )


def _upsert(
    model: Any, keys: Sequence[str], rows: Sequence[Sequence[Any]], bits: bool = False
) -> None:
    if rows:
        bulk.together([_upsert_statement(model, keys, rows, bits)])


def _upsert_statement(
    model: Any, keys: Sequence[str], rows: Sequence[Sequence[Any]], bits: bool = False
) -> bulk.Statement:
    """Add each row's ``done`` (and OR its ``days`` when ``bits``) to the row of its key, made
    when missing: one ``INSERT ... ON CONFLICT DO UPDATE`` for all of them (PostgreSQL and
    SQLite alike; the key is the model's unique constraint)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*keys, "done", *(["days"] if bits else [])]
    changes = [f"done = {table}.done + excluded.done"]
    if bits:
        changes.append(f"days = {table}.days | excluded.days")
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    adapt = connection.ops.adapt_datefield_value
    parameters = [
        adapt(value) if isinstance(value, datetime.date) else value for row in rows for value in row
    ]
    # Identifiers come from the models, never from input; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(name) for name in columns)}) "  # noqa: S608
        f"VALUES {placeholders} "
        f"ON CONFLICT ({', '.join(quote(name) for name in keys)}) "
        f"DO UPDATE SET {', '.join(changes)}"
    )
    return sql, parameters


MONTH_KEY = ("government_id", "unit_id", "form_id", "month")
VALUE_KEY = ("government_id", "unit_id", "value_id", "month")


def _add(cell: Cell, day: datetime.date) -> None:
    _upsert(ActivityMonth, MONTH_KEY, [(*cell, 1, bit(day))], bits=True)


def value_cell_of(activity: Activity) -> ValueCell | None:
    """The cell (unit and month) a done activity counts in for its values (None if planned)."""
    if activity.status != Activity.Status.DONE:
        return None
    return (activity.government_id, activity.unit_id, activity.date.replace(day=1))


def _add_values(cell: ValueCell, values: Iterable[int]) -> None:
    government_id, unit_id, month = cell
    _upsert(
        ActivityValueMonth,
        VALUE_KEY,
        [(government_id, unit_id, value, month, 1) for value in sorted(set(values))],
    )


def _take_values(cell: ValueCell, values: Iterable[int]) -> None:
    """One activity fewer in each of the values' cells; a cell that counts none goes."""
    wanted = sorted(set(values))
    if not wanted:
        return
    government_id, unit_id, month = cell
    rows = ActivityValueMonth.objects.filter(
        government_id=government_id, unit_id=unit_id, month=month, value_id__in=wanted
    )
    rows.filter(done__lte=1).delete()
    rows.filter(done__gt=1).update(done=F("done") - 1)


def _recount(cell: Cell) -> None:
    """Recompute one cell from the log, its row locked first: a concurrent recording either
    committed before (and is read here) or adds itself after this commits."""
    row = _row(cell).select_for_update().order_by("pk").first()
    government_id, unit_id, form_id, month = cell
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    dates = list(
        Activity.objects.filter(
            government_id=government_id,
            unit_id=unit_id,
            form_id=form_id,
            status=Activity.Status.DONE,
            date__gte=month,
            date__lte=last,
        ).values_list("date", flat=True)
    )
    days = 0
    for day in dates:
        days |= bit(day)
    if not dates:
        if row is not None:
            row.delete()
    elif row is None:
        ActivityMonth.objects.create(
            government_id=government_id,
            unit_id=unit_id,
            form_id=form_id,
            month=month,
            done=len(dates),
            days=days,
        )
    else:
        row.done, row.days = len(dates), days
        row.save(update_fields=["done", "days"])


def recorded(activity: Activity, values: Iterable[int] = ()) -> list[bulk.Statement]:
    """A new activity (``values``: the ids of the values it addressed): the statements that
    count it in its cells if done, one upsert for its form's cell and one for its values'. The
    caller runs them (``create_activity`` sends them with the audit chain's lock, in one round
    trip on PostgreSQL: the cells' locks come before the chain's in every activity write)."""
    statements = []
    cell = cell_of(activity)
    if cell is not None:
        statements.append(
            _upsert_statement(ActivityMonth, MONTH_KEY, [(*cell, 1, bit(activity.date))], True)
        )
    value_cell = value_cell_of(activity)
    wanted = sorted(set(values))
    if value_cell is not None and wanted:
        government_id, unit_id, month = value_cell
        rows = [(government_id, unit_id, value, month, 1) for value in wanted]
        statements.append(_upsert_statement(ActivityValueMonth, VALUE_KEY, rows))
    return statements


def changed(
    before: Activity,
    after: Activity,
    before_values: Iterable[int] = (),
    after_values: Iterable[int] = (),
) -> None:
    """An activity changed (``before``: as stored before the change, with the values it had):
    the cell it left is recounted, the cell it entered counts it. Moving between two cells
    locks both first, in key order (one upsert adding nothing, which moves no government
    month), then moves them in the order of their months: each move also locks its
    government's month (the rollup's trigger), and a recording locks its cell before its
    month, so no two writes can wait for each other's cell and month."""
    old, new = cell_of(before), cell_of(after)
    steps: list[tuple[Cell, bool]] = []
    if old is not None and (old != new or before.date != after.date):
        steps.append((old, False))
    if new is not None and new != old:
        steps.append((new, True))
    if len(steps) > 1:
        _upsert(ActivityMonth, MONTH_KEY, [(*cell, 0, 0) for cell, _ in sorted(steps)], bits=True)
    for cell, adding in sorted(steps, key=lambda step: (step[0][3], step[0])):
        if adding:
            _add(cell, after.date)
        else:
            _recount(cell)
    old_values, new_values = set(before_values), set(after_values)
    old_cell, new_cell = value_cell_of(before), value_cell_of(after)
    if old_cell == new_cell:  # the same cell (or none): only the values that changed
        moves = [
            (old_cell, False, old_values - new_values),
            (old_cell, True, new_values - old_values),
        ]
    else:
        moves = [(old_cell, False, old_values), (new_cell, True, new_values)]
    for value_cell, adding, values in sorted(
        ((c, a, v) for c, a, v in moves if c is not None and v),
        key=lambda move: (move[0], move[1]),
    ):
        (_add_values if adding else _take_values)(value_cell, values)


def deleted(activity: Activity, values: Iterable[int] = ()) -> None:
    """An activity was deleted (with the values it had addressed): its cells follow."""
    cell = cell_of(activity)
    if cell is not None:
        _recount(cell)
    value_cell = value_cell_of(activity)
    if value_cell is not None:
        _take_values(value_cell, values)


def _recomputed_months(government: Government) -> dict[Cell, list[int]]:
    cells: dict[Cell, list[int]] = defaultdict(lambda: [0, 0])
    grouped = (
        Activity.objects.filter(government=government, status=Activity.Status.DONE)
        .values_list("unit_id", "form_id", "date")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for unit_id, form_id, day, count in grouped.iterator(chunk_size=5000):
        figures = cells[(government.pk, unit_id, form_id, day.replace(day=1))]
        figures[0] += count
        figures[1] |= bit(day)
    return cells


def _recomputed_values(government: Government) -> dict[tuple[int, int, datetime.date], int]:
    """(unit id, value id, month) -> done activities that addressed the value, from the log."""
    cells: dict[tuple[int, int, datetime.date], int] = defaultdict(int)
    grouped = (
        ActivityValue.objects.filter(government=government, activity__status=Activity.Status.DONE)
        .values_list("activity__unit_id", "value_id", "activity__date")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for unit_id, value_id, day, count in grouped.iterator(chunk_size=5000):
        cells[(unit_id, value_id, day.replace(day=1))] += count
    return cells


@transaction.atomic
def rebuild(government: Government) -> int:
    """Recompute the government's ``ActivityMonth`` and ``ActivityValueMonth`` rows from its
    activity log; returns how many ``ActivityMonth`` rows it holds."""
    cells = _recomputed_months(government)
    ActivityMonth.objects.filter(government=government).delete()
    ActivityMonth.objects.bulk_create(
        (
            ActivityMonth(
                government=government,
                unit_id=unit_id,
                form_id=form_id,
                month=month,
                done=done,
                days=days,
            )
            for (_g, unit_id, form_id, month), (done, days) in cells.items()
        ),
        batch_size=2000,
    )
    rebuild_values(government)
    return len(cells)


@transaction.atomic
def rebuild_values(government: Government) -> int:
    """Recompute the government's ``ActivityValueMonth`` rows; returns how many it holds."""
    cells = _recomputed_values(government)
    ActivityValueMonth.objects.filter(government=government).delete()
    ActivityValueMonth.objects.bulk_create(
        (
            ActivityValueMonth(
                government=government, unit_id=unit_id, value_id=value_id, month=month, done=done
            )
            for (unit_id, value_id, month), done in cells.items()
        ),
        batch_size=2000,
    )
    return len(cells)


def drift(government: Government) -> list[str]:
    """Where the maintained rows differ from a recount of the log (empty: none), each as
    "table (key): maintained ..., recounted ..."."""
    found: list[str] = []
    months = {
        (g, u, f, m): [done, days] for (g, u, f, m), (done, days) in
        _recomputed_months(government).items()
    }  # fmt: skip
    kept = {
        (government.pk, u, f, m): [done, days]
        for u, f, m, done, days in ActivityMonth.objects.filter(government=government).values_list(
            "unit_id", "form_id", "month", "done", "days"
        )
    }
    for key in sorted(set(months) | set(kept), key=str):
        if months.get(key) != kept.get(key):
            found.append(
                f"ActivityMonth (unit {key[1]}, form {key[2]}, {key[3]}): maintained "
                f"{kept.get(key)}, recounted {months.get(key)}"
            )
    values = _recomputed_values(government)
    kept_values = {
        (u, v, m): done
        for u, v, m, done in ActivityValueMonth.objects.filter(government=government).values_list(
            "unit_id", "value_id", "month", "done"
        )
    }
    for value_key in sorted(set(values) | set(kept_values), key=str):
        if values.get(value_key) != kept_values.get(value_key):
            unit_id, value_id, month = value_key
            found.append(
                f"ActivityValueMonth (unit {unit_id}, value {value_id}, {month}): maintained "
                f"{kept_values.get(value_key)}, recounted {values.get(value_key)}"
            )
    return found
