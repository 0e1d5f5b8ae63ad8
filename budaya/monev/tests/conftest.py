from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from budaya.accounts.models import Role
from budaya.activities.evidence import store_link
from budaya.activities.models import Activity, ActivityEvidence, ActivityForm
from budaya.monev import services
from budaya.monev.models import Period


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
def scene(world, make_user) -> Scene:
    government = world.government
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
        sekda=world.user(Role.LEADERSHIP),
        mayor=make_user("w.walikota", Role.LEADERSHIP, government),
        other_team=world.other_agency_user,
        employee=world.user(Role.EMPLOYEE),
    )
