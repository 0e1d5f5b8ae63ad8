"""From the maintained tallies to the released figures of a closed survey (issue 22, Deliver 4
and 5). ``compute_release`` is the only place answers become figures; it applies
``anonymity.release`` to the survey's groups.

An index is the mean answer placed on 0–100 (the lowest point 0, the highest 100), the scale of
the national Indeks BerAKHLAK kept in ``NationalIndex``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from budaya.org.models import Unit
from budaya.surveys import anonymity
from budaya.surveys.models import Figure, Relation, Response, Survey, Tally

ROOT = "all"
Group = tuple[int | None, str]


@dataclass
class Released:
    figures: list[Figure] = field(default_factory=list)
    shown: set[Hashable] = field(default_factory=set)
    # Stored group → the group it is shown in (responses are moved there when the survey closes).
    moves: dict[Group, Group] = field(default_factory=dict)


def index_of(mean: float, points: int) -> float:
    return (mean - 1) / (points - 1) * 100


def summarise(
    counts: dict[str, list[int]], item_values: dict[str, int], points: int
) -> tuple[dict[str, Any], float | None]:
    """Per value: the distribution of answers over the points, the mean and the index; and the
    overall index (the mean of the values' indices)."""
    distributions: dict[int, list[int]] = {}
    for item, row in counts.items():
        value = item_values.get(item)
        if value is None:
            continue
        target = distributions.setdefault(value, [0] * points)
        for position, count in enumerate(row):
            target[position] += count
    values: dict[str, Any] = {}
    for value, distribution in distributions.items():
        total = sum(distribution)
        if not total:
            continue
        mean = sum((p + 1) * c for p, c in enumerate(distribution)) / total
        values[str(value)] = {
            "mean": round(mean, 2),
            "index": round(index_of(mean, points), 1),
            "distribution": distribution,
        }
    indices = [v["index"] for v in values.values()]
    return values, (round(sum(indices) / len(indices), 1) if indices else None)


def _tree(
    survey: Survey, tallies: list[Tally]
) -> tuple[dict[Hashable, Hashable | None], dict[Group, Hashable]]:
    """The survey's groups: parent of each node, and the node of each stored group."""
    parents: dict[Hashable, Hashable | None] = {}
    node_of: dict[Group, Hashable] = {}
    if survey.kind == Survey.Kind.ROUND_360:
        parents[Relation.RATERS.value] = None
        for tally in tallies:
            if tally.relation == Relation.SELF:
                continue
            if tally.relation != Relation.RATERS:
                parents[tally.relation] = Relation.RATERS.value
            node_of[(None, tally.relation)] = tally.relation
        return parents, node_of
    scope = survey.unit
    root: Hashable = scope.pk if scope else ROOT
    parents[root] = None
    cells = {t.cell_id for t in tallies if t.cell_id is not None}
    scope_path = scope.path if scope else ""
    for pk, path in Unit.objects.filter(pk__in=cells).values_list("pk", "path"):
        chain = ancestors(path, scope_path)
        for child, parent in itertools.pairwise(chain):
            parents[child] = parent
        if chain[-1] != root:
            parents[chain[-1]] = root
        node_of[(pk, Relation.MEMBER.value)] = pk
    node_of[(None, Relation.MEMBER.value)] = root
    return parents, node_of


def ancestors(path: str, scope_path: str) -> list[int]:
    """The unit ids of ``path`` from itself up to the scope's unit (or up to the agency)."""
    ids = [int(part) for part in path.strip("/").split("/")]
    depth = len(scope_path.strip("/").split("/")) if scope_path else 1
    return list(reversed(ids[depth - 1 :]))


def _chain(node: Hashable, parents: dict[Hashable, Hashable | None]) -> list[Hashable]:
    chain = []
    current: Hashable | None = node
    while current is not None:
        chain.append(current)
        current = parents.get(current)
    return chain


def compute_release(survey: Survey) -> Released:
    tallies = list(Tally.objects.filter(survey=survey))
    item_values = {
        str(pk): value for pk, value in survey.questionnaire.items.values_list("pk", "value_id")
    }
    points = survey.questionnaire.points
    assert survey.k is not None
    parents, node_of = _tree(survey, tallies)
    own: dict[Hashable, int] = defaultdict(int)
    invited: dict[Hashable, int] = defaultdict(int)
    answered: dict[Hashable, int] = defaultdict(int)
    counts: dict[Hashable, dict[str, list[int]]] = defaultdict(dict)
    self_tally = None
    for tally in tallies:
        group = (tally.cell_id, tally.relation)
        if tally.relation == Relation.SELF:
            self_tally = tally
            continue
        node = node_of[group]
        own[node] += tally.answered
        for above in _chain(node, parents):
            invited[above] += tally.invited
            answered[above] += tally.answered
            for item, row in tally.counts.items():
                target = counts[above].setdefault(item, [0] * points)
                for position, count in enumerate(row):
                    target[position] += count
    groups = [anonymity.Group(key, parent, own[key]) for key, parent in parents.items()]
    shown = anonymity.release(groups, survey.k)
    released = Released(shown=shown)
    for group, node in node_of.items():
        above = anonymity.shown_ancestor(node, parents, shown)
        if above is not None and above != node:
            released.moves[group] = _stored_group(survey, above)
    comments = _comments(survey, node_of, parents, shown)
    for key in parents:
        is_shown = key in shown
        values, index = summarise(counts[key], item_values, points) if is_shown else ({}, None)
        released.figures.append(
            Figure(
                government=survey.government,
                survey=survey,
                unit_id=key if isinstance(key, int) else None,
                relation=_stored_group(survey, key)[1],
                depth=len(_chain(key, parents)) - 1,
                shown=is_shown,
                invited=invited[key],
                answered=answered[key],
                values=values,
                index=index,
                comments=sorted(comments.get(key, [])) if is_shown else [],
            )
        )
    if self_tally is not None:
        values, index = summarise(self_tally.counts, item_values, points)
        released.figures.append(
            Figure(
                government=survey.government,
                survey=survey,
                relation=Relation.SELF,
                depth=1,
                shown=bool(self_tally.answered),
                invited=self_tally.invited,
                answered=self_tally.answered,
                values=values,
                index=index,
            )
        )
    return released


def _stored_group(survey: Survey, node: Hashable) -> Group:
    if survey.kind == Survey.Kind.ROUND_360:
        return (None, str(node))
    return (node if isinstance(node, int) else None, Relation.MEMBER.value)


def _comments(
    survey: Survey,
    node_of: dict[Group, Hashable],
    parents: dict[Hashable, Hashable | None],
    shown: set[Hashable],
) -> dict[Hashable, list[str]]:
    """The comments of the responses, each with the shown group it is counted in."""
    if not shown or not survey.questionnaire.comments:
        return {}
    found: dict[Hashable, list[str]] = defaultdict(list)
    rows = (
        Response.objects.filter(survey=survey)
        .exclude(comment="")
        .exclude(relation=Relation.SELF)
        .values_list("cell_id", "relation", "comment")
    )
    for cell, relation, comment in rows:
        node = node_of.get((cell, relation))
        target = anonymity.shown_ancestor(node, parents, shown) if node is not None else None
        if target is not None:
            found[target].append(comment)
    return found
