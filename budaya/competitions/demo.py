"""Demo data for competitions: last year's KBK competition in the first demo city, judged and
published (its winners' certificates and its results on their monitoring reports), and a culture
fair in the second open for entries, with one draft entry. Idempotent by name and year.

A past competition is written as it stood (its timeline is over, so the services, which follow
the dates, would refuse to register entries or assign judges now); its results are published
through the service, as the organiser would on the announcement day.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from budaya.accounts.models import User
from budaya.competitions import services
from budaya.competitions.models import (
    Category,
    Competition,
    Criterion,
    Entry,
    Judge,
    JudgeScore,
)
from budaya.competitions.selectors import own_agencies
from budaya.org.models import Government
from budaya.teams.models import Team

RUBRIC = [
    (
        "Inovasi dan kreativitas",
        40,
        [
            "Belum ada gagasan baru",
            "Gagasan baru belum diterapkan",
            "Diterapkan sebagian",
            "Diterapkan penuh",
            "Diterapkan dan ditiru unit lain",
        ],
    ),
    (
        "Dampak pada pelayanan",
        35,
        [
            "Tidak terukur",
            "Sedikit perbaikan",
            "Perbaikan terukur",
            "Perbaikan nyata",
            "Perbaikan nyata dan berkelanjutan",
        ],
    ),
    (
        "Keterlibatan anggota KBK",
        25,
        ["Satu orang", "Sebagian kecil", "Separuh anggota", "Sebagian besar", "Seluruh anggota"],
    ),
]
# Agencies (by code) that entered last year, with the scores (per criterion) of the two judges.
ENTRANTS = {
    "DINKES": ("Antrean puskesmas tanpa kertas", [(5, 4, 5), (4, 4, 5)]),
    "DUKCAPIL": ("Layanan adminduk jemput bola", [(4, 5, 4), (4, 5, 4)]),
    "DISKOMINFO": ("Apel pagi terjadwal daring", [(3, 3, 4), (3, 4, 3)]),
    "BKPSDM": ("Pojok konsultasi kepegawaian", [(4, 3, 3), (3, 3, 4)]),
}


def seed() -> list[str]:
    lines: list[str] = []
    first = Government.objects.filter(slug="kota-tangerang").first()
    second = Government.objects.filter(slug="kota-serang").first()
    if first is not None:
        lines += _judged(first)
    if second is not None:
        lines += _open_fair(second)
    return lines


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _teams(government: Government) -> dict[str, Team]:
    return {
        team.unit.code: team
        for team in Team.objects.filter(
            government=government, unit__isnull=False, unit__parent__isnull=True
        ).select_related("unit")
    }


def _organiser(government: Government) -> Team | None:
    return Team.objects.filter(government=government, unit__isnull=True).order_by("pk").first()


def _judged(government: Government) -> list[str]:
    year = timezone.localdate().year - 1
    name = f"Lomba KBK {year}"
    admin = _user("admin.tangerang")
    teams = _teams(government)
    if admin is None or Competition.objects.filter(government=government, name=name).exists():
        return []
    entrants = {code: item for code, item in ENTRANTS.items() if code in teams}
    judges = [u for u in (_user("sekda.tangerang"), _user("kepala.dinkes.tangerang")) if u]
    if len(entrants) < 2 or len(judges) < 2:
        return []
    competition = services.create_competition(
        government=government,
        fields={
            "name": name,
            "kind": Competition.Kind.KBK,
            "year": year,
            "description": "Lomba Kelompok Budaya Kerja antar perangkat daerah.",
            "organiser": _organiser(government),
            "team_kinds": ["kbk"],
            "opens_on": datetime.date(year, 7, 1),
            "registration_closes": datetime.date(year, 7, 31),
            "submission_closes": datetime.date(year, 9, 15),
            "judging_closes": datetime.date(year, 10, 15),
            "announce_on": datetime.date(year, 11, 10),
        },
        categories=["Inovasi pelayanan publik"],
        actor=admin,
    )
    criteria = [
        Criterion.objects.create(
            government=government,
            competition=competition,
            name=criterion,
            weight=weight,
            descriptors={str(n): text for n, text in enumerate(descriptors, 1)},
            order=order,
        )
        for order, (criterion, weight, descriptors) in enumerate(RUBRIC)
    ]
    category = Category.objects.get(government=government, competition=competition)
    jury = [
        Judge.objects.create(
            government=government,
            competition=competition,
            category=category,
            user=user,
            conflicts=sorted(own_agencies(user, government)),
            declaration="Tidak ada hubungan keluarga dengan peserta.",
        )
        for user in judges
    ]
    for code, (title, per_judge) in entrants.items():
        team = teams[code]
        if team.unit is None:
            continue
        entry = Entry.objects.create(
            government=government,
            competition=competition,
            category=category,
            team=team,
            unit=team.unit,
            title=title,
            summary=f"{title}: dijalankan {team.name} sepanjang tahun {year}.",
            status=Entry.Status.SUBMITTED,
            submitted_at=timezone.now(),
            created_by=admin,
        )
        JudgeScore.objects.bulk_create(
            JudgeScore(
                government=government,
                entry=entry,
                judge=judge,
                criterion=criterion,
                value=value,
                comment="",
            )
            for judge, values in zip(jury, per_judge, strict=True)
            # A judge scores no entry of their own agency (the head of the health agency).
            if team.unit_id not in judge.conflicts
            for criterion, value in zip(criteria, values, strict=True)
        )
    awards = services.publish_results(competition=competition, actor=admin)
    return [f"{government.name}: {name} judged and published ({len(awards)} winners)"]


def _rubric(competition: Competition, admin: User) -> None:
    for criterion, weight, descriptors in RUBRIC:
        services.add_criterion(
            competition=competition,
            name=criterion,
            weight=weight,
            descriptors=dict(enumerate(descriptors, 1)),
            actor=admin,
        )


def _open_fair(government: Government) -> list[str]:
    today = timezone.localdate()
    name = f"Gelar Budaya Kerja {today.year}"
    admin = _user("admin.serang")
    if admin is None or Competition.objects.filter(government=government, name=name).exists():
        return []
    competition = services.create_competition(
        government=government,
        fields={
            "name": name,
            "kind": Competition.Kind.FAIR,
            "year": today.year,
            "description": "Pameran dan gelar budaya kerja perangkat daerah.",
            "organiser": _organiser(government),
            "opens_on": today - datetime.timedelta(days=7),
            "registration_closes": today + datetime.timedelta(days=21),
            "submission_closes": today + datetime.timedelta(days=35),
            "judging_closes": today + datetime.timedelta(days=50),
            "announce_on": today + datetime.timedelta(days=60),
        },
        categories=["Stan pameran", "Video budaya kerja"],
        actor=admin,
    )
    _rubric(competition, admin)
    team = _teams(government).get("DINKES")
    if team is not None:
        services.create_entry(
            competition=competition,
            category=competition.categories.order_by("order").first(),  # type: ignore[arg-type]
            team=team,
            title="Stan Dinas Kesehatan: Sehat Melayani",
            summary="Pameran kegiatan KBK Dinas Kesehatan.",
            actor=admin,
        )
    return [f"{government.name}: {name} open for entries"]
