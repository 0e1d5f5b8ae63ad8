"""The problem-solving demo: cycles at different stages where the rulebook applies it, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from budaya.activities import demo as activities_demo
from budaya.problems import demo
from budaya.problems.models import ActionPlan, PlanEvent, Problem
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


def test_demo_cycles_are_made_once_at_different_stages_and_only_where_it_applies():
    output = _seed()
    assert "Kota Tangerang: 5 KBK problem-solving cycles" in output
    counts = (Problem.objects.count(), ActionPlan.objects.count(), PlanEvent.objects.count())
    assert "problem-solving" not in _seed()
    assert counts == (
        Problem.objects.count(),
        ActionPlan.objects.count(),
        PlanEvent.objects.count(),
    )
    assert not Problem.objects.filter(government__slug="kota-serang").exists()
    statuses = set(ActionPlan.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "in_progress", "done"}
    returned = PlanEvent.objects.filter(to_status="returned").get()
    path = list(returned.plan.events.values_list("to_status", flat=True))
    assert path == ["submitted", "returned", "submitted", "approved", "in_progress"]
    assert returned.plan.problem.team.unit.code == "DINKES"
    assert Problem.objects.filter(status="solved").count() == 1
    # The dates shown follow the story: direction, then approval, then the activities that
    # carried the plan out, then the check.
    plan = returned.plan
    problem = plan.problem
    moments = [e.at for e in plan.events.order_by("pk")]
    assert moments == sorted(moments) and len(set(moments)) == len(moments)
    assert problem.root_cause_sent_at < problem.direction_at < plan.approved_at
    first_activity = min(
        link.activity.date for a in plan.actions.all() for link in a.activity_links.all()
    )
    assert timezone.localdate(plan.approved_at) <= first_activity
    solved = ActionPlan.objects.get(status="done")
    assert solved.approved_at < solved.checked_at
