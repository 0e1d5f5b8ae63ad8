"""Applying an employee import: confirmed first, all or nothing, idempotent, audited (issue 4)."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from budaya import bulk
from budaya.accounts.audit import snapshot, verify
from budaya.accounts.models import AuditChain, AuditEntry, Role
from budaya.org import importing, services
from budaya.org.importing import PLAN_BATCH
from budaya.org.models import Employee, EmployeeImport, ImportRow

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["NIP", "Nama", "L/P", "Gol", "Eselon", "Jabatan", "Unit Kerja"]


def roster(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR NOMINATIF PEGAWAI"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    from io import BytesIO

    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("duk.xlsx", buffer.getvalue())


ROWS = [
    ["198503152010011002", "Ahmad Fiktif, S.E.", "L", "III/c", "", "Analis", "Dinas Pendidikan"],
    ["199001012015032001", "Siti Contoh", "P", "III/a", "", "Pengelola", "Dinas Pendidikan"],
    ["bukan-nip", "Salah Satu", "L", "III/a", "", "", "Dinas Pendidikan"],
]


@pytest.fixture
def admin(make_user, government):
    return make_user("admin.import", Role.CITY_ADMIN, government)


def run(government, admin, rows, full_roster=False) -> EmployeeImport:
    job = services.start_employee_import(
        government=government, upload=roster(rows), full_roster=full_roster, actor=admin
    )
    job.refresh_from_db()
    return job


def test_dry_run_writes_no_employee_until_confirmed(government, agency, admin):
    job = run(government, admin, ROWS)
    assert job.status == EmployeeImport.Status.PLANNED
    assert job.counts["new"] == 2 and job.counts["rejected"] == 1
    rejected = job.rows.get(outcome=ImportRow.Outcome.REJECTED)
    assert rejected.row_numbers == [5] and "hanya berisi angka" in rejected.reasons[0]
    assert Employee.objects.count() == 0

    services.confirm_employee_import(job, admin)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.APPLIED
    names = sorted(Employee.objects.values_list("name", "back_title", "unit__name"))
    assert names == [
        ("Ahmad Fiktif", "S.E.", "Dinas Pendidikan"),
        ("Siti Contoh", "", "Dinas Pendidikan"),
    ]
    # Every new employee has its own audit entry, naming it and recording what was stored (as a
    # form's creation records it), in a chain that verifies.
    for employee in Employee.objects.all():
        entry = AuditEntry.objects.get(
            object_type="org.employee", object_id=str(employee.pk), action="create"
        )
        assert entry.object_repr == employee.full_name
        assert entry.after == snapshot(employee, [*services.AUDITED])
        assert entry.after["unit"] == employee.unit_id and entry.after["nip"] == employee.nip
    assert verify() is None


def test_importing_the_same_file_again_changes_nothing(government, agency, admin):
    services.confirm_employee_import(run(government, admin, ROWS), admin)
    before = list(Employee.objects.order_by("pk").values())
    entries = AuditEntry.objects.count()
    again = run(government, admin, ROWS)
    assert (
        again.counts["new"] == 0 and again.counts["updated"] == 0 and again.counts["unchanged"] == 2
    )
    services.confirm_employee_import(again, admin)
    assert list(Employee.objects.order_by("pk").values()) == before
    # Only the import's own entries (upload, confirmation, summary), none for employees.
    assert AuditEntry.objects.filter(object_type="org.employee").count() == 2
    assert AuditEntry.objects.count() == entries + 3


def test_a_full_roster_flags_missing_employees_and_never_deletes_them(government, agency, admin):
    services.confirm_employee_import(run(government, admin, ROWS), admin)
    job = run(government, admin, ROWS[:1], full_roster=True)
    assert job.counts["possibly_left"] == 1
    services.confirm_employee_import(job, admin)
    siti = Employee.objects.get(nip="199001012015032001")
    assert siti.possibly_left_since is not None and siti.active
    # Listed again in a later roster: the flag goes.
    services.confirm_employee_import(run(government, admin, ROWS, full_roster=True), admin)
    siti.refresh_from_db()
    assert siti.possibly_left_since is None


def test_an_import_that_fails_midway_writes_nothing(government, agency, admin, monkeypatch):
    job = run(government, admin, ROWS)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record_many", explode)
    services.confirm_employee_import(job, admin)  # the task fails; the task runner logs it
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.FAILED
    assert "disk full" in job.error
    assert Employee.objects.count() == 0


def test_a_registry_changed_since_the_preview_sends_the_import_back(government, agency, admin):
    job = run(government, admin, ROWS)
    # Every change to the registry goes through an audited service: the plan is then stale.
    agency.name = "Dinas Pendidikan dan Kebudayaan"
    services.update_unit(agency, admin)
    services.confirm_employee_import(job, admin)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.PLANNED
    assert job.counts["rejected"] == 3
    assert Employee.objects.count() == 0


def test_writes_outside_the_registry_leave_the_plan_as_confirmed(government, agency, admin):
    """In a busy government the audit chain grows all day (activities, reports, other uploads):
    only a write to the employees or units makes a plan stale. Another file uploaded after the
    preview sent the import back for a second confirmation, with an English message."""
    job = run(government, admin, ROWS)
    other = run(government, admin, ROWS[:1])  # another upload, planned: audited, not registry
    assert AuditChain.objects.get(key=f"g{government.pk}").length > job.chain_length
    services.confirm_employee_import(job, admin)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.APPLIED and job.error == ""
    assert Employee.objects.count() == 2
    # The other upload was planned before these employees were written: its plan is stale now,
    # and it comes back to the preview with the reason in Indonesian.
    services.confirm_employee_import(other, admin)
    other.refresh_from_db()
    assert other.status == EmployeeImport.Status.PLANNED
    assert other.error.startswith("Data kepegawaian berubah setelah pratinjau dibuat.")
    assert other.counts["unchanged"] == 1


def test_confirming_twice_or_after_cancelling_is_refused(government, agency, admin):
    job = run(government, admin, ROWS)
    services.cancel_employee_import(job, admin)
    with pytest.raises(services.ImportStateError):
        services.confirm_employee_import(job, admin)
    assert Employee.objects.count() == 0


def many_rows(count: int) -> list[list[str]]:
    """``count`` valid rows of distinct employees; the fourth again, in capitals, as a last row
    (for a repeat that comes batches after its first row)."""
    born = datetime.date(1970, 1, 1)
    rows = [
        [
            f"{born + datetime.timedelta(days=n):%Y%m%d}2010011001",
            f"Pegawai Uji {n}",
            "L",
            "III/a",
            "",
            "Pengelola",
            "Dinas Pendidikan",
        ]
        for n in range(count)
    ]
    return [*rows, [rows[3][0], "PEGAWAI  UJI 3", *rows[3][2:]]]


def test_a_plan_of_several_batches_is_whole_and_finds_a_duplicate_in_an_earlier_batch(
    government, agency, admin
):
    """Issue 23: the dry run stores each batch of its plan while it reads the next (on
    PostgreSQL from a thread with a connection of its own, ``bulk.Committer``); a row whose
    employee was planned batches before is merged with that row, which is stored by then."""
    assert PLAN_BATCH == 1000
    *rows, again = many_rows(2100)
    # Right after the first batch is handed over: its row must be stored before it is looked up.
    job = run(government, admin, [*rows[:PLAN_BATCH], again, *rows[PLAN_BATCH:]])
    assert job.status == EmployeeImport.Status.PLANNED, job.error
    assert job.counts["new"] == 2100 and job.counts["rejected"] == 0
    assert job.rows.count() == 2100
    # Header on row 2: the fourth employee is on row 6, the repeat on row 1,003.
    assert job.report["merged"] == [
        {"rows": [6, 1003], "key": rows[3][0], "name": "Pegawai Uji 3", "notes": []}
    ]
    assert not [t for t in threading.enumerate() if t.name == "budaya-committer"]

    services.confirm_employee_import(job, admin)
    assert Employee.objects.count() == 2100
    assert Employee.objects.get(nip=rows[3][0]).name == "Pegawai Uji 3"


def test_a_batch_the_database_refuses_fails_the_caller_not_a_thread(government):
    """``bulk.Committer``: the error of a batch (here a plan row without its outcome) reaches
    the code that gave it, on either database, and no thread is left."""
    job = EmployeeImport.objects.create(government=government, original_name="duk.xlsx")
    orphan = (government.pk, job.pk, None, "k", 1, "[1]", "{}", "{}", "[]", "[]", "[]", None)
    with (
        pytest.raises(IntegrityError),
        bulk.Committer(ImportRow._meta.db_table, importing.PLAN_COLUMNS) as plan,
    ):
        plan.insert([orphan])  # refused: outcome may not be empty
        plan.wait()
    assert not [t for t in threading.enumerate() if t.name == "budaya-committer"]
    assert not ImportRow.objects.exists()


def _statistics(table: str) -> None:
    """PostgreSQL's statistics of ``table``, as autovacuum keeps them (SQLite keeps none)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def _plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return " ".join(str(row[3]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}")
        return " ".join(row[0] for row in cursor.fetchall())


def test_a_second_import_looks_each_employee_up_by_its_number(government, agency, admin):
    """A re-import (every month's roster) compares each batch of 1,000 rows with the registry:
    each number is looked up in its unique index. Ordered by name, SQLite read the government's
    whole roster by the list's index instead, once per batch, and a second import of 100,000
    rows took three times the first (docs/performance.md). Likewise a row repeated batches
    after its first is found by the plan's (import, key) index."""
    *rows, again = many_rows(2100)
    first = run(government, admin, rows)
    services.confirm_employee_import(first, admin)
    assert Employee.objects.filter(government=government).count() == 2100
    _statistics("org_employee")

    with CaptureQueriesContext(connection) as captured:
        second = run(government, admin, [*rows[:PLAN_BATCH], again, *rows[PLAN_BATCH:]])
    assert second.counts["unchanged"] == 2100 and second.counts["new"] == 0
    lookups = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "org_employee"' in q["sql"] and '"nip" IN (' in q["sql"]
    ]
    assert len(lookups) == 4  # one per batch of the file, and the repeat's employee again
    for sql in lookups:
        plan = _plan_of(sql)
        assert "employee_by_name" not in plan, plan
        if connection.vendor == "sqlite":
            assert "employee_nip_per_government" in plan, plan

    _statistics("org_importrow")
    repeats = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "org_importrow"' in q["sql"] and '"key" = ' in q["sql"]
    ]
    assert len(repeats) == 1
    (by_key,) = [index.name for index in ImportRow._meta.indexes if index.fields[-1] == "key"]
    assert by_key in _plan_of(repeats[0])
