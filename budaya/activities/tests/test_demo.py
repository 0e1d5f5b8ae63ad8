"""Demo data: a year of activity in both cities, with photos; diligent and lax agencies."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.activities import demo
from budaya.activities.models import Activity, ActivityEvidence, Obligation
from budaya.activities.selectors import compliance_board
from budaya.activities.tests.conftest import adopt
from budaya.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities(government, other_government, make_user):
    adopt(government, "perwal-kota-tangerang-62-2018", values=("Profesional", "Responsif"))
    adopt(other_government, "perwal-kota-serang-34-2023", values=("Berorientasi Pelayanan",))
    for city in (government, other_government):
        for code in ("DINKES", "BAPPEDA", "DLH"):
            Unit.objects.create(
                government=city, kind="dinas", code=code, name=f"{code} {city.name}"
            )
    make_user(
        "tim.dinkes.serang",
        Role.UNIT_TEAM,
        other_government,
        Unit.objects.get(government=other_government, code="DINKES"),
    )
    return government, other_government


def test_a_year_of_activity_with_photos_and_obligations(cities, monkeypatch):
    tangerang, serang = cities
    # Fewer apel mornings keep the test quick: the demo's shape, not its size, is tested.
    monkeypatch.setattr(
        demo,
        "_working_days",
        lambda start, end: [
            day
            for day in (end - datetime.timedelta(days=n) for n in range(0, 40))
            if day.weekday() < 5
        ],
    )
    lines = demo.seed()
    assert len(lines) == 2 and all("activities with" in line for line in lines)
    assert set(
        Obligation.objects.filter(government=serang).values_list("form__code", flat=True)
    ) == {"apel-pagi", "twibbon", "standing-banner"}
    assert set(
        Obligation.objects.filter(government=tangerang).values_list("form__code", flat=True)
    ) == {"diskusi-kbk", "pks"}
    today = timezone.localdate()
    for city in cities:
        activities = Activity.objects.filter(government=city)
        assert activities.filter(date__lt=today - datetime.timedelta(days=300)).exists()
        assert activities.filter(status=Activity.Status.PLANNED, date__gt=today).exists()
        photos = ActivityEvidence.objects.filter(
            government=city, evidence__content_type="image/jpeg"
        )
        assert photos.count() > 10
        assert all(link.evidence.thumbnail for link in photos[:5])
    # Diligent and lax agencies: the board shows the difference.
    admin_view = compliance_board(
        _reader(serang),
        serang,
        today.year,
        Obligation.objects.get(government=serang, form__code="twibbon"),
        today,
    )
    shares = sorted(row.total.done / row.total.due for row in admin_view.rows if row.total.due)
    assert shares[0] < 0.6 < shares[-1]

    # Idempotent: a second run adds nothing.
    counts = (
        Activity.objects.count(),
        ActivityEvidence.objects.count(),
        Obligation.objects.count(),
    )
    again = demo.seed()
    assert all("already there" in line for line in again)
    assert (
        Activity.objects.count(),
        ActivityEvidence.objects.count(),
        Obligation.objects.count(),
    ) == counts


def _reader(government):
    from budaya.accounts.models import RoleGrant, User

    user = User.objects.create_user(username=f"lead.{government.slug}", password="x" * 20)
    RoleGrant.objects.create(user=user, role=Role.LEADERSHIP, government=government)
    return user
