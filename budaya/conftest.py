"""Fixtures shared by every app's tests: two governments, agencies, and users for each role."""

from __future__ import annotations

import pytest

from budaya.accounts.models import Role, RoleGrant, User
from budaya.org.models import Employee, Government, Unit

PASSWORD = "kata-sandi-uji-yang-panjang"


@pytest.fixture
def government(db) -> Government:
    return Government.objects.create(
        name="Kota Tangerang", slug="kota-tangerang", kind="kota", kemendagri_code="36.71"
    )


@pytest.fixture
def other_government(db) -> Government:
    return Government.objects.create(
        name="Kota Serang", slug="kota-serang", kind="kota", kemendagri_code="36.73"
    )


@pytest.fixture
def agency(government) -> Unit:
    return Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="1.01", name="Dinas Pendidikan"
    )


@pytest.fixture
def make_user(db):
    def make(username: str, role: str | None = None, government=None, unit=None, **extra) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if role:
            RoleGrant.objects.create(user=user, role=role, government=government, unit=unit)
        return user

    return make


@pytest.fixture
def system_admin(make_user) -> User:
    return make_user("sysadmin", Role.SYSTEM_ADMIN)


@pytest.fixture
def city_admin(make_user, government) -> User:
    return make_user("admin.tangerang", Role.CITY_ADMIN, government)


@pytest.fixture
def employee(agency) -> Employee:
    return Employee.objects.create(
        government=agency.government,
        unit=agency,
        nip="198503152010011002",
        name="Budi Santoso Fiktif",
        sex="L",
        status="PNS",
        rank="III/c",
    )
