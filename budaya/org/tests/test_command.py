"""manage.py import_employees: dry run first, then all or nothing (issue 4)."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from budaya.org.models import Employee

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roster(tmp_path):
    workbook = Workbook()
    workbook.active.append(["NIP", "Nama", "L/P", "Gol", "Unit Kerja"])
    workbook.active.append(["198503152010011002", "Ahmad Fiktif", "L", "III/c", "Dinas Pendidikan"])
    workbook.active.append(["123", "Salah Nip", "L", "III/c", "Dinas Pendidikan"])
    path = tmp_path / "duk.xlsx"
    workbook.save(path)
    return path


def test_dry_run_prints_the_plan_and_writes_nothing(roster, government, agency, capsys):
    call_command("import_employees", str(roster), government=government.slug, dry_run=True)
    out = capsys.readouterr().out
    assert "new: 1" in out and "rejected: 1" in out
    # Issue 23: a rejected row is named by its number and name, not only by its row.
    assert "row 3 (123 Salah Nip): NIP terdiri atas 18 digit" in out
    assert "Dry run" in out
    assert Employee.objects.count() == 0


def test_import_writes_and_a_second_run_changes_nothing(roster, government, agency, capsys):
    call_command("import_employees", str(roster), government=government.slug)
    assert Employee.objects.get().nip == "198503152010011002"
    call_command("import_employees", str(roster), government=government.slug)
    assert "unchanged: 1" in capsys.readouterr().out
    assert Employee.objects.count() == 1


def test_unknown_government_or_file_fails_loudly(roster, government):
    with pytest.raises(CommandError):
        call_command("import_employees", str(roster), government="tidak-ada")
    with pytest.raises(CommandError):
        call_command("import_employees", "/tidak/ada.xlsx", government=government.slug)


def test_a_command_line_import_names_its_operator(roster, government, agency):
    """Issue 23: the import's page said "by None" for a command-line import."""
    from budaya.org.models import EmployeeImport

    call_command("import_employees", str(roster), government=government.slug, operator="budi.ops")
    job = EmployeeImport.objects.get()
    assert job.created_by is None and job.uploaded_by == "budi.ops"
