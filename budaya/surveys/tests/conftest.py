"""A government with an adopted framework (two values, two guides each), an agency with a
sub-unit of six people and one of two, a head, and users linked to employees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from budaya.accounts.models import Role, User
from budaya.frameworks.models import (
    Adoption,
    BehaviourGuide,
    CoreValue,
    FrameworkVersion,
    Regulation,
    ValueFramework,
)
from budaya.org.models import Employee, Government, Unit
from budaya.surveys import services
from budaya.surveys.models import Survey


@dataclass
class Place:
    government: Government
    version: FrameworkVersion
    agency: Unit
    big: Unit
    small: Unit
    head: Employee
    staff: list[Employee]
    admin: User


def make_employee(unit: Unit, number: int, **extra: object) -> Employee:
    return Employee.objects.create(
        government=unit.government,
        unit=unit,
        nip=f"1990010120150{number:05d}",
        name=f"Pegawai {number}",
        sex="P",
        status="PNS",
        **extra,
    )


def employee_user(make_user, employee: Employee) -> User:
    agency = Unit.objects.get(pk=int(employee.unit.path.split("/")[0]))
    return make_user(
        f"u{employee.pk}", Role.EMPLOYEE, employee.government, agency, employee=employee
    )


@pytest.fixture
def place(government, make_user) -> Place:
    regulation = Regulation.objects.create(
        slug="se-uji", issuer="Menteri", kind="Surat Edaran", number="20", year=2021, title="Uji"
    )
    framework = ValueFramework.objects.create(slug="nilai-uji", name="NILAI")
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, legal_basis=regulation, content_hash="0" * 64
    )
    for order, name in ((1, "Berorientasi Pelayanan"), (2, "Akuntabel")):
        value = CoreValue.objects.create(version=version, order=order, code=f"v{order}", name=name)
        for guide in (1, 2):
            BehaviourGuide.objects.create(value=value, order=guide, text=f"{name} perilaku {guide}")
    Adoption.objects.create(
        government=government, version=version, adopted_from=datetime.date(2024, 1, 1)
    )
    agency = Unit.objects.create(government=government, kind="dinas", code="1", name="Dinas A")
    big = Unit.objects.create(
        government=government, parent=agency, kind="bidang", code="1.1", name="Bidang Besar"
    )
    small = Unit.objects.create(
        government=government, parent=agency, kind="bidang", code="1.2", name="Bidang Kecil"
    )
    head = make_employee(agency, 1, position_kind="struktural", echelon="II.b")
    staff = [make_employee(big, n) for n in range(2, 8)]
    staff += [make_employee(small, n) for n in range(8, 10)]
    return Place(
        government=government,
        version=version,
        agency=agency,
        big=big,
        small=small,
        head=head,
        staff=staff,
        admin=make_user("admin.survey", Role.CITY_ADMIN, government),
    )


def open_survey(place: Place, *, scale: str, comments: bool, **survey: object) -> Survey:
    """A questionnaire from the place's framework (one item per guide) and a survey of it, open
    for a week from today: ``kind``, ``title`` and ``unit`` or ``subject``."""
    questionnaire = services.generate_questionnaire(
        actor=place.admin,
        government=place.government,
        version=place.version,
        name=str(survey["title"]),
        scale=scale,
        comments=comments,
        source="guides",
    )
    today = timezone.localdate()
    made = services.create_survey(
        actor=place.admin,
        government=place.government,
        questionnaire=questionnaire,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        **survey,  # type: ignore[arg-type]
    )
    services.open_survey(actor=place.admin, survey=made)
    return made
