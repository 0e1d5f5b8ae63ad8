"""The maintained aggregate of the activity log: ``ActivityMonth``, one row per unit, form and
month with the number of done activities and the days on which one was done.

The services of this app keep it in the transaction that records, changes or deletes an
activity: recording adds one with a single ``UPDATE ... SET done = done + 1, days = days | bit``
(concurrent recordings in the same cell serialise on the row and none is lost); an activity that
leaves a cell (deleted, moved, no longer done) has the cell recounted from the log under the
row's lock. ``rebuild(government)`` recomputes every row from the log (after a bulk load).
Pages read the aggregate (``selectors.done_dates``), never the whole log of a year.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet

from budaya.activities.models import Activity, ActivityMonth
from budaya.org.models import Government

# (government id, unit id, form id, first day of the month)
Cell = tuple[int, int, int, datetime.date]


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


def _add(cell: Cell, day: datetime.date) -> None:
    changes = {"done": F("done") + 1, "days": F("days").bitor(bit(day))}
    if _row(cell).update(**changes):
        return
    government_id, unit_id, form_id, month = cell
    try:
        with transaction.atomic():
            ActivityMonth.objects.create(
                government_id=government_id,
                unit_id=unit_id,
                form_id=form_id,
                month=month,
                done=1,
                days=bit(day),
            )
    except IntegrityError:  # another transaction made the row meanwhile
        _row(cell).update(**changes)


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


def recorded(activity: Activity) -> None:
    """A new activity: counted in its cell if done."""
    cell = cell_of(activity)
    if cell is not None:
        _add(cell, activity.date)


def changed(before: Activity, after: Activity) -> None:
    """An activity changed (``before``: as stored before the change): the cell it left is
    recounted, the cell it entered counts it. Cells are touched in key order, so two changes
    moving activities between the same cells in opposite directions cannot deadlock."""
    old, new = cell_of(before), cell_of(after)
    steps: list[tuple[Cell, bool]] = []
    if old is not None and (old != new or before.date != after.date):
        steps.append((old, False))
    if new is not None and new != old:
        steps.append((new, True))
    for cell, adding in sorted(steps, key=lambda step: step[0]):
        if adding:
            _add(cell, after.date)
        else:
            _recount(cell)


def deleted(activity: Activity) -> None:
    """An activity was deleted: its cell is recounted."""
    cell = cell_of(activity)
    if cell is not None:
        _recount(cell)


@transaction.atomic
def rebuild(government: Government) -> int:
    """Recompute the government's ``ActivityMonth`` rows from its activity log; returns how
    many rows it holds."""
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
    return len(cells)
