from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budaya.frameworks import services
from budaya.frameworks.models import FrameworkVersion

pytestmark = pytest.mark.django_db


def test_import_command_loads_a_file_and_a_second_run_changes_nothing(tmp_path, contoh_text):
    path = tmp_path / "contoh.yaml"
    path.write_text(contoh_text, encoding="utf-8")
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    assert "CERDAS v1" in out.getvalue()
    call_command("import_framework", str(path), stdout=StringIO())
    assert FrameworkVersion.objects.filter(framework__slug="cerdas").count() == 1


def test_import_command_prints_the_errors_and_fails(tmp_path, contoh_text):
    path = tmp_path / "rusak.yaml"
    path.write_text(contoh_text.replace("year: 2024", "year: x"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_framework", str(path), stderr=err)
    assert "regulations[0].year" in err.getvalue()
    assert not FrameworkVersion.objects.exists()


def test_export_command_writes_the_file(tmp_path, shipped):
    target = tmp_path / "berakhlak.yaml"
    call_command("export_framework", "berakhlak", "--version", "1", "--output", str(target),
                 stderr=StringIO())  # fmt: skip
    assert target.read_text(encoding="utf-8") == services.export_framework("berakhlak", 1)
    out = StringIO()
    call_command("export_framework", "prima", stdout=out)
    assert out.getvalue() == services.export_framework("prima")
    with pytest.raises(CommandError):
        call_command("export_framework", "tidak-ada")
