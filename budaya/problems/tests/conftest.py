"""A government whose rulebook applies KBK problem solving, with a KBK of five members, the
agency's team and head as users; and a second government whose rulebook does not."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from budaya.accounts.models import Role, User
from budaya.org.models import Employee, Government, Unit
from budaya.rulebook import services as rulebook
from budaya.teams.models import Membership, Team, TeamKind, TeamRole


@dataclass
class Cycle:
    government: Government
    agency: Unit
    team: Team
    members: dict[str, Membership]
    worker: User
    head: User
    leader: Employee
    foreign_government: Government
    foreign_team: Team
    foreign_worker: User


def _team(government: Government, agency: Unit) -> tuple[Team, dict[str, Membership]]:
    # Loading a rulebook writes its teams section (kinds and roles) already: reuse those.
    kind, _ = TeamKind.objects.get_or_create(
        government=government, code="kbk", defaults={"name": "KBK", "scope": "agency"}
    )
    roles = {
        code: TeamRole.objects.get_or_create(
            government=government,
            code=code,
            defaults={"name": name, "chart_place": place, "order": order},
        )[0]
        for order, (code, name, place) in enumerate(
            [
                ("penanggung-jawab", "Penanggung-jawab", "top"),
                ("ketua", "Ketua", "chair"),
                ("sekretaris", "Sekretaris", "secretary"),
                ("anggota", "Anggota", "member"),
            ]
        )
    }
    team = Team.objects.create(government=government, kind=kind, unit=agency, name="KBK Uji")
    members = {}
    for index, (key, role, echelon) in enumerate(
        [
            ("head", "penanggung-jawab", "II.b"),
            ("chair", "ketua", "III.a"),
            ("secretary", "sekretaris", "IV.a"),
            ("member", "anggota", ""),
            ("member2", "anggota", ""),
        ]
    ):
        employee = Employee.objects.create(
            government=government,
            unit=agency,
            nip=f"1980010120050{government.pk % 10}{index:04d}",
            name=f"Pegawai {key.title()}",
            sex="L",
            status="PNS",
            echelon=echelon,
        )
        members[key] = Membership.objects.create(
            government=government,
            team=team,
            employee=employee,
            role=roles[role],
            start_on=datetime.date(2024, 1, 1),
        )
    return team, members


@pytest.fixture
def cycle(government, other_government, make_user) -> Cycle:
    rulebook.load_shipped(government=government, name="kota-tangerang")
    rulebook.load_shipped(government=other_government, name="kota-serang")
    agency = Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="1.02", name="Dinas Kesehatan"
    )
    team, members = _team(government, agency)
    worker = make_user("tim.uji", Role.UNIT_TEAM, government, agency)
    head = make_user("kepala.uji", Role.UNIT_HEAD, government, agency)
    foreign_agency = Unit.objects.create(
        government=other_government, kind=Unit.Kind.DINAS, code="1.02", name="Dinas Kesehatan"
    )
    foreign_team, _ = _team(other_government, foreign_agency)
    foreign_worker = make_user("tim.serang.uji", Role.UNIT_TEAM, other_government, foreign_agency)
    return Cycle(
        government=government,
        agency=agency,
        team=team,
        members=members,
        worker=worker,
        head=head,
        leader=members["chair"].employee,
        foreign_government=other_government,
        foreign_team=foreign_team,
        foreign_worker=foreign_worker,
    )


def action_fields(c: Cycle, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Menyusun jadwal piket",
        "owner_id": c.leader.pk,
        "due_on": datetime.date(2025, 6, 30),
        "expected_result": "Loket buka tepat waktu",
        "indicator": "Loket buka pukul 08.00",
        **extra,
    }
