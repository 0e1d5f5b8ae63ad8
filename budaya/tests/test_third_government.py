"""A third government end to end (issue 18, item 4): a kabupaten whose regulation says "budaya
pemerintahan" and "Bupati", with its rulebook written from the starter and a value framework
loaded from a file, runs the programme with no code of its own. No page or document it sees
names another government, "Wali Kota" or "kota".

``third_government`` (and ``make_third_government``) is the shared setting: the teams part is
tested here; the monitoring part (a period and a report through its chain to the Bupati) extends
it, e.g. with ``test_third_government_reports_through_its_chain`` below the teams tests.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from budaya.accounts.models import Role, User
from budaya.frameworks import services as framework_services
from budaya.org.models import Employee, Government, Unit
from budaya.rulebook import services as rulebook_services
from budaya.teams.models import Decree, Designation, Team, TeamKind, TeamRole

FRAMEWORK_FILE = (
    Path(__file__).resolve().parent.parent
    / "frameworks"
    / "tests"
    / "fixtures"
    / "kabupaten-contoh.yaml"
)
# What a page or document of the third government must never say (issue 18, item 4).
FORBIDDEN = re.compile(r"\bkota\b|wali\s*kota|tangerang|serang", re.IGNORECASE)


def third_rulebook() -> str:
    """The starter, edited as the kabupaten's administrator would from its Peraturan Bupati."""
    text = rulebook_services.shipped_text("starter")
    text = text.replace(
        "  kind: Peraturan Kepala Daerah\n",
        "  kind: Peraturan Bupati\n  issuer: Bupati Contoh\n  number: 7\n  year: 2024\n"
        "  short: PB\n  framework: cerdas\n",
    ).replace(
        "format: budaya-rulebook/1\n", "format: budaya-rulebook/1\ngovernment_kind: kabupaten\n"
    )
    text = text.replace("Kepala Daerah\n", "Bupati\n")
    text = text.replace(
        "    text: Budaya Kerja\n    choice: government\n",
        "    text: Budaya Pemerintahan\n    source: Pasal 1 angka 5\n",
    )
    text = text.replace(
        "    text: Pemerintah Daerah\n    choice: government\n",
        "    text: Pemerintah Kabupaten Contoh\n    source: Pasal 1 angka 2\n",
    )
    text = text.replace("Tim Budaya Kerja", "Tim Budaya Pemerintahan")
    # Role models: PNS and PPPK employees or units (its own Pasal 1 angka 12).
    return text.replace(
        "  role_model:\n    subjects: [employee, unit, agency]\n    choice: government\n",
        "  role_model:\n    subjects: [employee, unit]\n    source: Pasal 1 angka 12\n"
        "    text: Teladan adalah pegawai atau unit kerja yang menjadi contoh.\n",
    )


@dataclass
class ThirdGovernment:
    government: Government
    admin: User
    agency: Unit
    head: Employee
    official: Employee
    staff: Employee


def make_third_government(make_user) -> ThirdGovernment:
    """Kabupaten Contoh with its own rulebook and framework, beside the two shipped cities (so a
    page that leaks another government's words shows it)."""
    for name, slug, code in (
        ("Kota Tangerang", "kota-tangerang", "36.71"),
        ("Kota Serang", "kota-serang", "36.73"),
    ):
        city = Government.objects.create(name=name, slug=slug, kind="kota", kemendagri_code=code)
        rulebook_services.load_shipped(government=city, name=slug)
    government = Government.objects.create(
        name="Kabupaten Contoh", slug="kabupaten-contoh", kind="kabupaten", kemendagri_code="99.01"
    )
    admin = make_user("admin.contoh", Role.CITY_ADMIN, government, first_name="Dewi")
    rulebook_services.import_rulebook(
        government=government, text=third_rulebook(), acting_user=admin
    )
    # Its own framework and regulation (issue 17): no other government reads them.
    imported = framework_services.import_framework(
        FRAMEWORK_FILE.read_text(encoding="utf-8"),
        owner=government,
        source_name=FRAMEWORK_FILE.name,
    )
    framework_services.adopt_version(
        government=government, version=imported.version, adopted_from=datetime.date(2024, 3, 4)
    )
    agency = Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="DINKES", name="Dinas Kesehatan"
    )

    def employee(name: str, echelon: str, status: str, number: int, position: str) -> Employee:
        return Employee.objects.create(
            government=government,
            unit=agency,
            nip=f"19800101200501{number:04d}" if status == "PNS" else None,
            ni_pppk=f"19900101202421{number:04d}" if status == "PPPK" else None,
            name=name,
            sex="P",
            status=status,
            echelon=echelon,
            position_name=position,
        )

    return ThirdGovernment(
        government=government,
        admin=admin,
        agency=agency,
        head=employee("Sri Kepala", "II.b", "PNS", 1, "Kepala Dinas Kesehatan"),
        official=employee("Budi Pejabat", "III.a", "PNS", 2, "Sekretaris Dinas"),
        staff=employee("Nia Pelaksana", "", "PPPK", 3, "Pranata Komputer"),
    )


@pytest.fixture
def third_government(db, make_user) -> ThirdGovernment:
    return make_third_government(make_user)


def _says_nothing_of_another_government(text: str, where: str) -> None:
    found = sorted({text[max(0, m.start() - 60) : m.end() + 20] for m in FORBIDDEN.finditer(text)})
    assert found == [], f"{where} says {found}"


def _visible(html: str) -> str:
    """The text a user reads (and the title), without markup."""
    return re.sub(r"<[^>]+>", " ", html)


def test_third_government_forms_a_team_and_designates_a_role_model(client, third_government):
    third = third_government
    slug = third.government.slug
    client.force_login(third.admin)

    # Its own kinds and roles, from its rulebook's teams section.
    kinds = {kind.code: kind for kind in TeamKind.objects.filter(government=third.government)}
    assert kinds["tim-pd"].name == "Tim Budaya Pemerintahan Perangkat Daerah"
    roles = {role.code: role for role in TeamRole.objects.filter(government=third.government)}

    answer = client.post(
        reverse("teams:team_create", args=[slug]),
        {"kind": kinds["tim-pd"].pk, "unit": third.agency.pk, "name": "Tim Sehat Bersama"},
    )
    assert answer.status_code == 302
    team = Team.objects.get(government=third.government)
    for employee, role in ((third.official, "ketua"), (third.staff, "anggota")):
        answer = client.post(
            reverse("teams:member_add", args=[slug, team.pk]),
            {"employee": employee.pk, "role": roles[role].pk, "start_on": "2025-01-06"},
        )
        assert answer.status_code == 302, answer.content.decode()[:2000]

    # A government-wide team: its decree is issued by the Bupati.
    city_team = Team.objects.create(
        government=third.government, kind=kinds["tim-daerah"], name="Tim Budaya Pemerintahan"
    )
    create = reverse("teams:decree_create", args=[slug, city_team.pk])
    form = client.get(create).content.decode()
    assert "Bupati Contoh" in form
    answer = client.post(
        create,
        {
            "purpose": "establish",
            "subject": "Pembentukan Tim Budaya Pemerintahan",
            "place": "Contoh",
            "signer_name": "",
            "signer_position": "Bupati Contoh",
        },
    )
    assert answer.status_code == 302
    draft = Decree.objects.get(team=city_team)
    docx = client.get(reverse("teams:decree_draft", args=[slug, draft.pk]))
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("KEPUTUSAN BUPATI CONTOH")
    assert "perilaku penting budaya pemerintahan di lingkungan Kabupaten Contoh" in text
    assert "Peraturan Bupati Contoh Nomor 7 Tahun 2024" in text  # its framework's regulation
    _says_nothing_of_another_government(text, "the decree draft")

    # A role model: a person, as its rulebook allows.
    answer = client.post(
        reverse("teams:designation_create", args=[slug]),
        {
            "kind": "role_model",
            "subject": "employee",
            "nip": third.official.nip,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "reasons": "Selalu menjadi contoh.",
        },
    )
    assert answer.status_code == 302
    assert Designation.objects.get(government=third.government).employee == third.official

    pages = {
        "home": reverse("home"),
        "team list": reverse("teams:team_list", args=[slug]),
        "team": reverse("teams:team_detail", args=[slug, team.pk]),
        "chart": reverse("teams:team_chart", args=[slug, team.pk]),
        "team form": reverse("teams:team_create", args=[slug]),
        "member form": reverse("teams:member_add", args=[slug, team.pk]),
        "decree": reverse("teams:decree_detail", args=[slug, draft.pk]),
        "decrees": reverse("teams:decree_list", args=[slug]),
        "rules": reverse("teams:rules", args=[slug]),
        "compliance": reverse("teams:compliance", args=[slug]),
        "role models": reverse("teams:designation_list", args=[slug]),
        "nomination": reverse("teams:designation_create", args=[slug]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = _visible(response.content.decode())
        _says_nothing_of_another_government(page, name)
        # The footer of every page names its programme and government as its rulebook does.
        assert "Budaya Pemerintahan · Pemerintah Kabupaten Contoh" in page, name
    home = _visible(client.get(reverse("home")).content.decode())
    assert "Kepala daerah: Bupati" in home or "Bupati" in home


def test_third_government_refuses_what_its_rulebook_does_not_allow(client, third_government):
    third = third_government
    client.force_login(third.admin)
    answer = client.post(
        reverse("teams:designation_create", args=[third.government.slug]),
        {
            "kind": "role_model",
            "subject": "agency",
            "unit": third.agency.pk,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "reasons": "Perangkat daerah teladan.",
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and not Designation.objects.exists()
    assert "PB Pasal 1 angka 12" in page
    _says_nothing_of_another_government(_visible(page), "the refused nomination")


def test_third_government_reads_its_framework_rulebook_and_audit_trail_in_its_words(
    client, third_government
):
    """The pages a new government's administrator opens while setting up: its framework (with
    the form to copy it, whose example identifier once said "kota"), its rulebook and its audit
    trail (the team kinds its rulebook wrote, by code: the starter's once said "tim-kota")."""
    third = third_government
    slug = third.government.slug
    client.force_login(third.admin)
    pages = {
        "framework": reverse("frameworks:version", args=["cerdas", 1]),
        "rulebook": reverse("rulebook:detail", args=[slug]),
        "audit trail": reverse("accounts:audit_list"),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        _says_nothing_of_another_government(_visible(response.content.decode()), name)
