"""The teams demo: a KBK in every Tangerang agency, a few out of order; Serang's reform teams."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from budaya.org.models import Government, Unit
from budaya.teams import demo, selectors
from budaya.teams.models import Decree, Designation, Membership, Team

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def teams_only(monkeypatch):
    # The registry and the teams are what is tested here; the later apps test their own demo.
    monkeypatch.setattr("budaya.org.demo.seed.seed_other_apps", demo.seed)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--staff-per-agency", "6", stdout=out)
    return out.getvalue()


def test_demo_teams_are_made_once_and_show_each_kind_of_problem():
    _seed()
    counts = (Team.objects.count(), Membership.objects.count(), Decree.objects.count(),
              Designation.objects.count())  # fmt: skip
    output = _seed()
    assert "KBK with members" not in output
    assert counts == (Team.objects.count(), Membership.objects.count(), Decree.objects.count(),
                      Designation.objects.count())  # fmt: skip
    tangerang = Government.objects.get(slug="kota-tangerang")
    agencies = Unit.objects.filter(government=tangerang, parent__isnull=True).count()
    assert Team.objects.filter(government=tangerang, kind__code="kbk").count() == agencies
    board = selectors.compliance(tangerang, timezone.localdate())
    assert {line.agency for line in board.without_decree} == {
        "Dinas Tenaga Kerja",
        "Dinas Kepemudaan dan Olahraga",
    }
    assert [line.agency for line in board.breaking if "echelon" in line.reason] == [
        "Dinas Perhubungan"
    ]
    assert [line.agency for line in board.departed] == ["Dinas Pekerjaan Umum dan Penataan Ruang"]
    assert [line.agency for line in board.old_decrees] == ["Badan Perencanaan Pembangunan Daerah"]
    serang = Government.objects.get(slug="kota-serang")
    assert Team.objects.filter(government=serang, unit__isnull=True).count() == 1
    assert Team.objects.filter(government=serang, kind__code="tim-rb-pd").exists()
    assert Designation.objects.filter(government=serang, status="published").exists()


def test_a_demo_decree_scan_is_a_whole_pdf_that_says_it_is_a_sample(settings, tmp_path):
    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path
    _seed()
    decree = Decree.objects.filter(status=Decree.Status.SIGNED, scans__isnull=False).first()
    assert decree is not None
    with decree.scans.get().file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()), strict=True)  # a cross-reference table
    text = reader.pages[0].extract_text()
    assert "CONTOH DATA DEMO" in text and decree.number in text
