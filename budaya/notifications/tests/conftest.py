import datetime

import pytest

# The monitoring scene (a government running by a shipped rulebook, a period, an agency's team)
# for the return of a report.
from budaya.monev.tests.conftest import media, scene, scene_rulebook  # noqa: F401
from budaya.rulebook.services import load_shipped
from budaya.teams.models import Decree, Membership, Team, TeamKind, TeamRole


@pytest.fixture
def team(world):
    """A KBK of the first agency with one member (the world's employee) and a draft decree."""
    load_shipped(government=world.government, name="kota-tangerang")
    kind = TeamKind.objects.filter(government=world.government).first()
    role = TeamRole.objects.filter(government=world.government).first()
    team = Team.objects.create(
        government=world.government, kind=kind, unit=world.agency, name="KBK Cerdas"
    )
    Membership.objects.create(
        government=world.government,
        team=team,
        employee=world.employee,
        role=role,
        start_on=datetime.date(2025, 1, 6),
    )
    Decree.objects.create(government=world.government, team=team, subject="Pembentukan KBK")
    return team
