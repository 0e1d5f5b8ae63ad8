"""The penanggung-jawab's "Tugas saya" (issue 20): action plans submitted for decision and
progress reports not yet followed up (T Lampiran II III; T Pasal 9(2)(c), (e)), for the agency's
head and for the user holding the team's top role; nobody else, nothing of another government."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.problems.models import ActionPlan, Problem, ProgressReport
from budaya.problems.todo import pending_problems

pytestmark = pytest.mark.django_db


def _labels(user) -> dict[str, int]:
    return {str(item.label): item.count for item in pending_problems(user)}


def test_plans_to_decide_and_reports_to_read(cycle, make_user):
    for team in (cycle.team, cycle.foreign_team):
        problem = Problem.objects.create(
            government=team.government,
            team=team,
            title="Antrean loket panjang",
            source="meeting",
            raised_on=datetime.date(2025, 2, 3),
        )
        ActionPlan.objects.create(
            government=team.government, problem=problem, status=ActionPlan.Status.SUBMITTED
        )
        ProgressReport.objects.create(
            government=team.government,
            team=team,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 3, 31),
        )
    expected = {"Rencana tindakan untuk diputuskan": 1, "Laporan kemajuan untuk dibaca": 1}
    assert _labels(cycle.head) == expected
    # The team's penanggung-jawab, signed in as an employee of the agency.
    responsible = make_user(
        "pj.uji",
        Role.EMPLOYEE,
        cycle.government,
        cycle.agency,
        employee=cycle.members["head"].employee,
    )
    assert _labels(responsible) == expected
    # The team itself and a plain member decide nothing.
    assert _labels(cycle.worker) == {}
    member = make_user(
        "anggota.uji",
        Role.EMPLOYEE,
        cycle.government,
        cycle.agency,
        employee=cycle.members["member"].employee,
    )
    assert _labels(member) == {}
    # Followed up: read.
    ProgressReport.objects.filter(team=cycle.team).update(followed_up_at=timezone.now())
    assert _labels(cycle.head) == {"Rencana tindakan untuk diputuskan": 1}
