"""Which figures of a survey may be shown: the release rule (issue 22, Deliver 4).

Pure functions over a tree of groups with their number of responses; no database. The results
pages, the exports and the feeds to other apps read only what :func:`release` lets through, so
every one of them obeys the same thresholds (docs/surveys.md, "Anonymity").

The groups of a survey form a tree (a pulse: the unit tree; a 360 round: all raters, then each
rater group). A group is *shown* when

1. it has at least ``k`` responses (comments included: they are shown only with a shown group);
2. for every shown group, its responses minus those of its shown children are either none or at
   least ``k``. When that fails, the shown children are rolled up into the group, smallest first
   (complementary suppression), until it holds; a rolled-up child takes its whole subtree with it.

Rule 2 makes the shown groups a laminar family in which the difference between a shown group and
any set of disjoint shown groups below it is empty or holds at least ``k`` responses, so no pair
(a group and its parent, two siblings, two filters, two exports) isolates fewer than ``k`` people.
Filters choose among shown groups only; figures are released once, when a survey closes, so a
figure is never seen before and after one more response.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

DEFAULT_K = 5
MIN_K = 3
MAX_K = 10


@dataclass(frozen=True)
class Group:
    key: Hashable
    parent: Hashable | None
    # Responses stored in this group itself (not in its children).
    own: int


def totals(groups: Iterable[Group]) -> dict[Hashable, int]:
    """Responses of each group with everything below it."""
    groups = list(groups)
    children = _children(groups)
    own = {group.key: group.own for group in groups}
    result: dict[Hashable, int] = {}

    def total(key: Hashable) -> int:
        if key not in result:
            result[key] = own[key] + sum(total(child) for child in children.get(key, ()))
        return result[key]

    for group in groups:
        total(group.key)
    return result


def _children(groups: Iterable[Group]) -> dict[Hashable, list[Hashable]]:
    children: dict[Hashable, list[Hashable]] = {}
    for group in groups:
        if group.parent is not None:
            children.setdefault(group.parent, []).append(group.key)
    return children


def _subtree(key: Hashable, children: Mapping[Hashable, list[Hashable]]) -> Iterable[Hashable]:
    stack = [key]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children.get(current, ()))


def safe_residual(residual: int, k: int) -> bool:
    return residual == 0 or residual >= k


def release(groups: Iterable[Group], k: int) -> set[Hashable]:
    """The keys of the groups whose figures may be shown."""
    groups = list(groups)
    children = _children(groups)
    n = totals(groups)
    shown: set[Hashable] = set()
    roots = [group.key for group in groups if group.parent is None]

    def decide(key: Hashable) -> None:
        for child in children.get(key, ()):
            decide(child)
        if n[key] < k:
            for below in _subtree(key, children):
                shown.discard(below)
            return
        kept = sorted(
            (child for child in children.get(key, ()) if child in shown),
            key=lambda child: (n[child], str(child)),
        )
        while kept and not safe_residual(n[key] - sum(n[child] for child in kept), k):
            for below in _subtree(kept.pop(0), children):
                shown.discard(below)
        shown.add(key)

    for root in roots:
        decide(root)
    return shown


def shown_ancestor(
    key: Hashable, parents: Mapping[Hashable, Hashable | None], shown: set[Hashable]
) -> Hashable | None:
    """The nearest shown group at or above ``key``: where a small group's answers are counted."""
    current: Hashable | None = key
    while current is not None and current not in shown:
        current = parents.get(current)
    return current
