"""manage.py seed_demo: two cities with real agency trees, fictional people, and working logins."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from budaya.accounts.models import UNIT_SCOPED_ROLES, Role, RoleGrant, User
from budaya.frameworks.models import Adoption, FrameworkVersion, Regulation
from budaya.org.demo.seed import DEFAULT_DEMO_PASSWORD, DEMO_PASSWORD_ENV, SYSTEM_ADMIN_USERNAME
from budaya.org.models import Employee, Government, Unit

pytestmark = pytest.mark.django_db

PNS_RANKS = {f"{group}/{grade}" for group in ("I", "II", "III") for grade in "abcd"} | {
    f"IV/{grade}" for grade in "abcde"
}
PPPK_GRADES = {
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
}  # fmt: skip
# The officials who signed the two regulations: no demo person may carry their names.
REAL_OFFICIALS = {
    "arief",
    "wismansyah",
    "dadi",
    "budaeri",
    "nanang",
    "saefudin",
    "taruli",
    "barita",
    "syafrudin",
}
TANGERANG_KECAMATAN = {
    "Tangerang",
    "Karawaci",
    "Cibodas",
    "Jatiuwung",
    "Periuk",
    "Neglasari",
    "Batuceper",
    "Benda",
    "Cipondoh",
    "Pinang",
    "Karang Tengah",
    "Ciledug",
    "Larangan",
}
SERANG_KECAMATAN = {"Serang", "Cipocok Jaya", "Curug", "Kasemen", "Taktakan", "Walantaka"}
CITY_ROLES = {Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE}


@pytest.fixture(autouse=True)
def fast_hashing(settings, monkeypatch):
    # Sign-in is what is tested here, not PBKDF2's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv(DEMO_PASSWORD_ENV, raising=False)


@pytest.fixture(autouse=True)
def registry_only(monkeypatch):
    # The registry's demo is tested here; each later app tests the part it adds to the demo.
    monkeypatch.setattr("budaya.org.demo.seed.seed_other_apps", list)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def nip_problems(nip: str, sex: str) -> list[str]:
    """The NIP rule: birth date YYYYMMDD, appointment YYYYMM at least 18 years after birth,
    sex digit 1 (male) or 2 (female) agreeing with the record, 3-digit sequence."""
    if not re.fullmatch(r"\d{18}", nip):
        return ["not 18 digits"]
    problems = []
    try:
        born = datetime.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return ["birth date is not a real date"]
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        problems.append("appointment month")
    elif (year, month) < (born.year + 18, born.month):
        problems.append("appointed before the age of 18")
    if nip[14] != {"L": "1", "P": "2"}[sex]:
        problems.append("sex digit")
    if nip[15:] == "000":
        problems.append("sequence")
    return problems


def snapshot() -> dict[str, list[dict]]:
    models = (Government, Unit, Employee, User, RoleGrant, Regulation, FrameworkVersion, Adoption)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def test_creates_both_cities_with_their_agency_trees():
    seed()
    tangerang = Government.objects.get(slug="kota-tangerang")
    serang = Government.objects.get(slug="kota-serang")
    assert (tangerang.name, tangerang.kind, tangerang.kemendagri_code) == (
        "Kota Tangerang",
        "kota",
        "36.71",
    )
    assert (serang.name, serang.kind, serang.kemendagri_code) == ("Kota Serang", "kota", "36.73")
    for government in (tangerang, serang):
        assert government.timezone == Government.TimeZone.WIB

    for government, kecamatan in ((tangerang, TANGERANG_KECAMATAN), (serang, SERANG_KECAMATAN)):
        units = Unit.objects.filter(government=government)
        agencies = units.filter(parent=None)
        assert set(agencies.values_list("kind", flat=True)) == {
            Unit.Kind.SETDA,
            Unit.Kind.SETWAN,
            Unit.Kind.INSPEKTORAT,
            Unit.Kind.DINAS,
            Unit.Kind.BADAN,
            Unit.Kind.SATPOL_PP,
            Unit.Kind.KECAMATAN,
            Unit.Kind.RSUD,
        }
        names = set(agencies.values_list("name", flat=True))
        assert {
            "Sekretariat Daerah",
            "Inspektorat",
            "Dinas Kesehatan",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            "Badan Perencanaan Pembangunan Daerah",
            "Satuan Polisi Pamong Praja",
        } <= names
        assert {f"Kecamatan {name}" for name in kecamatan} == set(
            agencies.filter(kind=Unit.Kind.KECAMATAN).values_list("name", flat=True)
        )
        setda = agencies.get(kind=Unit.Kind.SETDA)
        bagian = set(setda.children.values_list("name", flat=True))
        assert {"Bagian Organisasi", "Bagian Hukum", "Bagian Umum"} <= bagian
        dinkes = agencies.get(name="Dinas Kesehatan")
        assert dinkes.children.filter(kind=Unit.Kind.UPTD, name__contains="Puskesmas").count() >= 3
        assert dinkes.children.filter(kind=Unit.Kind.BIDANG).exists()
        assert units.filter(kind=Unit.Kind.SEKSI, parent__kind=Unit.Kind.BIDANG).exists()
        for kelurahan in units.filter(kind=Unit.Kind.KELURAHAN).select_related("parent"):
            assert kelurahan.parent is not None
            assert kelurahan.parent.kind == Unit.Kind.KECAMATAN
        assert all(
            units.filter(parent__kind=Unit.Kind.KECAMATAN, parent__name=f"Kecamatan {name}")
            .filter(kind=Unit.Kind.KELURAHAN)
            .exists()
            for name in kecamatan
        )

    # The materialised path of every unit is its parent's path plus its own id.
    for unit in Unit.objects.select_related("parent"):
        parent_path = unit.parent.path if unit.parent else ""
        assert unit.path == f"{parent_path}{unit.pk}/"


def test_heads_hold_the_echelon_of_their_post():
    seed()
    for government in Government.objects.all():
        staff = Employee.objects.filter(government=government)

        sekda = staff.get(position_name="Sekretaris Daerah")
        assert (sekda.echelon, sekda.unit.kind) == ("II.a", Unit.Kind.SETDA)
        for dinas in Unit.objects.filter(government=government, kind=Unit.Kind.DINAS):
            chief = staff.get(unit=dinas, position_name=f"Kepala {dinas.name}")
            assert chief.echelon == "II.b"
            assert chief.rank in {"IV/c", "IV/d"}
        for kecamatan in Unit.objects.filter(government=government, kind=Unit.Kind.KECAMATAN):
            place = kecamatan.name.removeprefix("Kecamatan ")
            assert staff.get(unit=kecamatan, position_name=f"Camat {place}").echelon == "III.a"
        for kelurahan in Unit.objects.filter(government=government, kind=Unit.Kind.KELURAHAN):
            place = kelurahan.name.removeprefix("Kelurahan ")
            assert staff.get(unit=kelurahan, position_name=f"Lurah {place}").echelon == "IV.a"
        for bidang in Unit.objects.filter(government=government, kind=Unit.Kind.BIDANG):
            assert staff.filter(unit=bidang, echelon="III.b").count() == 1
        for seksi in Unit.objects.filter(government=government, kind=Unit.Kind.SEKSI):
            assert staff.filter(unit=seksi, echelon="IV.a").count() == 1
        # Every structural post is held by a PNS; PPPK hold functional or executor posts.
        assert not staff.filter(position_kind="struktural").exclude(status="PNS").exists()
        assert set(staff.values_list("position_kind", flat=True)) == {
            "struktural",
            "fungsional",
            "pelaksana",
        }


def test_every_employee_has_a_valid_number_and_rank():
    seed()
    employees = list(Employee.objects.all())
    assert 300 < len(employees) < 2000
    pns = [employee for employee in employees if employee.status == "PNS"]
    pppk = [employee for employee in employees if employee.status == "PPPK"]
    assert pns and pppk
    for employee in pns:
        assert employee.nip is not None and employee.ni_pppk is None
        assert nip_problems(employee.nip, employee.sex) == [], employee.nip
        assert employee.rank in PNS_RANKS
    for employee in pppk:
        assert employee.nip is None and employee.ni_pppk
        assert re.fullmatch(r"\d{18}", employee.ni_pppk)
        assert employee.rank in PPPK_GRADES
    assert len({employee.nip for employee in pns}) == len(pns)
    assert {employee.sex for employee in employees} == {"L", "P"}
    assert any(employee.front_title for employee in employees)
    assert any(employee.back_title for employee in employees)


def test_people_are_fictional():
    seed()
    for name in Employee.objects.values_list("name", flat=True):
        assert not set(name.casefold().split()) & REAL_OFFICIALS, name


def test_second_run_changes_nothing():
    seed()
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "(0 new)" in output


def test_more_staff_per_agency_only_adds_people():
    seed(staff_per_agency=2)
    before = {row["nip"] or row["ni_pppk"]: row for row in Employee.objects.values()}
    agencies = Unit.objects.filter(parent=None).count()
    seed(staff_per_agency=4)
    after = {row["nip"] or row["ni_pppk"]: row for row in Employee.objects.values()}
    assert len(after) == len(before) + 2 * agencies
    assert all(after[key] == row for key, row in before.items())


def test_each_role_signs_in_in_both_cities_with_the_demo_password(client):
    seed()
    grants = RoleGrant.objects.select_related("user__employee__unit", "government", "unit")
    sysadmin = User.objects.get(username=SYSTEM_ADMIN_USERNAME)
    assert sysadmin.is_superuser and not sysadmin.role_grants.exists()
    logins = [sysadmin]
    for government in Government.objects.all():
        for role in CITY_ROLES:
            grant = grants.filter(government=government, role=role).first()
            assert grant is not None, (government, role)
            logins.append(grant.user)
            if role in UNIT_SCOPED_ROLES:
                assert grant.unit is not None and grant.unit.parent_id is None
                employee = grant.user.employee
                assert employee is not None
                assert employee.unit.path.startswith(grant.unit.path)
            if role == Role.UNIT_HEAD:
                assert grant.user.employee.unit == grant.unit
                assert grant.user.employee.echelon == "II.b"
        sekda = User.objects.get(username=f"sekda.{government.slug.removeprefix('kota-')}")
        assert sekda.employee is not None
        assert sekda.employee.position_name == "Sekretaris Daerah"

    for user in logins:
        response = client.post(
            reverse("login"), {"username": user.username, "password": DEFAULT_DEMO_PASSWORD}
        )
        assert response.status_code == 302, user.username
        assert client.get(reverse("home")).status_code == 200
        assert int(client.session["_auth_user_id"]) == user.pk
        client.logout()


def test_logins_and_password_are_printed():
    output = seed()
    for username in (
        "sysadmin",
        "admin.tangerang",
        "sekda.tangerang",
        "walikota.tangerang",
        "kepala.dinkes.tangerang",
        "admin.serang",
        "walikota.serang",
        "pegawai.dinkes.serang",
    ):
        assert username in output
    assert "Dinas Kesehatan" in output
    assert DEFAULT_DEMO_PASSWORD in output
    assert DEMO_PASSWORD_ENV in output
    assert "http://127.0.0.1:8000/" in output
    assert seed(verbosity=0) == ""


def test_password_comes_from_the_environment(client, monkeypatch):
    monkeypatch.setenv(DEMO_PASSWORD_ENV, "sandi-demo-dari-env")
    assert "sandi-demo-dari-env" in seed()
    assert client.login(username="admin.serang", password="sandi-demo-dari-env")

    # Changing it later does not silently take over existing logins: it is flagged ...
    monkeypatch.setenv(DEMO_PASSWORD_ENV, "sandi-demo-yang-baru")
    assert "--reset-passwords" in seed()
    assert not client.login(username="admin.serang", password="sandi-demo-yang-baru")
    # ... and set on request.
    seed(reset_passwords=True)
    assert client.login(username="admin.serang", password="sandi-demo-yang-baru")

    monkeypatch.setenv(DEMO_PASSWORD_ENV, "pendek")
    with pytest.raises(CommandError, match="at least 12"):
        seed()


def test_frameworks_are_adopted_as_the_regulations_say():
    seed()
    tangerang = Adoption.objects.select_related("version__framework").get(
        government__slug="kota-tangerang"
    )
    assert tangerang.version.framework.slug == "prima"
    assert tangerang.adopted_from == datetime.date(2018, 7, 2)
    assert tangerang.decision == "Peraturan Walikota Tangerang Nomor 62 Tahun 2018"
    serang = Adoption.objects.select_related("version__framework").get(
        government__slug="kota-serang"
    )
    assert serang.version.framework.slug == "berakhlak"
    assert serang.adopted_from == datetime.date(2023, 6, 26)
    assert serang.decision == "Peraturan Wali Kota Serang Nomor 34 Tahun 2023"


def test_refuses_to_run_under_production_settings(settings):
    settings.SETTINGS_MODULE = "budaya.settings.production"
    with pytest.raises(CommandError, match="production"):
        seed()
    assert not Government.objects.exists()
