"""A competition of the first government with two agency teams, a rubric and two judges."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile

from budaya.accounts.models import Role
from budaya.competitions import services
from budaya.competitions.models import Category, Competition, Entry, Judge
from budaya.teams.models import Team, TeamKind

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@dataclass
class Setting:
    w: Any
    admin: Any
    competition: Competition
    category: Category
    teams: dict[str, Team]
    judges: dict[str, Judge]

    def shift(self, phase: str) -> None:
        """Move the timeline so that today is in ``phase`` (the days pass)."""
        offsets = {
            "registration": (-1, 5, 10, 20, 30),
            "submission": (-10, -5, 5, 20, 30),
            "judging": (-20, -15, -10, 5, 30),
            "closed": (-40, -35, -30, -20, -10),
            "before_announcement": (-40, -35, -30, -20, 5),
        }[phase]
        names = ("opens_on", "registration_closes", "submission_closes", "judging_closes")
        fields = dict(zip((*names, "announce_on"), (TODAY + n * DAY for n in offsets), strict=True))
        Competition.objects.filter(pk=self.competition.pk).update(**fields)
        self.competition.refresh_from_db()

    def entry(self, key: str, status: str = Entry.Status.SUBMITTED) -> Entry:
        team = self.teams[key]
        return Entry.objects.create(
            government=team.government,
            competition=self.competition,
            category=self.category,
            team=team,
            unit=team.unit,
            title=f"Karya {team.name}",
            status=status,
        )


@pytest.fixture
def setting(world) -> Setting:
    w = world
    admin = w.user(Role.CITY_ADMIN)
    kind = TeamKind.objects.create(
        government=w.government, code="kbk", name="KBK", scope="agency", required=True
    )
    teams = {
        key: Team.objects.create(government=w.government, kind=kind, unit=unit, name=name)
        for key, unit, name in (
            ("mine", w.agency, "KBK Pendidikan"),
            ("other", w.other_agency, "KBK Kesehatan"),
        )
    }
    competition = services.create_competition(
        government=w.government,
        fields={
            "name": "Lomba KBK",
            "kind": Competition.Kind.KBK,
            "year": TODAY.year,
            "opens_on": TODAY - DAY,
            "registration_closes": TODAY + 5 * DAY,
            "submission_closes": TODAY + 10 * DAY,
            "judging_closes": TODAY + 20 * DAY,
            "announce_on": TODAY + 30 * DAY,
        },
        categories=["Inovasi pelayanan"],
        actor=admin,
    )
    for name, weight in (("Inovasi", 60), ("Dampak", 40)):
        services.add_criterion(
            competition=competition,
            name=name,
            weight=weight,
            descriptors={n: f"{name} tingkat {n}" for n in range(1, 6)},
            actor=admin,
        )
    category = competition.categories.get()
    judges = {
        # A unit team member of the second agency: that agency's entries are refused to them.
        "agency": services.assign_judge(
            category=category, user=w.other_agency_user, declared=[], declaration="", actor=admin
        ),
        "leader": services.assign_judge(
            category=category,
            user=w.user(Role.LEADERSHIP),
            declared=[],
            declaration="Tidak ada",
            actor=admin,
        ),
    }
    return Setting(w, admin, competition, category, teams, judges)


def jpeg() -> ContentFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 40)).save(out, "JPEG")
    return ContentFile(out.getvalue(), name="foto.jpg")
