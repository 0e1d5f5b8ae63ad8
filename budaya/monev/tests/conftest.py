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
from budaya.org.models import Employee
from budaya.rulebook.services import load_shipped
from budaya.teams.models import Membership, Team, TeamKind, TeamRole


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

    def sign_city(self, city: Any) -> Any:
        """The city team fills in the city report's signatory (a rulebook whose city team has
        no chair on record leaves it empty)."""
        return services.save_city_signatory(
            city, place="Kota", name="Ketua Tim Kota", nip="197001011990031009", actor=self.admin
        )

    def verify(self, report: Any) -> None:
        """The city team verifies every maturity answer as the agency gave it."""
        services.verify_review(
            report,
            answers={a.pk: (bool(a.answer), "") for a in report.maturity.all()},
            scores={},
            score_reasons={},
            actor=self.admin,
        )


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
    _chairs(government, [world.agency, world.other_agency])
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


def _chairs(government: Any, agencies: list[Any]) -> None:
    """A head (echelon II) of each agency and, where the rulebook has the team kinds, a team with
    a chair for each agency and one for the city: the signatories the rulebook names are there
    to be prefilled."""
    agency_kind = TeamKind.objects.filter(government=government, scope="agency").first()
    city_kind = TeamKind.objects.filter(government=government, scope="city").first()
    chair = TeamRole.objects.filter(government=government, chart_place="chair").first()
    for number, unit in enumerate([*agencies, None]):
        employee = Employee.objects.create(
            government=government,
            unit=unit or agencies[0],
            nip=f"19690202199102{number:04d}",
            name=f"Ketua Tim {number + 1}",
            sex="L",
            status="PNS",
            echelon="II.b" if unit is not None else "",
        )
        kind = agency_kind if unit is not None else city_kind
        if kind is None or chair is None:
            continue
        team = Team.objects.create(
            government=government, kind=kind, unit=unit, name=f"Tim {number}"
        )
        Membership.objects.create(
            government=government,
            team=team,
            employee=employee,
            role=chair,
            start_on=datetime.date(2025, 1, 2),
        )
