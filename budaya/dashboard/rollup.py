"""Keeping the rollups of the province and national views (issue 20 item 5).

- ``GovernmentMonth``: the activity services call ``activities_moved`` in the transaction that
  records, changes or deletes an activity, after its audit entry, with the months the activity
  left and entered (as done): one ``UPDATE ... SET activities = activities + n`` per month
  touched. The row is the last lock the transaction takes (after the government's audit chain),
  so it adds no new order of locks that could deadlock; the writes of one government already
  follow each other on their audit chain.
- ``GovernmentPeriod``: every write that changes a report's summary (``monev.aggregates.refresh``)
  asks for ``refresh_period`` once its transaction has committed; the refresh locks the period's
  row, then reads the period's summaries (one line per agency), so of two refreshes the later
  one reads what the earlier one read and more. A process that dies between the commit and the
  refresh leaves the row behind until ``manage.py daily`` (or ``rebuild_aggregates``) recomputes
  it with ``rebuild``; so does a change of the agencies expected (a unit added or closed).

Nothing here reads the activity log: ``rebuild`` sums ``ActivityMonth`` and ``ReportSummary``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
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


def activities_moved(
    government_id: int, left: datetime.date | None, entered: datetime.date | None
) -> None:
    """A done activity left the month ``left`` (deleted, moved, no longer done) and/or entered
    the month ``entered`` (recorded or changed to done): the government's months follow. Call
    it in the writing transaction, after the audit entry."""
    changes: Counter[datetime.date] = Counter()
    if left is not None:
        changes[left.replace(day=1)] -= 1
    if entered is not None:
        changes[entered.replace(day=1)] += 1
    for month in sorted(changes):
        if changes[month]:
            _move(government_id, month, changes[month])


def _move(government_id: int, month: datetime.date, delta: int) -> None:
    """One statement (the hot write counts its queries, issue 25): the month's row made when
    missing, else moved by ``delta``; the key is the model's unique constraint."""
    quote = connection.ops.quote_name
    table = quote(GovernmentMonth._meta.db_table)
    # Identifiers come from the model, never from input; every value is a parameter.
    sql = (
        f"INSERT INTO {table} (government_id, month, activities) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (government_id, month) DO UPDATE "
        f"SET activities = {table}.activities + %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [government_id, connection.ops.adapt_datefield_value(month), max(delta, 0), delta],
        )


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
