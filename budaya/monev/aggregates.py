"""The maintained aggregate of monitoring: ``ReportSummary``, one row per agency report.

Every service that changes what a summary holds (starting a report, each step of the workflow,
the maturity answers and their verification, the scores, removing a question) calls
``refresh(report)`` in its own transaction, after its change: the summary row is locked first,
then recomputed from the report's rows, so two writers of one report follow each other and the
second reads what the first committed. ``rebuild(government)`` recomputes every summary of a
government from the rows (after a bulk load). The completeness board, the overdue list and the
maturity overview read the summaries only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet

from budaya.monev.models import (
    MaturityAnswer,
    Report,
    ReportSummary,
    ReportVersion,
    Score,
    Transition,
)
from budaya.org.models import Government

# (indicator, item, the agency's answer, the verified answer)
Answer = tuple[int, str, bool | None, bool | None]


def consecutive_level(
    answers: dict[tuple[int, str], bool | None], items: dict[int, list[str]]
) -> int:
    """The rulebook's level rule ``consecutive`` (``Maturity.level``) over the indicators and
    evidence items the report was given: from the first indicator, those whose items are all
    met; the count stops at the first one that is not."""
    level = 0
    for number in sorted(items):
        if all(answers.get((number, item)) for item in items[number]):
            level = number
        else:
            break
    return level


def maturity_figures(answers: Iterable[Answer]) -> dict[str, Any]:
    """Per indicator of the report's maturity table (all of them, keyed by number), the items
    answered yes (``own_items``) and verified yes (``verified_items``: an indicator appears once
    all its items are verified); the agency's level and the verified level (None until every
    item is verified). The indicators and items are those the report was given from its
    rulebook's maturity table; a rulebook without one gives none (levels 0 and None)."""
    own: dict[tuple[int, str], bool | None] = {}
    verified: dict[tuple[int, str], bool | None] = {}
    items: dict[int, list[str]] = defaultdict(list)
    for indicator, item, answer, check in answers:
        own[(indicator, item)], verified[(indicator, item)] = answer, check
        items[indicator].append(item)
    own_items: dict[str, int] = {}
    verified_items: dict[str, int] = {}
    for number in sorted(items):
        keys = [(number, item) for item in items[number]]
        own_items[str(number)] = sum(1 for key in keys if own.get(key))
        if all(verified.get(key) is not None for key in keys):
            verified_items[str(number)] = sum(1 for key in keys if verified[key])
    return {
        "own_items": own_items,
        "verified_items": verified_items,
        "own_level": consecutive_level(own, items),
        "verified_level": (
            None
            if not verified or any(value is None for value in verified.values())
            else consecutive_level(verified, items)
        ),
    }


def _total(values: list[int | None]) -> int | None:
    given = [value for value in values if value is not None]
    return sum(given) if given else None


def _build(reports: QuerySet[Report]) -> list[ReportSummary]:
    """The summaries of ``reports``, computed from their rows in five queries."""
    answers: dict[int, list[Answer]] = defaultdict(list)
    for report_id, *answer in MaturityAnswer.objects.filter(report__in=reports).values_list(
        "report_id", "indicator", "item", "answer", "verified"
    ):
        answers[report_id].append(tuple(answer))  # type: ignore[arg-type]
    scores: dict[int, list[tuple[int | None, int | None, int]]] = defaultdict(list)
    for report_id, score, verified, highest in Score.objects.filter(report__in=reports).values_list(
        "report_id", "score", "verified", "question__max_score"
    ):
        scores[report_id].append((score, verified, highest))
    changed = dict(
        Transition.objects.filter(report__in=reports)
        .values("report_id")
        .annotate(last=Max("at"))
        .values_list("report_id", "last")
    )
    submitted = dict(
        ReportVersion.objects.filter(report__in=reports)
        .values("report_id")
        .annotate(last=Max("submitted_at"))
        .values_list("report_id", "last")
    )
    out = []
    for report in reports.values("pk", "government_id", "period_id", "unit_id", "state", "version"):
        pk = report["pk"]
        given = scores.get(pk, [])
        out.append(
            ReportSummary(
                government_id=report["government_id"],
                period_id=report["period_id"],
                unit_id=report["unit_id"],
                report_id=pk,
                state=report["state"],
                version=report["version"],
                changed_at=changed.get(pk),
                submitted_at=submitted.get(pk),
                score=_total([score for score, _v, _h in given]),
                verified_score=_total([verified for _s, verified, _h in given]),
                max_score=sum(highest for _s, _v, highest in given),
                **maturity_figures(answers.get(pk, [])),
            )
        )
    return out


def refresh(report: Report) -> None:
    """Rewrite the report's summary from its rows (call it inside the writing transaction,
    after the change)."""
    current = (
        ReportSummary.objects.select_for_update()
        .filter(government_id=report.government_id, report_id=report.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    (summary,) = _build(Report.objects.filter(government_id=report.government_id, pk=report.pk))
    if current is None:
        summary.save(force_insert=True)
    else:
        summary.pk = current
        summary.save(force_update=True)
    # The period's line of the province and national views, once this commits (issue 20).
    from budaya.dashboard import rollup

    rollup.period_changed(report.period_id)


@transaction.atomic
def rebuild(government: Government) -> int:
    """Recompute every report summary of the government; returns how many there are."""
    summaries = _build(Report.objects.filter(government=government))
    ReportSummary.objects.filter(government=government).delete()
    ReportSummary.objects.bulk_create(summaries, batch_size=1000)
    return len(summaries)
