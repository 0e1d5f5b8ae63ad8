"""The release rule as properties over generated organisations (issue 22, Deliver 4): no shown
figure, and no difference of a shown figure and shown figures inside it, stands for fewer than
k people."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from budaya.surveys import anonymity
from budaya.surveys.anonymity import Group


@st.composite
def organisations(draw: st.DrawFn) -> tuple[list[Group], int]:
    """A tree of up to 40 groups (each parent drawn among the earlier ones) with 0–12 responses
    each, and a k the government may choose."""
    size = draw(st.integers(min_value=1, max_value=40))
    groups = [Group(0, None, draw(st.integers(0, 12)))]
    for key in range(1, size):
        parent = draw(st.integers(0, key - 1))
        groups.append(Group(key, parent, draw(st.integers(0, 12))))
    k = draw(st.integers(anonymity.MIN_K, anonymity.MAX_K))
    return groups, k


def _descendants(groups: list[Group]) -> dict[int, set[int]]:
    parents = {g.key: g.parent for g in groups}
    below: dict[int, set[int]] = {g.key: set() for g in groups}
    for g in groups:
        current = parents[g.key]
        while current is not None:
            below[current].add(g.key)  # type: ignore[index]
            current = parents[current]
    return below


@settings(max_examples=300, deadline=None)
@given(organisations())
def test_no_shown_group_has_fewer_than_k(organisation):
    groups, k = organisation
    n = anonymity.totals(groups)
    assert all(n[key] >= k for key in anonymity.release(groups, k))


@settings(max_examples=300, deadline=None)
@given(organisations(), st.data())
def test_no_shown_group_minus_shown_groups_inside_it_isolates_fewer_than_k(organisation, data):
    """A group and its parent, a group and any set of disjoint shown groups below it (the
    filters a page offers, rows of two exports): the difference is nobody or at least k."""
    groups, k = organisation
    n = anonymity.totals(groups)
    shown = anonymity.release(groups, k)
    below = _descendants(groups)
    for key in shown:
        inside = sorted(below[key] & shown)
        if not inside:
            continue
        chosen = data.draw(st.lists(st.sampled_from(inside), unique=True, max_size=len(inside)))
        # Keep an antichain: drop any chosen group lying inside another chosen one.
        antichain = [c for c in chosen if not any(c in below[o] for o in chosen if o != c)]
        rest = n[key] - sum(n[c] for c in antichain)
        assert anonymity.safe_residual(rest, k), (key, antichain, rest, k)
        for single in inside:
            assert anonymity.safe_residual(n[key] - n[single], k)


@settings(max_examples=200, deadline=None)
@given(organisations())
def test_every_group_of_at_least_k_at_the_top_is_shown(organisation):
    """Suppression hides small groups, never the whole: a root with k answers is shown."""
    groups, k = organisation
    n = anonymity.totals(groups)
    shown = anonymity.release(groups, k)
    roots = [g.key for g in groups if g.parent is None]
    assert all((root in shown) == (n[root] >= k) for root in roots)


@settings(max_examples=200, deadline=None)
@given(organisations())
def test_every_answer_is_counted_in_a_shown_group_when_anything_is_shown(organisation):
    """Small units roll up into their parent: an answer in a hidden group is counted in its
    nearest shown ancestor."""
    groups, k = organisation
    shown = anonymity.release(groups, k)
    parents = {g.key: g.parent for g in groups}
    if 0 in shown:
        assert all(anonymity.shown_ancestor(g.key, parents, shown) is not None for g in groups)


def test_a_parent_minus_its_only_large_child_would_reveal_one_person():
    """Complementary suppression: 5 + 1 under a parent, k = 5: showing the child of 5 beside the
    parent of 6 would reveal the sixth person, so the child is rolled up."""
    groups = [Group("agency", None, 1), Group("bidang", "agency", 5)]
    assert anonymity.release(groups, 5) == {"agency"}
    groups = [Group("agency", None, 5), Group("bidang", "agency", 5)]
    assert anonymity.release(groups, 5) == {"agency", "bidang"}
