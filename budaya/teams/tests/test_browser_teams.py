"""In Chromium: the city administrator reads the compliance board; a unit head forms a KBK, is
warned about the eligibility rules, downloads the decree draft, uploads the signed scan, and the
chart and the board follow (issue 6, "Done when")."""

from __future__ import annotations

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.teams.tests.conftest import PDF, make_city, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_and_a_unit_head_forming_a_kbk(page, sign_in, make_user, government, tmp_path):
    city = make_city(government)
    # Dinas Perhubungan already has a KBK whose chair is echelon IV, with no justification.
    team = city.team("KBK Hubungan Baik", unit=city.other_agency)
    city.member(team, person(city.other_agency, "Kepala Dishub", "II.b"), "penanggung-jawab")
    city.member(team, person(city.other_agency, "Joko Kasi", "IV.a"), "ketua")
    admin = make_user("admin.kota", Role.CITY_ADMIN, government)
    head = make_user("kepala.dinkes", Role.UNIT_HEAD, government, city.agency, employee=city.head)

    # The city administrator sees which agency breaks which rule, and why.
    sign_in(admin)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Tim").click()
    page.get_by_role("link", name="Papan kepatuhan").click()
    missing = page.locator("tr", has_text="Dinas Kesehatan")
    assert "tidak mempunyai Kelompok Budaya Kerja (KBK) yang aktif" in missing.first.inner_text()
    chair = page.locator("tr", has_text="Joko Kasi").inner_text()
    assert "Dinas Perhubungan" in chair and "harus pejabat eselon III" in chair
    assert "Lampiran II angka III.2 huruf e angka 2)" in chair
    expect(page.get_by_role("link", name="Ganti atau beri alasan")).to_be_visible()

    # The unit head forms the KBK of Dinas Kesehatan.
    page.context.clear_cookies()
    sign_in(head)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Tim").click()
    assert page.get_by_text("KBK Hubungan Baik").count() == 0  # another agency's team
    page.get_by_role("link", name="Bentuk tim").click()
    page.get_by_label("Jenis").select_option(label="Kelompok Budaya Kerja (KBK)")
    page.locator("#id_unit").select_option(label="Dinas Kesehatan")
    page.get_by_label("Nama").fill("KBK Sehat Melayani")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="KBK Sehat Melayani")).to_be_visible()

    def add(label: str, role: str, justification: str = "") -> None:
        page.get_by_role("link", name="Tambah anggota").click()
        page.locator("#id_employee").select_option(label=label)
        page.locator("#id_role").select_option(label=role)
        if justification:
            page.locator("#id_justification").fill(justification)
        page.get_by_role("button", name="Tambah").click()

    add("Ratna Kepala (II.b, Kepala Dinas Kesehatan)", "Penanggung-jawab")
    add("Dewi Kasi (IV.a, Kepala Seksi Gizi)", "Ketua")
    warnings = page.locator(".eligibility-warnings").inner_text()
    assert "Peringatan persyaratan" in warnings and "harus pejabat eselon III" in warnings
    page.locator("#id_justification").fill("Kepala bidang sedang tugas belajar sampai Desember.")
    page.get_by_role("button", name="Tambah").click()
    add("Sari Kasi (IV.a, Kepala Seksi Promkes)", "Sekretaris")
    add("Andi Kabid (III.a, Sekretaris Dinas)", "Fasilitator")
    assert "Kepala bidang sedang tugas belajar" in page.locator(".team-exceptions").inner_text()
    chart = page.locator("svg.team-chart-svg")
    assert "Ratna Kepala" in chart.inner_html() and "Dewi Kasi" in chart.inner_html()
    assert chart.locator("line.coordination").count() == 1

    # The decree: draft, download, sign, upload the scan.
    page.get_by_role("link", name="Susun draf keputusan").click()
    page.get_by_role("button", name="Simpan draf").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh draf (DOCX)").click()
    document = Document(str(download.value.path()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert text.startswith("KEPUTUSAN KEPALA DINAS KESEHATAN KOTA TANGERANG")
    assert "MEMUTUSKAN:" in text and "LAMPIRAN" in text
    names = [row.cells[1].text for row in document.tables[0].rows]
    assert any(name.startswith("Dewi Kasi") for name in names)
    scan = tmp_path / "sk-ditandatangani.pdf"
    scan.write_bytes(PDF)
    page.locator("#id_number").fill("800/Kep.12-Dinkes/2025")
    page.locator("#id_decided_on").fill("2025-02-03")
    page.locator("#id_scan").set_input_files(str(scan))
    page.get_by_role("button", name="Catat sebagai ditandatangani").click()
    expect(page.get_by_text("Keputusan yang ditandatangani sudah dicatat.")).to_be_visible()
    expect(page.get_by_role("link", name="sk-ditandatangani.pdf")).to_be_visible()

    # The team page and the chart follow; the board no longer lists Dinas Kesehatan.
    page.get_by_role("link", name="KBK Sehat Melayani").first.click()
    expect(page.get_by_role("link", name="800/Kep.12-Dinkes/2025").first).to_be_visible()
    page.get_by_role("link", name="Bagan untuk dicetak").click()
    assert "DEWI KASI" in page.locator(".chart-sheet").inner_text().upper()
    page.context.clear_cookies()
    sign_in(admin)
    page.goto(f"/teams/{government.slug}/compliance/")
    body = page.locator("main").inner_text()
    assert not re.search(r"Dinas Kesehatan tidak mempunyai", body)
    assert "KBK Sehat Melayani belum mempunyai keputusan" not in body
    assert "Joko Kasi" in body
