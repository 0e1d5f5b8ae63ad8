"""A city administrator imports a messy roster in Chromium: preview, confirm, result (issue 4).

The import runs as in ``make run``: in a background thread of the server, never inside the
request; the page follows its progress and reloads when it is done (issue 23)."""

import threading
import time

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.org import services
from budaya.org.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_and_confirm_a_messy_roster(
    page, sign_in, make_user, government, agency, tmp_path, task_backend, monkeypatch
):
    task_backend("budaya.tasks.ThreadBackend")
    ran_in: list[str] = []
    for name in ("plan_employee_import", "apply_employee_import"):
        work = getattr(services, name)
        monkeypatch.setattr(
            services,
            name,
            lambda pk, work=work: ran_in.append(threading.current_thread().name) or work(pk),
        )
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
    expect(page.get_by_role("heading", name="Yang akan dilakukan impor ini")).to_be_visible(
        timeout=30_000
    )
    assert page.locator(".card", has_text="pegawai baru").inner_text().startswith("1")
    assert page.locator(".card", has_text="baris ditolak").inner_text().startswith("2")
    expect(page.get_by_text("Format kolom NIP sebagai Teks").first).to_be_visible()
    expect(page.get_by_text("Maksud Anda “Dinas Pendidikan”?")).to_be_visible()
    assert Employee.objects.count() == 0

    # On a phone each rejected row reads as a card: its reason labelled, within the screen
    # (in a table it sat in a fourth column, scrolled off to the right).
    width = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    reason = page.locator("td", has_text="Format kolom NIP sebagai Teks")
    expect(reason).to_have_attribute("data-label", "Alasan")
    box = reason.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    page.set_viewport_size(width)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Konfirmasi dan impor").click()
    expect(page.get_by_role("heading", name="Telah diimpor")).to_be_visible(timeout=30_000)

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Pegawai"
    ).click()
    # Planned and applied in the server's task threads, not in the requests.
    assert len(ran_in) == 2 and all(name.startswith("budaya-task") for name in ran_in)
    row = page.get_by_role("row", name="Dr. Ahmad Fiktif, M.Si.")
    assert "198503152010011002" in row.inner_text() and "IV/a · II.b" in row.inner_text()


def test_the_unit_tree_then_a_roster_naming_a_missing_unit(
    page, sign_in, make_user, government, tmp_path
):
    """Issue 23: no unit typed by hand. The tree from the structure list, then a roster whose
    unknown unit is created in one click under the agency its rows name."""
    tree = Workbook()
    for row in [
        ["SUSUNAN ORGANISASI"],
        ["No", "Nama Unit", "Induk", "Kode"],
        [1, 2, 3, 4],
        [1, "Bidang Pembinaan SD", "Dinas Pendidikan", ""],
        [2, "Dinas Pendidikan", "", "D1"],
        [3, "Kecamatan Karawaci", "", ""],
    ]:
        tree.active.append(row)
    tree_path = tmp_path / "sotk.xlsx"
    tree.save(tree_path)

    sign_in(make_user("siti.organisasi", Role.CITY_ADMIN, government))
    page.goto(f"/governments/{government.slug}/units/")
    page.get_by_role("link", name="Impor pohon unit").click()
    page.get_by_label("Daftar unit (XLSX atau CSV)").set_input_files(str(tree_path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    assert page.locator(".card", has_text="unit baru").inner_text().startswith("3")
    expect(page.get_by_role("cell", name="D1.01")).to_be_visible()  # a code made from D1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Konfirmasi dan impor").click()
    expect(page.get_by_role("heading", name="Telah diimpor")).to_be_visible()

    roster = Workbook()
    roster.active.append(["NIP", "Nama", "Unit Kerja", "Perangkat Daerah"])
    roster.active.append(
        ["198503152010011002", "Ahmad Fiktif", "Bidang Pembinaan SMP", "Dinas Pendidikan"]
    )
    roster.active.append(
        ["199002102022212001", "Rina Fiktif", "Bidang Pembinaan SD", "Dinas Pendidikan"]
    )
    roster_path = tmp_path / "duk.xlsx"
    roster.save(roster_path)
    page.goto(f"/governments/{government.slug}/imports/new/")
    page.get_by_label("Berkas daftar pegawai (XLSX atau CSV)").set_input_files(str(roster_path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.get_by_text("Bidang Pembinaan SMP di bawah Dinas Pendidikan")).to_be_visible()
    page.get_by_role("button", name="Buat unit-unit ini dan periksa ulang daftar pegawai").click()
    assert page.locator(".card", has_text="pegawai baru").inner_text().startswith("2")
    assert page.locator(".card", has_text="baris ditolak").inner_text().startswith("0")


def test_a_running_import_is_cancelled_from_its_page(
    page, sign_in, make_user, government, agency, tmp_path, task_backend, monkeypatch
):
    """Batalkan asks first, then the import stops at its next batch: nothing written (issue 23)."""
    from budaya.org.models import EmployeeImport, ImportRow
    from budaya.org.tests.test_background import big_roster

    task_backend("budaya.tasks.ThreadBackend")
    # Still running when Batalkan is pressed, however fast the machine: once its first
    # progress is shown, the dry run waits (at most 30 s) for the cancellation before going on.
    progress = services._progress

    def slowed(job):
        report, shown = progress(job), []

        def waiting(rows_done):
            for _ in range(300 if shown else 0):
                if EmployeeImport.objects.filter(pk=job.pk, cancel_requested=True).exists():
                    break
                time.sleep(0.1)
            report(rows_done)
            shown.append(rows_done)

        return waiting

    monkeypatch.setattr(services, "_progress", slowed)
    path = tmp_path / "besar.csv"
    path.write_bytes(big_roster(40_000).read())
    sign_in(make_user("admin.kota", Role.CITY_ADMIN, government))
    page.goto(f"/governments/{government.slug}/imports/new/")
    page.get_by_label("Berkas daftar pegawai (XLSX atau CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.get_by_text("baris dibaca")).to_be_visible(timeout=30_000)

    questions: list[str] = []
    page.once("dialog", lambda dialog: questions.append(dialog.message) or dialog.accept())
    page.get_by_role("button", name="Batalkan").click()
    expect(page.get_by_role("heading", name="Dibatalkan: tidak ada yang ditulis")).to_be_visible(
        timeout=30_000
    )
    assert questions == ["Hentikan impor ini? Tidak ada bagiannya yang akan ditulis."]
    job = EmployeeImport.objects.get()
    assert job.status == EmployeeImport.Status.CANCELLED
    assert not ImportRow.objects.filter(employee_import=job).exists()
    assert Employee.objects.count() == 0
