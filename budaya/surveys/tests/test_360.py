"""A 360 round: raters from the registry, rater groups reported only where they reach k and
where no other figure reveals a smaller group (issue 22, Deliver 3 and 4)."""

from __future__ import annotations

import pytest

from budaya.surveys import services
from budaya.surveys.models import Figure, Invitation, Relation
from budaya.surveys.tests.conftest import open_survey

pytestmark = pytest.mark.django_db


def _round(place, subject):
    services.set_policy(
        actor=place.admin, government=place.government, k=3, peers=5, subordinates=5
    )
    return open_survey(
        place,
        scale="expectation",
        comments=False,
        kind="360",
        title="360 Pegawai 2",
        subject=subject,
    )


def _answer(survey, relations, point=2):
    items = list(survey.questionnaire.items.values_list("pk", flat=True))
    for invitation in Invitation.objects.filter(survey=survey, relation__in=relations):
        services.save_answers(invitation=invitation, points=dict.fromkeys(items, point))
        services.submit(actor=None, invitation=invitation)


def test_raters_come_from_the_registry_in_the_governments_numbers(place):
    subject = place.staff[0]
    survey = _round(place, subject)
    relations = dict(
        Invitation.objects.filter(survey=survey).values_list("employee_id", "relation")
    )
    assert relations[subject.pk] == Relation.SELF
    assert relations[place.head.pk] == Relation.SUPERIOR
    peers = {pk for pk, relation in relations.items() if relation == Relation.PEER}
    assert peers == {e.pk for e in place.staff[1:6]}
    # The single superior is fewer than k: stored with all raters, never as its own group.
    groups = dict(Invitation.objects.filter(survey=survey).values_list("relation", "group"))
    assert groups[Relation.SUPERIOR] == Relation.RATERS and groups[Relation.PEER] == Relation.PEER


def test_peers_are_hidden_when_showing_them_would_reveal_the_superior(place):
    survey = _round(place, place.staff[0])
    _answer(survey, [Relation.PEER, Relation.SUPERIOR, Relation.SELF])
    services.close_survey(actor=place.admin, survey=survey)
    shown = {f.relation: f.shown for f in Figure.objects.filter(survey=survey)}
    assert shown == {Relation.RATERS: True, Relation.PEER: False, Relation.SELF: True}


def test_peers_are_shown_apart_when_they_reach_k_and_nothing_else_is_revealed(place):
    survey = _round(place, place.staff[0])
    _answer(survey, [Relation.PEER])
    services.close_survey(actor=place.admin, survey=survey)
    figures = {f.relation: f for f in Figure.objects.filter(survey=survey)}
    assert figures[Relation.PEER].shown and figures[Relation.PEER].answered == 5
    assert figures[Relation.PEER].index == 50.0
    assert not figures[Relation.SELF].shown


def test_role_model_nominations_read_the_released_index(place):
    from budaya.surveys.selectors import role_model_evidence

    survey = _round(place, place.staff[0])
    _answer(survey, [Relation.PEER], point=3)
    services.close_survey(actor=place.admin, survey=survey)
    assert role_model_evidence(place.government, place.staff[0].pk) == [
        {"survey": "360 Pegawai 2", "year": survey.year, "index": 100.0}
    ]
