"""A city administrator imports a messy roster in Chromium: preview, confirm, result (issue 4)."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.org.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_and_confirm_a_messy_roster(
    page, sign_in, make_user, government, agency, tmp_path
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PEMERINTAH KOTA TANGERANG"])
    sheet.append(["DAFTAR URUT KEPANGKATAN PNS"])
    sheet.append([])
    sheet.append(["No", "NIP BARU", "Nama", "JK", "Gol. Ruang", "Eselon", "Jabatan", "Unit Kerja"])
    sheet.append(
        [
            1,
            "'19850315 201001 1 002",
            "Dr. Ahmad Fiktif, M.Si.",
            "L",
            "IV/a",
            "IIb",
            "Kepala Dinas",
            " dinas pendidikan ",
        ]
    )
    sheet.append(
        [2, 1.98503152010011e17, "Budi Angka", "L", "III/a", "-", "Staf", "Dinas Pendidikan"]
    )
    sheet.append(
        [3, "199001012015032001", "Siti Contoh", "P", "III/a", "-", "Analis", "Dinas Pendidkan"]
    )
    path = tmp_path / "duk-tangerang.xlsx"
    workbook.save(path)

    sign_in(make_user("admin.kota", Role.CITY_ADMIN, government))
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Pegawai"
    ).click()
    page.get_by_role("link", name="Impor daftar pegawai").click()
    page.get_by_label("Berkas daftar pegawai (XLSX atau CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()

    # The preview: one new employee, two rows rejected with their reasons; nothing written yet.
    expect(page.get_by_role("heading", name="Yang akan dilakukan impor ini")).to_be_visible()
    assert page.locator(".card", has_text="pegawai baru").inner_text().startswith("1")
    assert page.locator(".card", has_text="baris ditolak").inner_text().startswith("2")
    expect(page.get_by_text("Format kolom NIP sebagai Teks").first).to_be_visible()
    expect(page.get_by_text("Maksud Anda “Dinas Pendidikan”?")).to_be_visible()
    assert Employee.objects.count() == 0

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Konfirmasi dan impor").click()
    expect(page.get_by_role("heading", name="Telah diimpor")).to_be_visible()

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Pegawai"
    ).click()
    row = page.get_by_role("row", name="Dr. Ahmad Fiktif, M.Si.")
    assert "198503152010011002" in row.inner_text() and "IV/a · II.b" in row.inner_text()
