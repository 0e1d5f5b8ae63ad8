"""The unit tree from the agency structure list (issue 23, part 2): a hostile list, as a
Bagian Organisasi keeps it, gets every row right and explained; confirmed all or nothing;
importing it again changes nothing."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from budaya.accounts.audit import verify
from budaya.accounts.models import AuditEntry, Role
from budaya.org import services
from budaya.org.models import EmployeeImport, ImportRow, Unit
from budaya.org.unit_names import CodeMaker, kind_from_name

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAME = "Badan " + "Perencanaan " * 25  # 306 characters: the column holds 255

# A structure list as it comes: title rows, the row of column numbers, units before their
# parents, the same name under two parents, no codes for most, a subtotal and a signature.
LIST = [
    ["SUSUNAN ORGANISASI PERANGKAT DAERAH KOTA TANGERANG"],
    ["Keadaan per 1 Desember 2026"],
    [],
    ["No", "Nama Unit", "Jenis", "Induk", "Kode"],
    [1, 2, 3, 4, 5],
    [1, "Bidang Pembinaan SD", "", "Dinas Pendidikan", ""],  # 6: its parent comes later
    [2, "Dinas Pendidikan", "Dinas", "", "D1"],  # 7
    [3, "Seksi Kurikulum", "", "Bidang Pembinaan SD", ""],  # 8
    [4, "Kecamatan Karawaci", "", "", ""],  # 9: kind from the name, code made
    [5, "Kelurahan Sukajadi", "", "Kecamatan Karawaci", ""],  # 10
    [6, "Sekretariat", "", "Dinas Pendidikan", ""],  # 11
    [7, "Sekretariat", "", "Kecamatan Karawaci", ""],  # 12
    [8, "Subbagian Umum", "", "Sekretariat", ""],  # 13: which Sekretariat?
    [9, "Bidang Tanpa Induk", "", "", ""],  # 14: a Bidang hangs under a unit
    [10, "Unit Misterius", "", "", ""],  # 15: no kind in name or column
    [11, "Seksi Hantu", "", "Bidang Tidak Ada", ""],  # 16: unknown parent
    [12, "Dinas  PENDIDIKAN", "dinas", "", "D1"],  # 17: the same unit again
    [13, LONG_NAME, "", "", ""],  # 18
    ["Jumlah", "12 unit", "", "", ""],  # 19
    [],
    ["", "", "", "Mengetahui,"],  # 21
    ["", "", "", "Kepala Bagian Organisasi"],  # 22
    ["", "NIP. 197001011990031001", "", ""],  # 23
]


def workbook(rows, name="sotk.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def admin(make_user, government):
    return make_user("siti.organisasi", Role.CITY_ADMIN, government)


def plan(government, admin, rows=LIST) -> EmployeeImport:
    job = services.start_employee_import(
        government=government, upload=workbook(rows), actor=admin, kind="units"
    )
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.PLANNED, job.error
    return job


def outcome(job, kind):
    return {row.first_row: row for row in job.rows.filter(outcome=kind).order_by("first_row")}


def test_a_hostile_unit_list_gets_every_row_right_and_explained(government, admin):
    job = plan(government, admin)
    new = outcome(job, ImportRow.Outcome.NEW)
    assert {number: (row.data["name"], row.data["kind"], row.data["parent_name"], row.data["code"])
            for number, row in new.items()} == {
        6: ("Bidang Pembinaan SD", "bidang", "Dinas Pendidikan", "D1.01"),
        7: ("Dinas Pendidikan", "dinas", "", "D1"),
        8: ("Seksi Kurikulum", "seksi", "Bidang Pembinaan SD", "D1.01.01"),
        9: ("Kecamatan Karawaci", "kecamatan", "", "PD01"),
        10: ("Kelurahan Sukajadi", "kelurahan", "Kecamatan Karawaci", "PD01.01"),
        11: ("Sekretariat", "bagian", "Dinas Pendidikan", "D1.02"),
        12: ("Sekretariat", "bagian", "Kecamatan Karawaci", "PD01.02"),
    }  # fmt: skip
    assert new[6].data["code_generated"] and not new[7].data["code_generated"]

    rejected = {number: " ".join(row.reasons) for number, row in
                outcome(job, ImportRow.Outcome.REJECTED).items()}  # fmt: skip
    assert set(rejected) == {13, 14, 15, 16, 18}
    assert "Kode induk" in rejected[13]  # two rows are named Sekretariat
    assert "isi kolom Induk" in rejected[14]
    assert "Jenis “Unit Misterius” tidak dikenal" in rejected[15]
    assert "Bidang Tidak Ada" in rejected[16]
    assert (
        "paling banyak 255" in rejected[18] and f"berisi {len(LONG_NAME.strip())}" in rejected[18]
    )

    skipped = {number: row.reasons[0] for number, row in
               outcome(job, ImportRow.Outcome.SKIPPED).items()}  # fmt: skip
    assert skipped == {
        5: "baris nomor kolom",
        19: "baris subtotal",
        21: "bukan data (judul, catatan atau tanda tangan)",
        22: "bukan data (judul, catatan atau tanda tangan)",
        23: "bukan data (judul, catatan atau tanda tangan)",
    }
    assert job.report["merged"][0]["rows"] == [7, 17]
    assert job.counts["new"] == 7 and job.counts["rejected"] == 5 and job.counts["skipped"] == 5
    assert Unit.objects.count() == 0  # a dry run


def test_confirmed_the_tree_is_written_audited_and_a_second_import_changes_nothing(
    government, admin
):
    job = plan(government, admin)
    services.confirm_employee_import(job, admin)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.APPLIED, job.error
    dinas = Unit.objects.get(code="D1")
    bidang = Unit.objects.get(name="Bidang Pembinaan SD")
    seksi = Unit.objects.get(name="Seksi Kurikulum")
    assert bidang.parent == dinas and seksi.parent == bidang
    assert seksi.path == f"{dinas.pk}/{bidang.pk}/{seksi.pk}/"
    assert Unit.objects.get(code="PD01.02").parent.name == "Kecamatan Karawaci"
    assert AuditEntry.objects.filter(object_type="org.unit", action="create").count() == 7
    assert verify() is None

    again = plan(government, admin)
    assert again.counts["new"] == 0 and again.counts["updated"] == 0
    assert again.counts["unchanged"] == 7
    services.confirm_employee_import(again, admin)
    assert Unit.objects.count() == 7


def test_a_list_with_nothing_to_write_is_not_offered_for_confirmation(government, admin, client):
    # Every row rejected: "Confirm and import" led to "Imported" with nothing written.
    job = plan(government, admin, [LIST[3], [1, "Seksi Hantu", "", "Bidang Tidak Ada", ""]])
    assert job.counts["new"] == 0 and job.counts["rejected"] == 1
    client.force_login(admin)
    page = client.get(reverse("org:import_detail", args=[government.slug, job.pk])).content
    page = page.decode()
    assert "Tidak ada yang akan ditulis" in page and "Konfirmasi dan impor" not in page
    assert "Batal" in page


def test_a_changed_list_renames_and_moves_units_with_history(government, admin):
    services.confirm_employee_import(plan(government, admin), admin)
    moved = [
        ["Nama Unit", "Induk", "Kode"],
        ["Dinas Pendidikan dan Kebudayaan", "", "D1"],  # renamed, same code
        ["Kecamatan Karawaci", "", "PD01"],
        ["Sekretariat", "Kecamatan Karawaci", "PD01.02"],
        ["Seksi Kurikulum", "Sekretariat", "D1.01.01"],  # moved by code of the parent? no: name
    ]
    job = plan(government, admin, moved)
    updated = outcome(job, ImportRow.Outcome.UPDATED)
    assert updated[2].differences["name"] == ["Dinas Pendidikan", "Dinas Pendidikan dan Kebudayaan"]
    # "Sekretariat" is one row of this file: the seksi moves under the kecamatan's.
    assert updated[5].differences["parent"] == ["Bidang Pembinaan SD", "Sekretariat"]
    services.confirm_employee_import(job, admin)
    seksi = Unit.objects.get(code="D1.01.01")
    assert (
        seksi.parent.code == "PD01.02" and seksi.history.get().parent.name == "Bidang Pembinaan SD"
    )
    assert Unit.objects.get(code="D1").name == "Dinas Pendidikan dan Kebudayaan"


def test_import_units_command_dry_run_then_write(tmp_path, government, capsys):
    path = tmp_path / "sotk.xlsx"
    path.write_bytes(workbook(LIST).read())
    call_command("import_units", str(path), government=government.slug, dry_run=True,
                 operator="ops.budi")  # fmt: skip
    out = capsys.readouterr().out
    assert "new: 7" in out and "rejected: 5" in out and "not data: 5" in out
    assert "row 13 (Subbagian Umum)" in out
    assert Unit.objects.count() == 0
    call_command("import_units", str(path), government=government.slug)
    assert Unit.objects.count() == 7
    assert EmployeeImport.objects.filter(operator="ops.budi").exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dinas Kesehatan", "dinas"),
        ("BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM", "badan"),
        ("Sekretariat DPRD", "setwan"),
        ("Sekretariat Daerah", "setda"),
        ("Sekretariat", "bagian"),
        ("Sub Bagian Umum dan Kepegawaian", "seksi"),
        ("UPTD Puskesmas Cibodas", "uptd"),
        ("Satuan Polisi Pamong Praja", "satpol_pp"),
        ("RSUD Kota Tangerang", "rsud"),
        ("Kelurahan Cibodas Baru", "kelurahan"),
        ("Service (Dinas)", "dinas"),
        ("Tim Percepatan", ""),
    ],
)
def test_kinds_are_read_from_names(name, kind):
    assert kind_from_name(name) == kind


def test_codes_made_never_clash():
    codes = CodeMaker({"D1.01", "PD01"})
    assert [codes.next("D1"), codes.next("D1"), codes.next(None)] == ["D1.02", "D1.03", "PD02"]


def test_a_list_without_a_recognisable_header_says_what_it_needs(government, admin, client):
    job = services.start_employee_import(
        government=government, upload=workbook([["Daftar"], ["a", "b"]]), actor=admin, kind="units"
    )
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.FAILED
    assert "Nama unit" in job.error and "Induk" in job.error
    # "Upload again" goes back to the unit list's upload, not to the roster's (nor its mapping).
    client.force_login(admin)
    page = client.get(reverse("org:import_detail", args=[government.slug, job.pk])).content
    page = page.decode()
    assert reverse("org:unit_import_create", args=[government.slug]) in page
    assert reverse("org:import_create", args=[government.slug]) not in page
    assert reverse("org:import_mapping", args=[government.slug]) not in page
