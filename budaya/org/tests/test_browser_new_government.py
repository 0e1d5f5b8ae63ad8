"""Issue 23, "Done when": from an empty installation, with the browser only, the system
administrator creates a kabupaten and invites its administrator, who follows the setup
checklist, imports the unit tree and then a roster with every defect real exports have, sees
each row right and explained, and finds an import whose worker was killed halfway marked failed,
with a retry that runs to the end.

The imports take the production path: queued in the database (django-tasks-db) and run by a
separate ``manage.py db_worker`` process, which the test kills with SIGKILL.
"""

import csv
import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.conftest import PASSWORD
from budaya.org.models import Employee, EmployeeImport, Government, Unit
from budaya.org.tests.test_background import ROWS, big_roster, wait_for
from budaya.org.tests.test_hostile_rosters import LONG_NAME, NBSP, ROSTER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The agency structure list the Bagian Organisasi keeps: title, column numbers, no codes.
UNIT_LIST = [
    ["SUSUNAN ORGANISASI PERANGKAT DAERAH KABUPATEN CONTOH"],
    [],
    ["No", "Nama Unit", "Jenis", "Induk"],
    ["(1)", "(2)", "(3)", "(4)"],
    [1, "Dinas Pendidikan", "Dinas", ""],
    [2, "Bidang Pembinaan SD", "", "Dinas Pendidikan"],
    [3, "Kecamatan Karawaci", "", ""],
    ["Jumlah", "3 unit", "", ""],
]

# Quoted with "" inside, a delimiter inside a quoted cell, no-break spaces in the number and the
# unit: added to the hostile roster's rows before its subtotal.
QUOTED = [
    14,
    f"19900101{NBSP}201503{NBSP}2{NBSP}009",
    f'{NBSP}Ahmad "Andi" Fiktif, S.E.',
    "Analis; Pengolah",
    f"Dinas{NBSP}Pendidikan",
    "",
]


def semicolon_csv(rows) -> bytes:
    """As Excel saves "CSV (MS-DOS)" in an Indonesian locale: BOM, ';', CRLF, quotes doubled."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def hostile_roster() -> bytes:
    subtotal = next(i for i, row in enumerate(ROSTER) if "Jumlah" in str(row[2:3]))
    return semicolon_csv([*ROSTER[:subtotal], QUOTED, *ROSTER[subtotal:]])


def upload(page, path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()


def preview(page):
    expect(page.get_by_role("heading", name="Yang akan dilakukan impor ini")).to_be_visible(
        timeout=60_000
    )


def confirm(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Konfirmasi dan impor").click()
    expect(page.get_by_role("heading", name="Telah diimpor")).to_be_visible(timeout=60_000)


def card(page, text: str) -> str:
    return page.locator(".card", has_text=text).first.inner_text().split()[0]


def tab(page, name: str) -> str:
    rows = page.get_by_role("navigation", name="Baris rencana impor")
    rows.get_by_role("link", name=re.compile(rf"^{name} \(")).click()
    return page.locator("main").inner_text()


def step_done(page, key: str) -> bool:
    return page.locator(f"#step-{key} .badge.ok").count() == 1


def test_a_kabupaten_from_nothing_to_its_workforce(
    page, sign_in, make_user, tmp_path, task_backend, db_worker
):
    task_backend("django_tasks_db.DatabaseBackend")
    worker = db_worker()

    # The system administrator creates the kabupaten and invites its administrator.
    sign_in(make_user("sistem.admin", Role.SYSTEM_ADMIN))
    page.goto("/governments/new/")
    page.locator("#id_name").fill("Kabupaten Contoh")
    page.locator("#id_slug").fill("kabupaten-contoh")
    page.locator("#id_kind").select_option("kabupaten")
    page.locator("#id_kemendagri_code").fill("36.03")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Kabupaten Contoh")).to_be_visible()
    contoh = Government.objects.get(slug="kabupaten-contoh")
    page.goto("/users/invite/")
    page.locator("#id_username").fill("rina.bkpsdm")  # a dotted name, as every demo login
    page.locator("#id_first_name").fill("Rina")
    page.locator("#id_email").fill("rina@contoh.go.id")
    page.locator("#id_role").select_option(Role.CITY_ADMIN)
    page.locator("#id_government").select_option(str(contoh.pk))
    page.get_by_role("button", name="Kirim undangan").click()
    expect(page.get_by_text("rina.bkpsdm telah diundang")).to_be_visible()

    # Its administrator chooses a password from the invitation and signs in.
    page.context.clear_cookies()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group()
    page.goto(link)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.locator("main").get_by_role("button").click()
    page.goto("/login/")
    page.get_by_label("Nama pengguna").fill("rina.bkpsdm")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")

    # The checklist: nothing done yet, each step a link.
    page.goto("/governments/kabupaten-contoh/")
    page.get_by_role("link", name="Daftar periksa penyiapan").click()
    expect(page.get_by_text("0 dari 6 langkah selesai")).to_be_visible()

    # The unit tree from the structure list: codes made, non-data lines passed over.
    page.get_by_role("link", name="3. Impor pohon unit").click()
    units = tmp_path / "susunan-organisasi.csv"
    units.write_bytes(semicolon_csv(UNIT_LIST))
    upload(page, units)
    preview(page)
    assert card(page, "unit baru") == "3" and card(page, "baris bukan data") == "2"
    confirm(page)
    assert Unit.objects.filter(government=contoh).count() == 3
    assert not Unit.objects.filter(government=contoh, code="").exists()
    page.goto("/governments/kabupaten-contoh/setup/")
    expect(page.get_by_text("1 dari 6 langkah selesai")).to_be_visible()
    assert step_done(page, "units") and not step_done(page, "employees")

    # The roster with every defect.
    page.get_by_role("link", name="4. Impor pegawai").click()
    roster = tmp_path / "duk-kabupaten-contoh.csv"
    roster.write_bytes(hostile_roster())
    upload(page, roster)
    preview(page)
    # The unit the roster names and the tree lacks, proposed under its agency, in one click.
    expect(page.get_by_text("Bidang Pembinaan SMP di bawah Dinas Pendidikan")).to_be_visible()
    page.get_by_role("button", name="Buat unit-unit ini dan periksa ulang daftar pegawai").click()
    preview(page)
    assert Unit.objects.get(government=contoh, name="Bidang Pembinaan SMP").parent.name == (
        "Dinas Pendidikan"
    )
    assert card(page, "pegawai baru") == "9"
    assert card(page, "baris ditolak") == "3"
    assert card(page, "baris bukan data") == "6"
    assert card(page, "nomor perlu diperiksa") == "1"
    assert card(page, "baris ganda digabung") == "2"
    # Merged rows with their NIP and name; a unit change reported as a transfer naming both.
    page.get_by_text("Baris ganda yang digabung").click()
    merged = page.locator("main details").inner_text()
    assert "199001012015032001 SITI CONTOH" in merged
    assert "dari Dinas Pendidikan ke Kecamatan Karawaci" in merged
    rejected = tab(page, "Ditolak")
    assert "12345" in rejected and "Nip Pendek" in rejected and "18 digit" in rejected
    assert "Jenis kelamin" not in rejected  # a NIP error says only what is wrong
    assert f"Nama berisi {len(LONG_NAME.strip())} karakter; paling banyak 200" in rejected
    assert "masa depan" in rejected  # appointed next year
    skipped = tab(page, "Bukan data")
    assert "baris nomor kolom" in skipped and "baris subtotal" in skipped
    assert "KEPALA BKPSDM" in skipped
    new = tab(page, "Baru")
    assert "Siti Aminah" in new and "José Rizal" in new  # invisible space gone, accent composed
    assert 'Ahmad "Andi" Fiktif' in new and "199001012015032009" in new  # quotes, NBSP
    confirm(page)

    pppk = Employee.objects.get(government=contoh, ni_pppk="199002102022212001")
    assert (pppk.status, pppk.sex, pppk.nip) == ("PPPK", "P", None)
    budi = Employee.objects.get(government=contoh, nip="198701012011011007")
    assert budi.unit.name == "Kecamatan Karawaci"
    # Searching as typed finds the names whatever the export did to them.
    for typed in ("jose rizal", "SITI AMINAH"):
        page.goto(f"/governments/kabupaten-contoh/employees/?q={typed}")
        expect(page.locator("main table tbody tr")).to_have_count(1)
    page.goto("/governments/kabupaten-contoh/setup/")
    expect(page.get_by_text("2 dari 6 langkah selesai")).to_be_visible()

    # A large import whose worker is killed halfway: failed, with a retry that finishes.
    page.goto("/governments/kabupaten-contoh/imports/new/")
    large = tmp_path / "duk-besar.csv"
    large.write_bytes(big_roster(ROWS).read())
    upload(page, large)
    job = EmployeeImport.objects.filter(government=contoh).latest("pk")
    wait_for(lambda: EmployeeImport.objects.get(pk=job.pk).rows_done > 0)
    worker.kill()  # SIGKILL: no handler, no cleanup
    worker.wait(timeout=30)
    page.reload()
    expect(page.get_by_text("Proses latar belakang berhenti sebelum impor selesai")).to_be_visible()
    assert EmployeeImport.objects.get(pk=job.pk).status == EmployeeImport.Status.FAILED
    page.get_by_role("button", name="Coba lagi").click()
    db_worker()
    preview(page)
    assert card(page, "pegawai baru") == str(ROWS)
