"""The competitions demo: a judged and published KBK competition in the first city, a culture
fair open for entries in the second, made once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from budaya.activities import demo as activities_demo
from budaya.competitions import demo
from budaya.competitions.models import Award, Competition, Entry, JudgeScore
from budaya.rulebook import demo as rulebook_demo
from budaya.teams import demo as teams_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def what_the_demo_needs(monkeypatch):
    def seed() -> list[str]:
        lines = teams_demo.seed() + activities_demo.seed() + rulebook_demo.seed()
        return lines + demo.seed()

    monkeypatch.setattr("budaya.org.demo.seed.seed_other_apps", seed)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--staff-per-agency", "6", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_published_competition_and_an_open_fair_once():
    output = _seed()
    assert "judged and published" in output and "open for entries" in output
    counts = (Competition.objects.count(), Entry.objects.count(), JudgeScore.objects.count())
    assert "judged and published" not in _seed()
    assert counts == (
        Competition.objects.count(),
        Entry.objects.count(),
        JudgeScore.objects.count(),
    )
    judged = Competition.objects.get(government__slug="kota-tangerang")
    assert judged.published_at is not None
    assert Award.objects.filter(competition=judged).count() == 3
    # The head of the health agency judged every entry but his own agency's.
    own = Entry.objects.get(competition=judged, unit__code="DINKES")
    assert not own.scores.filter(judge__user__username="kepala.dinkes.tangerang").exists()
    assert own.scores.filter(judge__user__username="sekda.tangerang").count() == 3
    fair = Competition.objects.get(government__slug="kota-serang")
    assert fair.phase() == "registration"
    assert fair.entries.get().status == Entry.Status.DRAFT
