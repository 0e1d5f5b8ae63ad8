"""Demo data: a closed previous year and an open current year in both cities, every state."""

from __future__ import annotations

import pytest
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.monev import demo
from budaya.monev.models import (
    CityReport,
    FollowUp,
    MaturityAnswer,
    Period,
    Report,
    ReportRow,
    ReportSummary,
    ReportVersion,
    State,
)
from budaya.org.models import Unit
from budaya.rulebook.selectors import current_rulebook, current_version_id

pytestmark = pytest.mark.django_db

CODES = [
    "BAPPEDA",
    "DINKES",
    "DISDIK",
    "DISHUB",
    "DLH",
    "DPMPTSP",
    "DPUPR",
    "INSPEKTORAT",
    "KESBANGPOL",
    "SATPOL",
    "SETDA",
    "SETWAN",
]


@pytest.fixture
def cities(government, other_government, make_user):
    for city in (government, other_government):
        for code in CODES:
            Unit.objects.create(
                government=city, kind="dinas", code=code, name=f"{code} {city.name}"
            )
        name = city.slug.removeprefix("kota-")
        dinkes = Unit.objects.get(government=city, code="DINKES")
        make_user(f"admin.{name}", Role.CITY_ADMIN, city)
        # As the demo's logins hold them (org/demo): the regional secretary and the head.
        sekda = make_user(f"sekda.{name}", Role.LEADERSHIP, city)
        sekda.role_grants.update(office="sekda")
        head = make_user(f"walikota.{name}", Role.LEADERSHIP, city)
        head.role_grants.update(office="head")
        make_user(f"tim.dinkes.{name}", Role.UNIT_TEAM, city, dinkes)
        make_user(f"kepala.dinkes.{name}", Role.UNIT_HEAD, city, dinkes)
    return government, other_government


def test_every_state_in_both_cities_and_once_only(cities):
    lines = demo.seed()
    # Each city's rulebook is loaded first, then its monitoring is made under it.
    assert [line for line in lines if "rulebook" in line] == [
        "Kota Tangerang: rulebook version 1 (kota-tangerang.yaml)",
        "Kota Serang: rulebook version 1 (kota-serang.yaml)",
    ]
    assert len([line for line in lines if "monev" in line]) == 2
    year = timezone.localdate().year
    for city in cities:
        previous = Period.objects.get(government=city, year=year - 1)
        current = Period.objects.get(government=city, year=year)
        book = current_rulebook(city)
        assert current.rulebook_version_id == current_version_id(city)
        groups = {group.number for group in book.monev.report_form.row_groups}
        assert (
            set(ReportRow.objects.filter(government=city).values_list("indicator", flat=True))
            <= groups
        )
        # Maturity answers only where the rulebook has a maturity table (Serang's, not Tangerang's).
        answers = MaturityAnswer.objects.filter(government=city).exists()
        assert answers == (book.monev.maturity is not None)
        assert previous.closed and not current.closed
        assert set(Report.objects.filter(period=previous).values_list("state", flat=True)) == {
            State.ACKNOWLEDGED
        }
        states = set(Report.objects.filter(period=current).values_list("state", flat=True))
        # One city report per period: version 1 acknowledged, version 2 forwarded; the
        # reports accepted since wait for version 3 (so none is merely consolidated).
        assert states == set(State.values) - {State.CONSOLIDATED}
        assert list(CityReport.objects.filter(period=current).values_list("number", "state")) == [
            (1, "acknowledged"),
            (2, "forwarded"),
        ]
        assert FollowUp.objects.filter(period=previous).count() == 2
        assert Report.objects.filter(period=current).count() < len(CODES)  # some not started
        assert Report.objects.get(period=current, unit__code="DINKES").state == State.DRAFT
        assert all(v.verify() for v in ReportVersion.objects.filter(government=city))
        assert all(c.verify() for c in CityReport.objects.filter(government=city))
        assert Report.objects.filter(period=current, version=2).exists()
        # The board reads the summaries: one per report, in the report's state.
        summaries = ReportSummary.objects.filter(period=current)
        assert set(summaries.values_list("report_id", "state")) == set(
            Report.objects.filter(period=current).values_list("pk", "state")
        )
    counts = (Period.objects.count(), Report.objects.count(), ReportVersion.objects.count())
    assert demo.seed() == [
        "Kota Tangerang: monitoring periods already there",
        "Kota Serang: monitoring periods already there",
    ] or sorted(demo.seed()) == sorted(
        [
            "Kota Serang: monitoring periods already there",
            "Kota Tangerang: monitoring periods already there",
        ]
    )
    assert (Period.objects.count(), Report.objects.count(), ReportVersion.objects.count()) == counts
