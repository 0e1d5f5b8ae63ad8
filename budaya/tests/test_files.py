"""Issue 17, part 6: stored file names are ours, never the client's; a download's name carries the
extension of the type served (a PDF never downloads as .exe)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as Docx
from hypothesis import given
from hypothesis import strategies as st

from budaya.accounts.models import Role
from budaya.activities import evidence as ev
from budaya.files import display_name, download_name
from budaya.monev import services as monev
from budaya.monev.models import Period, State
from budaya.org.models import EmployeeImport
from budaya.teams.models import Decree, DecreeScan, TeamPolicy
from budaya.teams.services import create_decree
from budaya.teams.tests.conftest import make_city

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# What a client may call its file: a path out of the folder, a script, a right-to-left override
# that shows "laporan\u202efdp.exe" as "laporanexe.pdf", NUL and control characters.
HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\evil.php",
    "evil.php",
    "laporan\u202efdp.exe",
    "lap\x00oran\x07\n.pdf",
    "Laporan Kegiatan Dinas Pendidikan Tahun Anggaran 2025 " * 10 + ".pdf",
    "日本語のファイル名.pdf",
]
CONTENT_DISPOSITION = re.compile(r'^(attachment|inline); filename="[^"/\\\x00-\x1f]+"')


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _no_client_part(stored: str, client_name: str) -> None:
    assert ".." not in stored and "\\" not in stored and "\x00" not in stored
    for part in re.split(r"[^A-Za-z]+", client_name):
        if len(part) > 3:
            assert part.lower() not in stored.lower(), (part, stored)


# --- Names, as functions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("laporan.exe", "laporan.pdf"),
        ("x.pdf.exe", "x.pdf"),
        ("laporan.exe. . .", "laporan.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\boot.ini", "boot.pdf"),
        ("laporan\u202efdp.exe", "laporanfdp.pdf"),
        ('a"b<c>d|e:f*g?h', "abcdefgh.pdf"),
        ("", "berkas.pdf"),
        (".exe", "exe.pdf"),  # a hidden file's dot dropped, nothing runs
    ],
)
def test_a_download_name_takes_the_served_types_extension(base, expected):
    assert download_name(base, "application/pdf") == expected


@given(st.text(max_size=300))
def test_any_name_becomes_a_safe_one(name):
    shown = display_name(name)
    assert shown and len(shown) <= 255
    assert not any(char in shown for char in '/\\"<>|:*?\x00')
    assert all(char == " " or char.isprintable() for char in shown)
    downloaded = download_name(name, "application/pdf")
    assert downloaded.endswith(".pdf") and not downloaded.startswith(".")
    assert len(downloaded) <= 104 and "/" not in downloaded


# --- Evidence ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_evidence_is_stored_under_a_generated_name(world, name):
    evidence = ev.store_file(
        government=world.government,
        unit=world.agency,
        upload=SimpleUploadedFile(name, PDF),
        actor=world.user(Role.UNIT_TEAM),
    )
    assert re.fullmatch(
        rf"evidence/{world.government.pk}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.pdf", evidence.file.name
    )
    _no_client_part(evidence.file.name, name)
    # The client's name is kept for display only, cleaned and bounded.
    assert len(evidence.original_name) <= 255
    assert not any(char in evidence.original_name for char in "/\\\x00\x07\n\u202e")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["laporan.exe", "x.pdf.exe", "laporan.pdf .exe"])
def test_a_pdf_named_exe_downloads_as_pdf(client, world, name):
    evidence = ev.store_file(
        government=world.government,
        unit=world.agency,
        upload=SimpleUploadedFile(name, PDF),
        actor=world.user(Role.UNIT_TEAM),
    )
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get(reverse("activities:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert CONTENT_DISPOSITION.match(disposition)
    assert disposition.endswith('.pdf"') and ".exe" not in disposition


# --- The roster import, the decree template -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["../../etc/passwd.csv", "evil.php.csv", "daftar\u202evsc.exe.csv", "x\x00y.csv"]
)
def test_a_roster_is_stored_under_a_generated_name(client, government, city_admin, name):
    client.force_login(city_admin)
    upload = SimpleUploadedFile(name, b"NIP;Nama\n198503152010011002;Ahmad Fiktif\n")
    client.post(reverse("org:import_create", args=[government.slug]), {"file": upload})
    job = EmployeeImport.objects.get()
    assert re.fullmatch(rf"imports/employees/{government.pk}/[0-9a-f]{{32}}\.csv", job.file.name), (
        job.file.name
    )
    _no_client_part(job.file.name, name)
    assert "/" not in job.original_name and "\x00" not in job.original_name


@pytest.mark.django_db
def test_a_decree_template_is_stored_under_a_generated_name(government):
    document = Docx()
    document.add_paragraph("SURAT KEPUTUSAN {{ subject }}")
    content = io.BytesIO()
    document.save(content)
    policy = TeamPolicy.objects.create(government=government)
    policy.decree_template = ContentFile(content.getvalue(), name="../../evil.php")
    policy.save()
    assert re.fullmatch(
        rf"teams/decree-templates/{government.pk}/[0-9a-f]{{32}}\.docx",
        policy.decree_template.name,
    )
    # What is not a document is never stored under a name that runs or renders.
    policy.decree_template = ContentFile(b"<?php system($_GET['c']); ?>", name="evil.php")
    policy.save()
    assert policy.decree_template.name.endswith(".bin")


# --- Report and decree downloads -----------------------------------------------------------


@pytest.mark.django_db
def test_a_report_of_an_agency_named_exe_downloads_as_pdf(client, world, make_user):
    world.agency.name = "laporan.exe"
    world.agency.save()
    admin = world.user(Role.CITY_ADMIN)
    period = monev.create_period(
        world.government,
        kind=Period.Kind.BERKALA,
        year=2025,
        title="Monev 2025",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 8, 31),
        actor=admin,
    )
    report = monev.start_report(period, world.agency, world.user(Role.UNIT_TEAM))
    assert report.state == State.DRAFT
    client.force_login(admin)
    for fmt, kind in (
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        response = client.get(
            reverse("monev:report_export", args=[world.government.slug, report.pk, fmt])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == kind
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert CONTENT_DISPOSITION.match(disposition)
        assert disposition.endswith(f'.{fmt}"') and ".exe" not in disposition


@pytest.mark.django_db
def test_a_decree_numbered_exe_downloads_as_pdf_and_docx(client, government, make_user):
    city = make_city(government)
    team = city.full_team()
    head = make_user("kepala.exe", Role.UNIT_HEAD, government, city.agency, employee=city.head)
    draft = create_decree(Decree(government=government, team=team, subject="laporan.exe"))
    client.force_login(head)
    scan = SimpleUploadedFile("laporan.exe", PDF, content_type="application/x-msdownload")
    response = client.post(
        reverse("teams:decree_sign", args=[government.slug, draft.pk]),
        {"number": "laporan.exe", "decided_on": "2025-02-03", "scan": scan},
    )
    assert response.status_code == 302
    evidence = DecreeScan.objects.get(decree=draft).evidence
    scan_response = client.get(reverse("activities:evidence_file", args=[evidence.pk]))
    assert scan_response["Content-Type"] == "application/pdf"
    assert scan_response["X-Content-Type-Options"] == "nosniff"
    assert scan_response["Content-Disposition"].endswith('.pdf"')
    assert ".exe" not in scan_response["Content-Disposition"]
    docx = client.get(reverse("teams:decree_draft", args=[government.slug, draft.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert CONTENT_DISPOSITION.match(docx["Content-Disposition"])
    assert docx["Content-Disposition"].endswith('.docx"')
    assert docx["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_evidence_saved_outside_the_service_still_gets_a_generated_name(world):
    from budaya.activities.models import Evidence

    evidence = Evidence(government=world.government, unit=world.agency, kind=Evidence.Kind.FILE)
    evidence.file = ContentFile(PDF, name="../../etc/passwd.php")
    evidence.save()
    assert re.fullmatch(rf"evidence/{world.government.pk}/[0-9a-f]{{32}}\.pdf", evidence.file.name)
