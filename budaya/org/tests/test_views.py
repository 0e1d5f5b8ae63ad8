"""The registry pages as a city administrator and a unit team use them (issue 4)."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from budaya.accounts.models import AuditEntry, Role
from budaya.org import services
from budaya.org.models import Employee, EmployeeImport, Transfer, Unit, UnitHistory
from budaya.tasks import this_runner

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, city_admin):
    client.force_login(city_admin)
    return client


def url(name, government, *args):
    return reverse(f"org:{name}", args=[government.slug, *args])


def make_employees(unit, count, start=0):
    Employee.objects.bulk_create(
        Employee(
            government=unit.government,
            unit=unit,
            nip=f"19850315201001{1 if i % 2 else 2}{i:03d}",
            name=f"Pegawai Fiktif {i:03d}",
            name_search=f"pegawai fiktif {i:03d}",
            sex="L" if i % 2 else "P",
            status="PNS",
            rank="III/a",
        )
        for i in range(start, start + count)
    )


# --- Units ---------------------------------------------------------------------------------


def test_unit_tree_search_and_empty_state(admin_client, government, agency):
    Unit.objects.create(
        government=government, parent=agency, kind="bidang", code="1.01.1", name="Bidang SD"
    )
    bidang = Unit.objects.get(code="1.01.1")
    page = admin_client.get(url("unit_list", government)).content.decode()
    assert "Dinas Pendidikan" in page and "Bidang SD" in page
    # Each unit links to its own page (the links are made from one reversed URL).
    assert f'<a href="{url("unit_detail", government, bidang.pk)}">Bidang SD</a>' in page
    assert f'<a href="{url("unit_detail", government, agency.pk)}">Dinas Pendidikan</a>' in page
    found = admin_client.get(url("unit_list", government), {"q": "bidang"}).content.decode()
    assert "1 unit ditemukan" in found and "Dinas Pendidikan" in found  # shown as the ancestor
    assert f'<a href="{url("unit_detail", government, bidang.pk)}">Bidang SD</a>' in found
    none = admin_client.get(url("unit_list", government), {"q": "tidak ada"}).content.decode()
    assert "Tidak ada unit yang cocok" in none


def test_unit_search_ignores_case_accents_and_invisible_characters(admin_client, government):
    """As the employee search (issue 23): a unit named with an accent, decomposed or not, or
    with a zero-width space from an export, is found as the operator types it."""
    Unit.objects.create(
        government=government, kind="upt", code="9.01", name="UPT Puskesmas Cipe\u0301de"
    )
    Unit.objects.create(
        government=government, kind="upt", code="9.02", name="Bidang Ke\u200bbudayaan"
    )
    for typed in ("cipéde", "CIPEDE", "Cipe\u0301de"):
        page = admin_client.get(url("unit_list", government), {"q": typed}).content.decode()
        assert "1 unit ditemukan" in page, typed
    page = admin_client.get(url("unit_list", government), {"q": "kebudayaan"}).content.decode()
    assert "1 unit ditemukan" in page


def test_create_rename_and_move_a_unit_keep_history(admin_client, government, agency):
    response = admin_client.post(
        url("unit_create", government),
        {"name": "Bidang Lama", "code": "1.01.9", "kind": "bidang", "parent": agency.pk},
    )
    unit = Unit.objects.get(code="1.01.9")
    assert response.status_code == 302 and unit.path == f"{agency.pk}/{unit.pk}/"
    other = Unit.objects.create(government=government, kind="badan", code="2.01", name="Badan Baru")
    admin_client.post(
        url("unit_edit", government, unit.pk),
        {"name": "Bidang Baru", "code": "1.01.9", "kind": "bidang", "parent": other.pk},
    )
    unit.refresh_from_db()
    assert (unit.name, unit.path) == ("Bidang Baru", f"{other.pk}/{unit.pk}/")
    old = UnitHistory.objects.get(unit=unit)
    assert (old.name, old.parent_id) == ("Bidang Lama", agency.pk)
    page = admin_client.get(url("unit_detail", government, unit.pk)).content.decode()
    assert "Bidang Lama" in page
    assert AuditEntry.objects.filter(object_type="org.unit", object_id=str(unit.pk)).count() == 2


def test_a_unit_cannot_move_under_itself(admin_client, government, agency):
    child = Unit.objects.create(
        government=government, parent=agency, kind="bidang", code="1.01.1", name="Bidang SD"
    )
    response = admin_client.post(
        url("unit_edit", government, agency.pk),
        {"name": agency.name, "code": agency.code, "kind": agency.kind, "parent": child.pk},
    )
    assert response.status_code == 200
    agency.refresh_from_db()
    assert agency.parent_id is None


def test_duplicate_unit_code_is_refused_in_indonesian(admin_client, government, agency):
    response = admin_client.post(
        url("unit_create", government), {"name": "X", "code": agency.code, "kind": "dinas"}
    )
    assert "Unit lain di pemerintah daerah ini memakai kode ini." in response.content.decode()


def test_deactivating_a_unit_ends_its_subtree_and_deletes_nothing(admin_client, government, agency):
    child = Unit.objects.create(
        government=government, parent=agency, kind="bidang", code="1.01.1", name="Bidang SD"
    )
    response = admin_client.post(
        url("unit_deactivate", government, agency.pk), {"active_to": "2026-12-31"}
    )
    assert response.status_code == 302
    assert set(Unit.objects.values_list("active_to", flat=True)) == {datetime.date(2026, 12, 31)}
    assert Unit.objects.filter(pk=child.pk).exists()
    link = f'href="{url("unit_detail", government, agency.pk)}"'
    assert link not in admin_client.get(url("unit_list", government)).content.decode()
    # Inactive units are hidden unless asked for.
    shown = admin_client.get(url("unit_list", government), {"inactive": "1"}).content.decode()
    assert link in shown


# --- Employees -----------------------------------------------------------------------------


def test_employee_list_searches_filters_and_paginates(admin_client, government, agency):
    make_employees(agency, 60)
    page = admin_client.get(url("employee_list", government)).content.decode()
    assert "60 pegawai" in page and "Halaman 1 dari 2" in page
    found = admin_client.get(url("employee_list", government), {"q": "Fiktif 007"}).content.decode()
    assert "1 pegawai" in found
    by_nip = admin_client.get(
        url("employee_list", government), {"q": "19850315201001"}
    ).content.decode()
    assert "60 pegawai" in by_nip
    empty = admin_client.get(url("employee_list", government), {"status": "PPPK"}).content.decode()
    assert "Tidak ada pegawai yang cocok" in empty


def test_employee_search_matches_each_way_and_only_its_own_government(
    admin_client, government, other_government, agency
):
    """Name (case and accents aside), position, NIP and NI PPPK prefixes, from the start of a
    word or within one, each a query of the government's rows (``selectors.employees_of``; on
    PostgreSQL through its own trigrams, ``budaya.org.search``): the same names, the same
    position and the same numbers in another government are never found."""
    other_agency = Unit.objects.create(
        government=other_government, kind="dinas", code="9", name="Dinas Lain"
    )
    people = [
        {"nip": "19850315201001100", "name": "José Aditya Pratama", "sex": "L", "status": "PNS",
         "position_name": "Analis Kebijakan Ahli Muda"},
        {"ni_pppk": "19900101202321200", "name": "Siti Aminah", "sex": "P", "status": "PPPK",
         "position_name": "Penata Layanan Operasional"},
    ]  # fmt: skip
    for unit, suffix in ((agency, "1"), (other_agency, "2")):
        for person in people:
            number = "nip" if "nip" in person else "ni_pppk"
            fields = {**person, number: person[number] + suffix}
            Employee.objects.create(government=unit.government, unit=unit, **fields)
    own = list(Employee.objects.filter(government=government).order_by("name"))
    for typed, expected in (
        ("jose aditya", own[:1]),
        ("JOSÉ", own[:1]),
        ("ditya prat", own[:1]),
        ("siti amin", own[1:]),
        ("AMINAH", own[1:]),
        ("ANALIS KEBIJAKAN", own[:1]),
        ("layanan opera", own[1:]),
        ("198503152010011", own[:1]),
        ("1990 0101", own[1:]),
        ("a", own),
        ("tidak ada", []),
    ):
        page = admin_client.get(url("employee_list", government), {"q": typed}).content.decode()
        shown = [e for e in own if url("employee_detail", government, e.pk) in page]
        assert shown == expected, typed
        assert "Dinas Lain" not in page


def test_employee_list_keeps_its_count_and_unit_options_until_a_write(
    admin_client, city_admin, government, agency
):
    make_employees(agency, 3)
    page = admin_client.get(url("employee_list", government)).content.decode()
    assert "3 pegawai" in page
    assert f'<option value="{agency.pk}">Dinas Pendidikan</option>' in page
    chosen = admin_client.get(url("employee_list", government), {"unit": agency.pk})
    assert (
        f'<option value="{agency.pk}" selected>Dinas Pendidikan</option>' in chosen.content.decode()
    )
    # Kept per government and version: a write (audited) shows at once.
    unit = services.create_unit(
        Unit(
            government=government, parent=agency, kind="bidang", code="1.01.9", name="Bidang Baru"
        ),
        city_admin,
    )
    services.create_employee(
        Employee(government=government, unit=unit, name="Pegawai Baru", sex="P", status="PNS"),
        city_admin,
    )
    page = admin_client.get(url("employee_list", government)).content.decode()
    assert "4 pegawai" in page
    assert f'<option value="{unit.pk}">Bidang Baru</option>' in page
    inside = admin_client.get(url("employee_list", government), {"unit": unit.pk}).content.decode()
    assert "1 pegawai" in inside and "Pegawai Baru" in inside


def test_unit_tree_shows_a_new_unit_at_once(admin_client, city_admin, government, agency):
    assert "Bidang Baru" not in admin_client.get(url("unit_list", government)).content.decode()
    services.create_unit(
        Unit(
            government=government, parent=agency, kind="bidang", code="1.01.9", name="Bidang Baru"
        ),
        city_admin,
    )
    assert "Bidang Baru" in admin_client.get(url("unit_list", government)).content.decode()


@pytest.mark.parametrize("count", [5, 120])
def test_employee_list_queries_do_not_grow_with_rows(
    admin_client, government, agency, count, django_assert_max_num_queries
):
    make_employees(agency, count)
    with django_assert_max_num_queries(12):
        assert admin_client.get(url("employee_list", government)).status_code == 200


@pytest.mark.parametrize("count", [3, 40])
def test_unit_tree_queries_do_not_grow_with_units(
    admin_client, government, agency, count, django_assert_max_num_queries
):
    for i in range(count):
        Unit.objects.create(
            government=government, parent=agency, kind="seksi", code=f"S{i}", name=f"Seksi {i}"
        )
    with django_assert_max_num_queries(12):
        assert admin_client.get(url("unit_list", government)).status_code == 200


def test_export_keeps_nips_as_text_and_neutralises_formulas(admin_client, government, agency):
    Employee.objects.create(
        government=government,
        unit=agency,
        nip="198503152010011002",
        name='=HYPERLINK("x")',
        position_name="+62 jabatan",
        sex="L",
        status="PNS",
    )
    response = admin_client.get(url("employee_export", government))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row[0] == "NIP")
    row = rows[header_index + 1]
    assert row[0] == "198503152010011002"
    assert row[3] == '\'=HYPERLINK("x")' and row[9] == "'+62 jabatan"


def test_employee_form_validates_the_nip_in_indonesian(admin_client, government, agency):
    data = {
        "status": "PNS",
        "nip": "19850315201001100",
        "name": "Baru",
        "sex": "L",
        "rank": "III/a",
        "unit": agency.pk,
        "active": "on",
    }
    page = admin_client.post(url("employee_create", government), data).content.decode()
    assert "NIP terdiri atas 18 digit" in page
    data["nip"] = "1985 0315 2010 01 1 002"
    data["rank"] = "3a"
    assert admin_client.post(url("employee_create", government), data).status_code == 302
    employee = Employee.objects.get()
    assert (employee.nip, employee.rank) == ("198503152010011002", "III/a")


def test_transfer_moves_the_employee_and_keeps_history(admin_client, government, agency, employee):
    target = Unit.objects.create(
        government=government, kind="badan", code="2.01", name="Badan Kepegawaian"
    )
    response = admin_client.post(
        url("employee_transfer", government, employee.pk),
        {"to_unit": target.pk, "effective_on": "2026-01-02", "decree": "800/12/BKPSDM/2026"},
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.unit == target
    transfer = Transfer.objects.get()
    assert (transfer.from_unit, transfer.to_unit) == (agency, target)
    assert (
        "800/12/BKPSDM/2026"
        in admin_client.get(url("employee_detail", government, employee.pk)).content.decode()
    )


def test_unit_team_sees_only_its_agency(client, make_user, government, agency, employee):
    other = Unit.objects.create(
        government=government, kind="dinas", code="1.02", name="Dinas Kesehatan"
    )
    make_employees(other, 3)
    client.force_login(make_user("tim", Role.UNIT_TEAM, government, agency))
    page = client.get(url("employee_list", government)).content.decode()
    assert employee.name in page and "Pegawai Fiktif" not in page
    assert "Dinas Kesehatan" not in client.get(url("unit_list", government)).content.decode()
    assert client.get(url("employee_create", government)).status_code == 403


# --- Import --------------------------------------------------------------------------------


def roster_upload(rows, name="duk.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR URUT KEPANGKATAN"])
    sheet.append(["NIP", "Nama", "L/P", "Gol", "Unit Kerja"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.django_db(transaction=True)
def test_upload_preview_confirm_and_error_report(admin_client, government, agency):
    # A CSV keeps "=1+1" as text (an XLSX would hold a formula): the error report must not
    # turn it back into one.
    upload = SimpleUploadedFile(
        "duk.csv",
        b"NIP;Nama;L/P;Gol;Unit Kerja\n"
        b"198503152010011002;Ahmad Fiktif;L;III/c;Dinas Pendidikan\n"
        b"=1+1;Formula Fiktif;L;III/c;Dinas Pendidikan\n",
    )
    response = admin_client.post(url("import_create", government), {"file": upload})
    job = EmployeeImport.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "import_detail", government, job.pk
    )
    preview = admin_client.get(response["Location"]).content.decode()
    # The preview opens on the rejected rows, with the reason; the new ones are a tab away.
    assert "Konfirmasi dan impor" in preview and "NIP hanya berisi angka" in preview
    assert (
        "Ahmad Fiktif" in admin_client.get(response["Location"], {"show": "new"}).content.decode()
    )
    assert Employee.objects.count() == 0
    errors = admin_client.get(url("import_rejected", government, job.pk))
    sheet = load_workbook(io.BytesIO(errors.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "'=1+1" in cells
    admin_client.post(url("import_confirm", government, job.pk))
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.APPLIED
    assert Employee.objects.get().name == "Ahmad Fiktif"
    # Confirming again is refused with a message, and nothing changes.
    response = admin_client.post(url("import_confirm", government, job.pk), follow=True)
    assert "hanya impor yang siap dikonfirmasi" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_not_a_roster_says_why(admin_client, government, agency):
    bad = SimpleUploadedFile("foto.xlsx", b"\x89PNG not a workbook")
    page = admin_client.post(url("import_create", government), {"file": bad}).content.decode()
    assert "bukan buku kerja XLSX" in page
    assert not EmployeeImport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_column_mapping_is_remembered_and_used(admin_client, government, agency):
    workbook = Workbook()
    workbook.active.append(["Nomor Pegawai", "Nama", "JK", "Tempat Tugas"])
    workbook.active.append(["198503152010011002", "Ahmad Fiktif", "L", "Dinas Pendidikan"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    admin_client.post(
        url("import_create", government), {"file": SimpleUploadedFile("a.xlsx", buffer.getvalue())}
    )
    failed = EmployeeImport.objects.get()
    assert failed.status == EmployeeImport.Status.FAILED and "pemetaan kolom" in failed.error
    admin_client.post(
        url("import_mapping", government), {"nip": "Nomor Pegawai", "unit": "Tempat Tugas"}
    )
    admin_client.post(
        url("import_create", government), {"file": SimpleUploadedFile("a.xlsx", buffer.getvalue())}
    )
    assert EmployeeImport.objects.first().counts["new"] == 1


def test_progress_is_polled_while_the_import_runs_then_the_page_reloads(
    admin_client, government, agency, city_admin
):
    job = EmployeeImport.objects.create(
        government=government,
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        status=EmployeeImport.Status.PLANNING,
        rows_done=500,
        rows_total=0,
        created_by=city_admin,
        runner=this_runner(),  # a live process runs it: this one
    )
    page = admin_client.get(url("import_detail", government, job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and "500 baris dibaca" in page
    partial = admin_client.get(
        url("import_detail", government, job.pk), {"partial": "progress"}, HTTP_HX_REQUEST="true"
    )
    assert "<progress" in partial.content.decode() and "<html" not in partial.content.decode()
    EmployeeImport.objects.filter(pk=job.pk).update(status=EmployeeImport.Status.PLANNED)
    done = admin_client.get(
        url("import_detail", government, job.pk), {"partial": "progress"}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_the_progress_is_written_at_most_once_a_second(government, city_admin, monkeypatch):
    """The page asks every second; more writes would show nothing more."""
    from budaya.org import services

    job = EmployeeImport.objects.create(
        government=government,
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        status=EmployeeImport.Status.PLANNING,
        created_by=city_admin,
    )
    clock = iter([100.0, 100.4, 100.9, 101.0, 101.5, 102.2])
    monkeypatch.setattr(services, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    report = services._progress(job)
    written = []
    for rows in (500, 1000, 1500, 2000, 2500, 3000):
        report(rows)
        job.refresh_from_db()
        written.append(job.rows_done)
    assert written == [500, 500, 500, 2000, 2000, 3000]


@pytest.mark.parametrize(
    ("status", "nip", "ni_pppk", "sex", "stored_sex", "error"),
    [
        ("PNS", "198503152010011002", "", "", "L", ""),
        ("PPPK", "", "199002102022212001", "", "P", ""),
        ("PPPK", "", "199002102022212001", "L", None, "tidak sesuai"),
        ("PPPK", "", "198503152010011002", "", None, "TTTT21"),
    ],
)
def test_employee_form_takes_the_sex_from_either_number(
    admin_client, government, agency, status, nip, ni_pppk, sex, stored_sex, error
):
    """Issue 23: the sex is digit 15 of a NIP and of a NI PPPK; a NI PPPK is checked too."""
    data = {
        "status": status, "nip": nip, "ni_pppk": ni_pppk, "name": "Baru", "sex": sex,
        "rank": "III/a" if status == "PNS" else "IX", "unit": agency.pk, "active": "on",
    }  # fmt: skip
    page = admin_client.post(url("employee_create", government), data)
    employee = Employee.objects.filter(name="Baru").first()
    if error:
        assert employee is None and error in page.content.decode()
    else:
        assert employee is not None and employee.sex == stored_sex
