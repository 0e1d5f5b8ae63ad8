"""Rosters as they really come (issue 23, part 3): every defect found in BKD/SIASN/Excel
exports, in one file, and each row right and explained."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from budaya.accounts.models import Role
from budaya.org import selectors, services
from budaya.org.models import Employee, EmployeeImport, ImportRow, Transfer, Unit

pytestmark = pytest.mark.django_db(transaction=True)

ZWSP, NBSP = "\u200b", "\u00a0"
NEXT_YEAR = datetime.date.today().year + 1
LONG_NAME = "Siti " + "Nurhaliza " * 25  # 255 characters: the column holds 200


@pytest.fixture
def units(government):
    dinas = Unit.objects.create(
        government=government, kind="dinas", code="D1", name="Dinas Pendidikan"
    )
    bidang = Unit.objects.create(
        government=government, kind="bidang", code="D1.1", name="Bidang Pembinaan SD", parent=dinas
    )
    kecamatan = Unit.objects.create(
        government=government, kind="kecamatan", code="K1", name="Kecamatan Karawaci"
    )
    return {"dinas": dinas, "bidang": bidang, "kecamatan": kecamatan}


@pytest.fixture
def admin(make_user, government):
    return make_user("siti.bkpsdm", Role.CITY_ADMIN, government)


def upload(rows, name="duk.xlsx"):
    if name.endswith(".xlsx"):
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return SimpleUploadedFile(name, buffer.getvalue())
    return SimpleUploadedFile(name, rows)


def plan(government, admin, file) -> EmployeeImport:
    job = services.start_employee_import(
        government=government, upload=file, full_roster=False, actor=admin
    )
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.PLANNED, job.error
    return job


def by_row(job, outcome):
    return {row.first_row: row for row in job.rows.filter(outcome=outcome)}


# No status and no sex column (the documentation mentioned neither), title rows, the row of
# column numbers, a subtotal and a signature footer.
ROSTER = [
    ["DAFTAR URUT KEPANGKATAN PEGAWAI NEGERI SIPIL"],
    ["PEMERINTAH KOTA TANGERANG"],
    [],
    ["No", "NIP", "Nama", "Jabatan", "Unit Kerja", "Perangkat Daerah"],  # 4
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],  # 5
    [1, "198503152010011002", f"Siti{ZWSP} Aminah", "Analis", "Dinas Pendidikan", ""],  # 6
    [2, "199002102022212001", "Rina Fiktif", "Guru", "Dinas Pendidikan", ""],  # 7: PPPK
    [3, "198801012012011003", "Jose\u0301 Rizal", "Guru", "Dinas Pendidikan", ""],  # 8
    [4, "198801012012012004", LONG_NAME, "Guru", "Dinas Pendidikan", ""],  # 9
    [5, f"19850315{NEXT_YEAR}011005", "Baru Diangkat", "Staf", "Dinas Pendidikan", ""],  # 10
    [6, "198503152010011000", "Angka Terpotong", "Staf", "Dinas Pendidikan", ""],  # 11
    [7, "199001012015032001", "SITI  CONTOH", "Staf", "Dinas Pendidikan", ""],  # 12
    [8, "199001012015032001", "Siti Contoh", "Staf", "Dinas Pendidikan", ""],  # 13: same
    [9, "198701012011011007", "Budi Pindah", "Staf", "Dinas Pendidikan", ""],  # 14
    [10, "198701012011011007", "BUDI PINDAH", "Staf", "Kecamatan Karawaci", ""],  # 15: moved
    [11, "12345", "Nip Pendek", "Staf", "Dinas Pendidikan", ""],  # 16
    [12, "198901012013011008", "Ahmad Smp", "Guru", "Bidang Pembinaan SMP", "Dinas Pendidikan"],
    [13, "198501012009011009", "Dewi Pindahan", "Staf", "Kecamatan Karawaci", ""],  # 18
    ["", "", "Jumlah pegawai: 13", "", "", ""],  # 19
    [],
    ["", "", "", "", "Tangerang, 5 Desember 2026"],  # 21
    ["", "", "", "", "KEPALA BKPSDM"],  # 22
    ["", "", "Drs. H. FULAN, M.Si", "", ""],  # 23
    ["", "NIP. 196501011990031001", "", "", ""],  # 24
]


def existing_dewi(government, units):
    return Employee.objects.create(
        government=government, unit=units["dinas"], nip="198501012009011009",
        name="Dewi Pindahan", sex="L", status="PNS", position_name="Staf",
    )  # fmt: skip


def test_a_hostile_roster_gets_every_row_right_and_explained(government, admin, units):
    dewi = existing_dewi(government, units)
    job = plan(government, admin, upload(ROSTER))
    new = by_row(job, ImportRow.Outcome.NEW)

    # Zero-width space removed, decomposed accent composed (NFC).
    assert new[6].data["name"] == "Siti Aminah"
    assert new[8].data["name"] == "José Rizal" and len(new[8].data["name"]) == 10
    # A NI PPPK in the NIP column, no status column: PPPK by its structure, sex from digit 15.
    assert (new[7].data["status"], new[7].data["ni_pppk"], new[7].data["nip"], new[7].data["sex"]) == (
        "PPPK", "199002102022212001", None, "P"
    )  # fmt: skip
    assert (new[6].data["status"], new[6].data["sex"]) == ("PNS", "L")
    # A number cut by a spreadsheet: imported, but flagged for checking.
    assert "berakhir dengan 000" in new[11].notes[0]
    assert job.counts["to_check"] == 1
    # Same NIP, names differing in capitals and spaces: one employee.
    assert new[12].row_numbers == [12, 13] and new[12].data["name"] == "SITI CONTOH"
    # Same NIP in two units: a transfer naming both.
    assert new[14].data["unit_id"] == units["kecamatan"].pk
    assert "dari Dinas Pendidikan ke Kecamatan Karawaci" in new[14].notes[0]
    merged = {tuple(entry["rows"]): entry for entry in job.report["merged"]}
    assert merged[(12, 13)]["key"] == "199001012015032001"
    assert merged[(14, 15)]["name"] == "Budi Pindah" and merged[(14, 15)]["notes"]

    rejected = by_row(job, ImportRow.Outcome.REJECTED)
    reasons = {number: " ".join(row.reasons) for number, row in rejected.items()}
    assert set(reasons) == {9, 10, 16, 17}
    assert f"Nama berisi {len(LONG_NAME.strip())} karakter; paling banyak 200" in reasons[9]
    assert "masa depan" in reasons[10]
    assert "18 digit" in reasons[16] and "Jenis kelamin" not in reasons[16]
    assert "Bidang Pembinaan SMP" in reasons[17]
    # Rejected rows carry their NIP and name for the preview.
    assert (rejected[16].data["nip"], rejected[16].data["name"]) == ("12345", "Nip Pendek")

    skipped = {
        number: row.reasons[0] for number, row in by_row(job, ImportRow.Outcome.SKIPPED).items()
    }
    assert skipped[5] == "baris nomor kolom" and skipped[19] == "baris subtotal"
    assert set(skipped) == {5, 19, 21, 22, 23, 24}

    # An existing employee in another unit: an update reported as a transfer.
    updated = by_row(job, ImportRow.Outcome.UPDATED)
    assert updated[18].differences == {"unit_id": [units["dinas"].pk, units["kecamatan"].pk]}
    assert job.counts["rejected"] == 4 and job.counts["skipped"] == 6

    # The unknown unit is proposed under the agency its rows name.
    [proposal] = job.report["unknown_units"]
    assert (proposal["name"], proposal["parent_name"], proposal["kind"]) == (
        "Bidang Pembinaan SMP", "Dinas Pendidikan", "bidang"
    )  # fmt: skip
    assert not proposal["problem"]

    services.create_missing_units(job=job, actor=admin)
    job.refresh_from_db()
    smp = Unit.objects.get(name="Bidang Pembinaan SMP")
    assert smp.parent == units["dinas"] and smp.code == "D1.01"
    assert by_row(job, ImportRow.Outcome.NEW)[17].data["unit_id"] == smp.pk

    services.confirm_employee_import(job, admin)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.APPLIED, job.error
    transfer = Transfer.objects.get(employee=dewi)
    assert (transfer.from_unit, transfer.to_unit) == (units["dinas"], units["kecamatan"])
    # Searching as typed: case, accents and invisible characters do not count.
    for typed in ("siti aminah", "SITI AMINAH", "José", "jose rizal"):
        found = selectors.employees_of(admin, government, {"q": typed})
        assert found.count() == 1, typed
    assert Employee.objects.get(nip="198503152010011002").name_search == "siti aminah"


def test_pppk_and_pns_with_status_and_sex_columns(government, admin, units):
    rows = [
        ["NIP", "Nama", "Status Pegawai", "Jenis Kelamin", "Unit Kerja"],
        ["199002102022212001", "Rina PPPK", "PPPK", "P", "Dinas Pendidikan"],  # 2
        ["199002102022211002", "Rudi PPPK", "P3K", "Perempuan", "Dinas Pendidikan"],  # 3
        ["199002102022212003", "Salah Status", "PNS", "P", "Dinas Pendidikan"],  # 4
        ["198503152010011002", "Salah Status Juga", "PPPK", "L", "Dinas Pendidikan"],  # 5
        ["198503152010011004", "Ahmad PNS", "PNS", "Laki-laki", "Dinas Pendidikan"],  # 6
        ["198503152010011006", "Jenis Aneh", "PNS", "X", "Dinas Pendidikan"],  # 7
    ]
    job = plan(government, admin, upload(rows))
    new = by_row(job, ImportRow.Outcome.NEW)
    assert (new[2].data["status"], new[2].data["ni_pppk"], new[2].data["sex"]) == (
        "PPPK", "199002102022212001", "P"
    )  # fmt: skip
    assert (new[6].data["status"], new[6].data["sex"]) == ("PNS", "L")
    reasons = {n: " ".join(r.reasons) for n, r in by_row(job, ImportRow.Outcome.REJECTED).items()}
    assert "tidak sesuai" in reasons[3]  # the sex digit says male
    assert "adalah NI PPPK" in reasons[4]
    assert "adalah NIP" in reasons[5]
    assert "Jenis kelamin “X” tidak dikenal" in reasons[7]


def _csv(rows, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


CSV_ROWS = [
    ["NIP", "Nama", "Jabatan", "Unit Kerja"],
    *[[f"19850315201001{1 + i % 2}{i:03d}", f"Pegawai {i}", "Staf", "Dinas Pendidikan"]
      for i in range(1, 300)],  # over 8 KB before the hostile rows
    ["198801012012011003", 'Ahmad "Andi" Fiktif, S.E.', "Analis; Pengolah", "Dinas Pendidikan"],
    ["198801012012012004", "Siti\nAminah", "Guru, Kelas 1", "Dinas Pendidikan"],
]  # fmt: skip


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(",", "utf-8", True), (";", "utf-8", False), ("\t", "utf-16", False), (";", "cp1252", False)],
)
def test_csv_read_whole_gives_the_same_registry_whatever_the_delimiter(
    government, admin, units, delimiter, encoding, bom
):
    text = _csv(CSV_ROWS, delimiter)
    raw = ("\ufeff" if bom else "").encode("utf-8") + text.encode(encoding)
    job = plan(government, admin, upload(raw, "duk.csv"))
    assert job.counts["rejected"] == 0 and job.counts["new"] == 301
    new = by_row(job, ImportRow.Outcome.NEW)
    last = max(new)
    assert new[last - 1].data["front_title"] == ""
    assert new[last - 1].data["name"] == 'Ahmad "Andi" Fiktif'
    assert new[last - 1].data["back_title"] == "S.E."
    assert new[last - 1].data["position_name"] == "Analis; Pengolah"
    assert new[last].data["name"] == "Siti Aminah"
    assert new[last].data["position_name"] == "Guru, Kelas 1"


def test_csv_with_no_break_spaces_and_zero_width_characters(government, admin, units):
    text = (
        "\ufeffNIP;Nama;Unit Kerja\r\n"
        f"'19850315{NBSP}201001{NBSP}1{NBSP}002;{NBSP}Ahmad{NBSP}{NBSP}Fiktif{ZWSP};Dinas{NBSP}Pendidikan\r\n"
        f"{ZWSP}199001012015032001;Siti Contoh;{ZWSP}Dinas Pendidikan\r\n"
    )
    job = plan(government, admin, upload(text.encode(), "duk.csv"))
    new = by_row(job, ImportRow.Outcome.NEW)
    assert [(row.data["nip"], row.data["name"]) for row in new.values()] == [
        ("198503152010011002", "Ahmad Fiktif"),
        ("199001012015032001", "Siti Contoh"),
    ]


def test_the_preview_shows_rejected_and_merged_rows_with_nip_and_name(
    client, government, admin, units
):
    existing_dewi(government, units)
    job = plan(government, admin, upload(ROSTER))
    client.force_login(admin)
    url = reverse("org:import_detail", args=[government.slug, job.pk])
    page = client.get(url + "?show=rejected").content.decode()
    assert "12345" in page and "Nip Pendek" in page
    page = client.get(url).content.decode()
    assert "199001012015032001 SITI CONTOH" in page
    assert "Bidang Pembinaan SMP" in page and "Buat unit-unit ini" in page
    assert "siti.bkpsdm" in page
    page = client.get(url + "?show=skipped").content.decode()
    assert "baris nomor kolom" in page and "KEPALA BKPSDM" in page
    page = client.get(url + "?show=updated").content.decode()
    assert "Mutasi" in page and "Dinas Pendidikan → Kecamatan Karawaci" in page


def test_employee_form_cleans_the_name_and_the_search_finds_it(government, units):
    employee = Employee(
        government=government, unit=units["dinas"], nip="198503152010011002",
        name=f" Jose\u0301{ZWSP}  Rizal ", sex="L", status="PNS",
    )  # fmt: skip
    employee.save()
    employee.refresh_from_db()
    assert (employee.name, employee.name_search) == ("José Rizal", "jose rizal")


def _roster_of(size, units):
    rows = [["NIP", "Nama", "Unit Kerja"]]
    for i in range(size):
        nip = f"19850315201001{1 + i % 2}{i + 1:03d}"
        unit = "Tidak Ada" if i % 3 == 0 else "Dinas Pendidikan"
        rows.append([nip, f"Pegawai {i}", unit])
    rows.append(["", "Jumlah", ""])
    return rows


def test_the_preview_costs_the_same_queries_for_a_small_and_a_large_file(
    client, government, admin, units
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)
    counts = []
    for size in (4, 120):  # under and over a page of 50
        Employee.objects.filter(government=government).delete()
        job = plan(government, admin, upload(_roster_of(size, units)))
        url = reverse("org:import_detail", args=[government.slug, job.pk])
        per_tab = []
        for tab in ("new", "rejected", "skipped"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{url}?show={tab}").status_code == 200
            per_tab.append(len(queries))
        counts.append(per_tab)
    assert counts[0] == counts[1]
    assert max(counts[1]) <= 12
