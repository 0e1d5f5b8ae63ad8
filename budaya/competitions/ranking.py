"""The ranking of a competition's entries from the jury's scores, with ties explained.

Each judge's total of an entry is the weighted sum of their scores: Σ weight × score / 5, so a
judge who gives every criterion 5 gives 100. The raw total of an entry is the mean of the totals
of the judges who scored every criterion of it; it decides the rank. Beside it, when the
competition asks for it, the normalised score: each judge's totals turned into z-scores over the
entries that judge scored (a lenient and a strict judge weigh the same), averaged per entry.

Ties on the raw total (to two decimals) are broken by the normalised score, then by the score on
the heaviest criterion; entries equal on all three share the rank. Every tie says how it was
decided.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from budaya.competitions.models import MAX_SCORE

TWO = Decimal("0.01")


@dataclass
class Line:
    entry: Any
    raw: Decimal | None = None
    normalised: float | None = None
    heaviest: Decimal | None = None
    judges: int = 0
    rank: int | None = None
    tie: str = ""
    by_judge: dict[int, Decimal] = field(default_factory=dict)
    # Each judge's z-score of the entry (over the entries that judge scored), as ``by_judge``.
    z_by_judge: dict[int, float] = field(default_factory=dict)


def judge_totals(scores: Iterable[Any], criteria: list[Any]) -> dict[tuple[int, int], Decimal]:
    """(judge id, entry id) → the judge's weighted total of the entry, for complete scorings."""
    weights = {criterion.pk: criterion.weight for criterion in criteria}
    given: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for score in scores:
        given[(score.judge_id, score.entry_id)][score.criterion_id] = score.value
    return {
        key: (
            sum((Decimal(weights[c]) * values[c] for c in weights), Decimal(0)) / MAX_SCORE
        ).quantize(TWO, ROUND_HALF_UP)
        for key, values in given.items()
        if weights and set(weights) <= set(values)
    }


def _z_scores(totals: dict[tuple[int, int], Decimal]) -> dict[tuple[int, int], float]:
    per_judge: dict[int, list[float]] = defaultdict(list)
    for (judge, _entry), total in totals.items():
        per_judge[judge].append(float(total))
    z: dict[tuple[int, int], float] = {}
    for (judge, entry), total in totals.items():
        values = per_judge[judge]
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        mean = statistics.fmean(values)
        z[(judge, entry)] = (float(total) - mean) / spread if spread else 0.0
    return z


def rank(entries: list[Any], criteria: list[Any], scores: Iterable[Any]) -> list[Line]:
    """The entries of one category, best first, with ranks and tie explanations; entries
    without a complete scoring come last, unranked."""
    scores = list(scores)
    totals = judge_totals(scores, criteria)
    z = _z_scores(totals)
    heaviest = max(criteria, key=lambda c: (c.weight, -c.order, -c.pk), default=None)
    lines = []
    for entry in entries:
        line = Line(entry)
        mine = {judge: total for (judge, e), total in totals.items() if e == entry.pk}
        if mine:
            line.by_judge = mine
            line.z_by_judge = {j: round(z[(j, entry.pk)], 3) for j in mine}
            line.judges = len(mine)
            line.raw = (sum(mine.values(), Decimal(0)) / len(mine)).quantize(TWO, ROUND_HALF_UP)
            line.normalised = round(statistics.fmean(z[(j, entry.pk)] for j in mine), 3)
            if heaviest is not None:
                values = [
                    s.value
                    for s in scores
                    if s.entry_id == entry.pk
                    and s.criterion_id == heaviest.pk
                    and s.judge_id in mine
                ]
                line.heaviest = (Decimal(sum(values)) / len(values)).quantize(TWO, ROUND_HALF_UP)
        lines.append(line)
    scored = sorted(
        (line for line in lines if line.raw is not None),
        key=lambda line: (-line.raw, -(line.normalised or 0.0), -(line.heaviest or 0)),  # type: ignore[operator]
    )
    _explain(scored, heaviest)
    return scored + [line for line in lines if line.raw is None]


def _explain(lines: list[Line], heaviest: Any) -> None:
    for index, line in enumerate(lines):
        if index == 0:
            line.rank = 1
            continue
        before = lines[index - 1]
        if line.raw != before.raw:
            line.rank = index + 1
            continue
        names = {"other": str(before.entry.team), "this": str(line.entry.team)}
        if line.normalised != before.normalised:
            line.rank = index + 1
            before.tie = before.tie or _(
                "Tied on the total with %(this)s; ranked higher on the normalised score."
            ) % {"this": names["this"]}
            line.tie = (
                _("Tied on the total with %(other)s; ranked lower on the normalised score.") % names
            )
        elif line.heaviest != before.heaviest:
            line.rank = index + 1
            criterion = str(heaviest)
            before.tie = before.tie or _(
                "Tied on the total and the normalised score with %(this)s; ranked higher on "
                "the heaviest criterion, %(criterion)s."
            ) % {"this": names["this"], "criterion": criterion}
            line.tie = _(
                "Tied on the total and the normalised score with %(other)s; ranked lower on "
                "the heaviest criterion, %(criterion)s."
            ) % {"other": names["other"], "criterion": criterion}
        else:
            line.rank = before.rank
            before.tie = before.tie or _(
                "Shares the rank with %(other)s: equal on the total, the normalised score and "
                "the heaviest criterion."
            ) % {"other": names["this"]}
            line.tie = _(
                "Shares the rank with %(other)s: equal on the total, the normalised score and "
                "the heaviest criterion."
            ) % {"other": names["other"]}
