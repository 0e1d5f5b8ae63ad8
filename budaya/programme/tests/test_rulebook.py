"""Issue 18: each government's programme follows its own rulebook (stages, steps, citations,
checklists, the programme's name); a programme keeps the version it was started under."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.org.models import Government
from budaya.programme import services
from budaya.programme.models import ChecklistItem, Programme
from budaya.rulebook import services as rulebooks

pytestmark = pytest.mark.django_db


def _page(client, programme) -> str:
    return client.get(programme.get_absolute_url()).content.decode()


def test_serangs_programme_shows_lampiran_c1_c2_and_no_tangerang_citation(
    client, world, serang_book, tangerang_book
):
    serang = services.create_programme(government=world.other_government, unit=None, year=2025)
    tangerang = services.create_programme(government=world.government, unit=None, year=2025)
    client.force_login(world.foreign_user)  # Serang's city administrator
    page = _page(client, serang)
    # S Lampiran C.1: teams first; C.2: the declaration, socialisation and internalisation;
    # monitoring over the three areas a–c.
    for text in (
        "S Lampiran C.1",
        "Membentuk tim pada tingkat Perangkat Daerah",
        "Deklarasi nilai-nilai BerAKHLAK",
        "Sosialisasi dan internalisasi",
        "S Lampiran C.2 huruf c",
    ):
        assert text in page, text

    def step(stage: str, code: str) -> str:
        url = reverse("programme:step", args=[serang.government.slug, serang.pk, stage, code])
        return client.get(url).content.decode()

    declaration = step("pelaksanaan", "deklarasi")
    assert "harus dilakukan oleh jajaran pimpinan tertinggi Pemerintah Kota Serang" in declaration
    assert "S Lampiran C.2 paragraf kedua" in declaration
    assert "secara terus-menerus" in step("pelaksanaan", "sosialisasi-internalisasi")
    assert page.index("Perencanaan") < page.index("Pelaksanaan di Lingkungan Perangkat Daerah")
    assert "T Lampiran" not in page and "Komitmen dari Pimpinan tertinggi OPD" not in page
    assert "Buku aturan tidak menetapkan daftar periksa untuk program ini." in page
    # Serang's regulation sets no checklist: none was loaded for it.
    assert not ChecklistItem.objects.filter(government=world.other_government).exists()

    client.force_login(world.user(Role.CITY_ADMIN))
    page = _page(client, tangerang)
    assert "T Lampiran II angka II.1" in page and "Perumusan Nilai-Nilai" in page
    assert "Syarat-syarat keberhasilan pengembangan budaya kerja" in page
    assert "S Lampiran" not in page


def test_a_kabupaten_with_the_starter_gets_no_checklist_and_no_citys_citation(
    client, make_user, tangerang_book
):
    kabupaten = Government.objects.create(
        name="Kabupaten Contoh", slug="kabupaten-contoh", kind="kabupaten", kemendagri_code="99.01"
    )
    admin = make_user("admin.contoh", Role.CITY_ADMIN, kabupaten)
    client.force_login(admin)
    response = client.post(reverse("programme:create", args=[kabupaten.slug]), {"year": 2025})
    programme = Programme.objects.get(government=kabupaten)
    assert response.status_code == 302 and programme.rulebook_version is None
    assert not ChecklistItem.objects.filter(government=kabupaten).exists()
    page = _page(client, programme)
    assert "Program Budaya Kerja" in page  # the starter's name
    for city in ("T Lampiran", "S Lampiran", "Tangerang", "Serang"):
        assert city not in page, city
    # The starter's own three stages, each done as a whole.
    for stage in ("Perencanaan", "Pelaksanaan", "Monitoring dan evaluasi"):
        assert stage in page
    assert sorted(programme.steps.values_list("stage", "step")) == [
        ("monev", ""),
        ("pelaksanaan", ""),
        ("perencanaan", ""),
    ]
    response = client.post(
        reverse("programme:stage", args=[kabupaten.slug, programme.pk, "perencanaan"]),
        {"notes": "Tim dibentuk", "done": "on"},
    )
    assert response.status_code == 302
    assert "1/1" in _page(client, programme)


def test_a_kabupaten_whose_rulebook_says_budaya_pemerintahan_sees_that_name(client, make_user):
    kabupaten = Government.objects.create(
        name="Kabupaten Contoh", slug="kabupaten-contoh", kind="kabupaten", kemendagri_code="99.01"
    )
    admin = make_user("admin.contoh", Role.CITY_ADMIN, kabupaten)
    text = rulebooks.shipped_text("starter").replace(
        "  kind: Peraturan Kepala Daerah\n",
        "  kind: Peraturan Bupati\n  issuer: Bupati Contoh\n  number: 7\n  year: 2024\n  short: PB\n",
    )
    text = text.replace(
        "    text: Budaya Kerja\n    choice: government\n",
        "    text: Budaya Pemerintahan\n    source: Pasal 1 angka 5\n",
    )
    rulebooks.import_rulebook(government=kabupaten, text=text, acting_user=admin)
    client.force_login(admin)
    client.post(reverse("programme:create", args=[kabupaten.slug]), {"year": 2025})
    programme = Programme.objects.get(government=kabupaten)
    page = _page(client, programme)
    assert "Program Budaya Pemerintahan" in page and "Program Budaya Kerja" not in page
    board = client.get(reverse("programme:list", args=[kabupaten.slug]), {"year": 2025})
    assert "Program Budaya Pemerintahan 2025" in board.content.decode()
    assert not ChecklistItem.objects.filter(government=kabupaten).exists()


def test_a_programme_keeps_the_rulebook_it_was_started_under(client, world, tangerang_book):
    old = services.create_programme(government=world.government, unit=None, year=2025)
    content = rulebooks.parse_shipped("kota-tangerang").content
    content["programme"]["stages"][0]["name"] = "Perumusan Nilai Versi Baru"
    result = rulebooks.import_rulebook(
        government=world.government, text=rulebooks.to_yaml(content), acting_user=None
    )
    assert result.version is not None and result.version.number == 2
    new = services.create_programme(government=world.government, unit=None, year=2026)
    client.force_login(world.user(Role.CITY_ADMIN))
    assert "Perumusan Nilai-Nilai" in _page(client, old)
    assert "Perumusan Nilai Versi Baru" not in _page(client, old)
    assert "Perumusan Nilai Versi Baru" in _page(client, new)
