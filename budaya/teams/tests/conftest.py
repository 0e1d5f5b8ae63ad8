"""A small Tangerang with its shipped rulebook (its teams section holds the team kinds, roles and
eligibility rules): a Dinas with a head, officials and staff."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import translation

from budaya.accounts.models import Role
from budaya.org.models import Employee, Government, Unit
from budaya.rulebook import services as rulebook_services
from budaya.teams import services
from budaya.teams.models import Membership, Team, TeamKind, TeamRole

START = datetime.date(2025, 1, 6)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

_numbers = iter(range(1, 10_000))


def person(unit: Unit, name: str, echelon: str = "", status: str = "PNS", **extra: Any) -> Employee:
    number = next(_numbers)
    return Employee.objects.create(
        government=unit.government,
        unit=unit,
        nip=f"1980010120050{number:05d}" if status == "PNS" else None,
        ni_pppk=f"19900101202421{number:04d}" if status == "PPPK" else None,
        name=name,
        sex="L",
        status=status,
        echelon=echelon,
        position_name=extra.pop("position_name", ""),
        **extra,
    )


@dataclass
class City:
    government: Government
    agency: Unit
    bidang: Unit
    other_agency: Unit
    head: Employee
    kabid: Employee
    kabid2: Employee
    kasi: Employee
    kasi2: Employee
    staff: list[Employee]
    pppk: Employee
    outsider: Employee
    kind: TeamKind
    roles: dict[str, TeamRole]
    extra: dict[str, Any] = field(default_factory=dict)

    def team(self, name: str = "KBK Sehat Melayani", unit: Unit | None = None) -> Team:
        return services.create_team(
            Team(government=self.government, kind=self.kind, unit=unit or self.agency, name=name)
        )

    def member(self, team: Team, employee: Employee, role: str, **extra: Any) -> Membership:
        return services.add_member(
            Membership(
                government=team.government,
                team=team,
                employee=employee,
                role=self.roles[role],
                start_on=extra.pop("start_on", START),
                **extra,
            )
        )

    def full_team(self) -> Team:
        """A KBK that meets every rule of Lampiran II III.2."""
        team = self.team()
        self.member(team, self.head, "penanggung-jawab")
        self.member(team, self.kabid, "ketua")
        self.member(team, self.kasi, "sekretaris")
        self.member(team, self.kabid2, "fasilitator")
        for employee in self.staff:
            self.member(team, employee, "anggota")
        return team


def make_city(government: Government, suffix: str = "") -> City:
    # The rulebook's teams section follows into the teams tables (rulebook.signals).
    rulebook_services.load_shipped(government=government, name="kota-tangerang")
    agency = Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code=f"DINKES{suffix}", name="Dinas Kesehatan"
    )
    bidang = Unit.objects.create(
        government=government,
        parent=agency,
        kind=Unit.Kind.BIDANG,
        code=f"DINKES{suffix}.KESMAS",
        name="Bidang Kesehatan Masyarakat",
    )
    other = Unit.objects.create(
        government=government,
        kind=Unit.Kind.DINAS,
        code=f"DISHUB{suffix}",
        name="Dinas Perhubungan",
    )
    return City(
        government=government,
        agency=agency,
        bidang=bidang,
        other_agency=other,
        head=person(agency, "Ratna Kepala", "II.b", position_name="Kepala Dinas Kesehatan"),
        kabid=person(bidang, "Budi Kabid", "III.b", position_name="Kepala Bidang Kesmas"),
        kabid2=person(bidang, "Andi Kabid", "III.a", position_name="Sekretaris Dinas"),
        kasi=person(bidang, "Sari Kasi", "IV.a", position_name="Kepala Seksi Promkes"),
        kasi2=person(bidang, "Dewi Kasi", "IV.a", position_name="Kepala Seksi Gizi"),
        staff=[person(bidang, f"Staf {n}") for n in ("Agus", "Indah", "Yusuf")],
        pppk=person(bidang, "Nia Kontrak", status="PPPK"),
        outsider=person(other, "Eko Perhubungan", "III.a"),
        kind=TeamKind.objects.get(government=government, code="kbk"),
        roles={role.code: role for role in TeamRole.objects.filter(government=government)},
    )


@pytest.fixture
def city(government) -> City:
    return make_city(government)


@pytest.fixture
def city_admin_user(make_user, government):
    return make_user("admin.kota", Role.CITY_ADMIN, government)


@pytest.fixture
def unit_head_user(make_user, city):
    return make_user(
        "kepala.dinkes", Role.UNIT_HEAD, city.government, city.agency, employee=city.head
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """Messages built outside a request are checked in English (the msgids)."""
    with translation.override("en"):
        yield
