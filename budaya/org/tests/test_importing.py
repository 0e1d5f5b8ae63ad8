"""Planning an employee import from messy BKD/SIASN exports (issue 4).

Planning records what would happen (ImportRow) and never touches the registry."""

import datetime
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from budaya.org.importing import RosterError, plan_import, read_cells, split_titles
from budaya.org.models import Employee, EmployeeImport, ImportRow, Unit

pytestmark = pytest.mark.django_db

HEADER = ["No", "NIP BARU", "Nama", "L/P", "Status", "Gol", "Eselon", "Jabatan", "Unit Kerja"]


@pytest.fixture
def units(government):
    dinas = Unit.objects.create(
        government=government, kind="dinas", code="D1", name="Dinas Pendidikan"
    )
    Unit.objects.create(
        government=government, kind="bidang", code="D1.1", name="Bidang Pembinaan SD", parent=dinas
    )
    kecamatan = Unit.objects.create(
        government=government, kind="kecamatan", code="K1", name="Kecamatan Karawaci"
    )
    Unit.objects.create(
        government=government, kind="seksi", code="K1.1", name="Sekretariat", parent=kecamatan
    )
    Unit.objects.create(
        government=government, kind="seksi", code="D1.2", name="Sekretariat", parent=dinas
    )
    return dinas


def plan_for(path, government, *, full_roster=False, remembered=None):
    job = EmployeeImport.objects.create(
        government=government, file=path.name, original_name=path.name, full_roster=full_roster
    )
    summary = plan_import(job, path, remembered=remembered)
    rows = ImportRow.objects.filter(employee_import=job).order_by("first_row", "pk")
    return SimpleNamespace(
        header=summary.header,
        counts=summary.counts,
        merged=summary.merged,
        new=list(rows.filter(outcome="new")),
        updated=list(rows.filter(outcome="updated")),
        unchanged=list(rows.filter(outcome="unchanged")),
        rejected=list(rows.filter(outcome="rejected")),
        possibly_left=[row.employee_id for row in rows.filter(outcome="left")],
    )


def write_xlsx(path, rows, title_rows=2):
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["DAFTAR PEGAWAI PEMERINTAH KOTA TANGERANG"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_header_found_under_title_rows_and_messy_cells_normalised(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            HEADER,
            [1, "'19850315 201001 1 002", "Dr. H. Ahmad Fiktif, S.E., M.Si.", "L", "PNS", "IV/a", "Eselon II/b", "Kepala Dinas", "  dinas PENDIDIKAN "],
            [2, "199001012015032001", "Siti Contoh", "P", "PNS", "Penata Muda (III/a)", "-", "Analis", "Bidang Pembinaan SD"],
        ],
    )  # fmt: skip
    plan = plan_for(path, government)
    assert plan.header.row_number == 4
    assert plan.counts["new"] == 2 and plan.counts["rejected"] == 0
    first = plan.new[0].data
    assert first["nip"] == "198503152010011002"
    assert (first["front_title"], first["name"], first["back_title"]) == (
        "Dr. H.",
        "Ahmad Fiktif",
        "S.E., M.Si.",
    )
    assert first["echelon"] == "II.b"
    assert first["position_kind"] == "struktural"
    assert first["unit_id"] == units.pk
    assert plan.new[1].data["rank"] == "III/a"
    assert Employee.objects.count() == 0


def test_a_nip_excel_turned_into_a_number_is_rejected_with_the_fix(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            HEADER,
            [
                1,
                1.98503152010011e17,
                "Ahmad Fiktif",
                "L",
                "PNS",
                "IV/a",
                "",
                "Staf",
                "Dinas Pendidikan",
            ],
        ],
    )
    plan = plan_for(path, government)
    assert plan.counts["rejected"] == 1
    rejection = plan.rejected[0]
    assert rejection.row_numbers == [5]
    assert "Text" in rejection.reasons[0] or "Teks" in rejection.reasons[0]


def test_unknown_unit_proposes_the_closest_and_ambiguous_unit_asks_for_the_agency(
    tmp_path, government, units
):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            HEADER,
            [
                1,
                "198503152010011002",
                "Ahmad Fiktif",
                "L",
                "PNS",
                "III/a",
                "",
                "Staf",
                "Dinas Pendidkan",
            ],
            [
                2,
                "199001012015032001",
                "Siti Contoh",
                "P",
                "PNS",
                "III/a",
                "",
                "Staf",
                "Sekretariat",
            ],
        ],
    )
    plan = plan_for(path, government)
    reasons = {tuple(r.row_numbers): " ".join(r.reasons) for r in plan.rejected}
    assert "Dinas Pendidikan" in reasons[(5,)]
    assert "Perangkat daerah" in reasons[(6,)] or "Perangkat Daerah" in reasons[(6,)]


def test_an_agency_column_disambiguates_units_of_the_same_name(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            [*HEADER, "Perangkat Daerah"],
            [
                1,
                "199001012015032001",
                "Siti Contoh",
                "P",
                "PNS",
                "III/a",
                "",
                "Staf",
                "Sekretariat",
                "Kecamatan Karawaci",
            ],
        ],
    )
    plan = plan_for(path, government)
    assert plan.counts["new"] == 1
    assert Unit.objects.get(pk=plan.new[0].data["unit_id"]).parent.name == "Kecamatan Karawaci"


def test_duplicate_rows_merge_and_conflicting_duplicates_are_rejected(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            HEADER,
            [
                1,
                "198503152010011002",
                "Ahmad Fiktif",
                "L",
                "PNS",
                "III/a",
                "",
                "",
                "Dinas Pendidikan",
            ],
            [
                2,
                "198503152010011002",
                "Ahmad Fiktif",
                "L",
                "PNS",
                "III/a",
                "",
                "Analis",
                "Dinas Pendidikan",
            ],
            [
                3,
                "199001012015032001",
                "Siti Contoh",
                "P",
                "PNS",
                "III/a",
                "",
                "Staf",
                "Dinas Pendidikan",
            ],
            [
                4,
                "199001012015032001",
                "Siti Contoh",
                "P",
                "PNS",
                "III/b",
                "",
                "Staf",
                "Dinas Pendidikan",
            ],
        ],
    )
    plan = plan_for(path, government)
    assert [entry["rows"] for entry in plan.merged] == [[5, 6]]
    assert plan.new[0].data["position_name"] == "Analis"
    assert [r.row_numbers for r in plan.rejected] == [[7, 8]]
    assert "Pangkat" in plan.rejected[0].reasons[0]


def test_every_row_with_the_same_unknown_grade_is_rejected_with_the_reason(
    tmp_path, government, units
):
    # Grades are normalised once per distinct cell: the second row gets the same verdict.
    rows = [HEADER]
    for i in range(3):
        rank = "III/a" if i == 1 else "Golongan Z"
        rows.append(
            [
                i,
                f"19850315201001100{i}",
                f"Pegawai {i}",
                "L",
                "PNS",
                rank,
                "",
                "",
                "Dinas Pendidikan",
            ]
        )
    plan = plan_for(write_xlsx(tmp_path / "roster.xlsx", rows), government)
    assert [row.row_numbers for row in plan.rejected] == [[5], [7]]
    assert all("Golongan Z" in row.reasons[0] for row in plan.rejected)
    assert plan.new[0].data["rank"] == "III/a"


def test_sex_must_agree_with_the_nip(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            HEADER,
            [
                1,
                "198503152010011002",
                "Ahmad Fiktif",
                "P",
                "PNS",
                "III/a",
                "",
                "",
                "Dinas Pendidikan",
            ],
        ],
    )
    assert plan_for(path, government).counts["rejected"] == 1


def test_pppk_rows_use_the_ni_pppk_and_grades(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            HEADER,
            [
                1,
                "'19900210 2022 21 2 001",
                "Rina Fiktif",
                "P",
                "PPPK",
                "IX",
                "",
                "Guru",
                "Dinas Pendidikan",
            ],
        ],
    )
    plan = plan_for(path, government)
    data = plan.new[0].data
    assert (data["status"], data["nip"], data["ni_pppk"], data["rank"]) == (
        "PPPK",
        None,
        "199002102022212001",
        "IX",
    )


def test_csv_with_semicolons_and_a_bom(tmp_path, government, units):
    path = tmp_path / "roster.csv"
    path.write_text(
        "\ufeffNIP;Nama;Jenis Kelamin;Golongan;Unit Kerja\n198503152010011002;Ahmad Fiktif;Laki-laki;III/a;Dinas Pendidikan\n",
        encoding="utf-8",
    )
    plan = plan_for(path, government)
    assert plan.counts["new"] == 1


def test_existing_employees_are_unchanged_updated_or_possibly_left(tmp_path, government, units):
    employee = Employee.objects.create(
        government=government,
        unit=units,
        nip="198503152010011002",
        name="Ahmad Fiktif",
        sex="L",
        status="PNS",
        rank="III/c",
    )
    other = Employee.objects.create(
        government=government,
        unit=units,
        nip="199001012015032001",
        name="Siti Contoh",
        sex="P",
        status="PNS",
        rank="III/a",
    )
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [HEADER, [1, employee.nip, employee.name, "L", "PNS", "III/d", "", "", employee.unit.name]],
    )
    plan = plan_for(path, government, full_roster=True)
    assert plan.counts["updated"] == 1
    assert plan.updated[0].differences["rank"] == ["III/c", "III/d"]
    assert plan.possibly_left == [other.pk]


def test_a_workbook_is_read_as_the_user_sees_it(tmp_path):
    # Numbered from the sheet's first row and from column A, blank rows included, even where
    # the data starts lower and further right; Excel's types as they are (a NIP stored as a
    # number stays a number, to be refused); empty cells empty.
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"] = "NIP"
    sheet["D3"] = "Lahir"
    sheet["C4"] = 1.98503152010011e17
    sheet["D4"] = datetime.date(1985, 3, 15)
    sheet["E4"] = 7
    sheet["C6"] = "'198503152010011002"
    workbook.save(tmp_path / "roster.xlsx")
    rows = list(read_cells(tmp_path / "roster.xlsx"))
    assert [number for number, _cells in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[2][1][2:4] == ["NIP", "Lahir"]
    assert rows[3][1][2:5] == [1.98503152010011e17, datetime.date(1985, 3, 15), 7]
    assert rows[4][1] == ["", "", "", "", ""]
    assert rows[5][1][2] == "'198503152010011002"


def test_a_file_that_is_no_workbook_is_refused(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RosterError):
        list(read_cells(path))


def test_a_file_without_a_recognisable_header_is_refused(tmp_path, government):
    path = write_xlsx(tmp_path / "roster.xlsx", [["a", "b"], [1, 2]])
    with pytest.raises(RosterError):
        plan_for(path, government)


def test_a_remembered_mapping_reads_unusual_headers(tmp_path, government, units):
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            ["Nomor Pegawai", "Nama", "JK", "Tempat Tugas"],
            ["198503152010011002", "Ahmad Fiktif", "L", "Dinas Pendidikan"],
        ],
    )
    with pytest.raises(RosterError):
        plan_for(path, government)
    plan = plan_for(path, government, remembered={"nip": "Nomor Pegawai", "unit": "Tempat Tugas"})
    assert plan.counts["new"] == 1


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("Ahmad Fiktif", ("", "Ahmad Fiktif", "")),
        ("Drs. Budi Contoh, M.M.", ("Drs.", "Budi Contoh", "M.M.")),
        ("Hj. Siti  Contoh,S.Pd", ("Hj.", "Siti Contoh", "S.Pd")),
        ("dr. Rina Fiktif, Sp.A", ("dr.", "Rina Fiktif", "Sp.A")),
    ],
)
def test_titles_are_split_from_names(written, parts):
    assert split_titles(written) == parts


def test_a_duplicate_after_a_full_batch_still_merges(tmp_path, government, units, monkeypatch):
    # The plan is written in batches: a duplicate of a row already written must still merge,
    # and a conflicting one must reject both.
    monkeypatch.setattr("budaya.org.importing.PLAN_BATCH", 2)
    rows = [HEADER]
    for i in range(5):
        rows.append(
            [
                i,
                f"19850315201001{1}{i:03d}",
                f"Pegawai {i}",
                "L",
                "PNS",
                "III/a",
                "",
                "",
                "Dinas Pendidikan",
            ]
        )
    rows.append(
        [
            9,
            "198503152010011000",
            "Pegawai 0",
            "L",
            "PNS",
            "III/a",
            "",
            "Analis",
            "Dinas Pendidikan",
        ]
    )
    rows.append(
        [10, "198503152010011001", "Pegawai 1", "L", "PNS", "III/b", "", "", "Dinas Pendidikan"]
    )
    plan = plan_for(write_xlsx(tmp_path / "roster.xlsx", rows), government)
    assert plan.counts["new"] == 4
    assert [entry["rows"] for entry in plan.merged] == [[5, 10]]
    assert [r.row_numbers for r in plan.rejected] == [[6, 11]]
    assert next(r for r in plan.new if r.first_row == 5).data["position_name"] == "Analis"
