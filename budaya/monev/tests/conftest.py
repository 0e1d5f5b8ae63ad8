from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from budaya.accounts.models import Role, RoleGrant
from budaya.activities.evidence import store_link
from budaya.activities.models import Activity, ActivityEvidence, ActivityForm
from budaya.monev import services
from budaya.monev.models import Period
from budaya.rulebook.services import load_shipped


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class Scene:
    government: Any
    agency: Any
    other_agency: Any
    period: Period
    activities: list[Activity]
    team: Any
    head: Any
    admin: Any
    admin2: Any
    sekda: Any
    mayor: Any
    other_team: Any
    employee: Any


@pytest.fixture
def scene_rulebook() -> str:
    """The shipped rulebook the scene's government runs by (override in a test module): by
    default Serang's, for its Tabel 1 and Tabel 2. The government's name decides nothing."""
    return "kota-serang"


@pytest.fixture
def scene(world, make_user, scene_rulebook) -> Scene:
    government = world.government
    load_shipped(government=government, name=scene_rulebook)
    admin = world.user(Role.CITY_ADMIN)
    form = ActivityForm.objects.create(government=government, code="apel", name="Apel pagi")
    activities = []
    for day, title in ((10, "Pembacaan nilai BerAKHLAK"), (17, "Pemasangan twibbon")):
        activity = Activity.objects.create(
            government=government,
            unit=world.sub_unit,
            date=datetime.date(2025, 3, day),
            form=form,
            title=title,
            problems="Peserta terlambat",
            solutions="Absensi digital",
        )
        evidence = store_link(
            government=government,
            unit=world.sub_unit,
            url=f"https://drive.example.id/{day}",
            title=f"Foto {day}",
            actor=admin,
        )
        ActivityEvidence.objects.create(government=government, activity=activity, evidence=evidence)
        activities.append(activity)
    period = services.create_period(
        government,
        kind=Period.Kind.BERKALA,
        year=2025,
        title="Monev 2025",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 8, 31),
        actor=admin,
    )
    sekda = world.user(Role.LEADERSHIP)
    RoleGrant.objects.filter(user=sekda, role=Role.LEADERSHIP).update(office="sekda")
    mayor = make_user("w.walikota", Role.LEADERSHIP, government)
    RoleGrant.objects.filter(user=mayor, role=Role.LEADERSHIP).update(office="head")
    return Scene(
        government=government,
        agency=world.agency,
        other_agency=world.other_agency,
        period=period,
        activities=activities,
        team=world.user(Role.UNIT_TEAM),
        head=world.user(Role.UNIT_HEAD),
        admin=admin,
        admin2=make_user("w.admin2", Role.CITY_ADMIN, government),
        sekda=sekda,
        mayor=mayor,
        other_team=world.other_agency_user,
        employee=world.user(Role.EMPLOYEE),
    )
