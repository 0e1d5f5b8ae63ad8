"""manage.py create_government: the system administrator sets up a government (issue 23)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budaya.accounts.audit import verify
from budaya.accounts.models import AuditEntry, SystemAuditEntry
from budaya.org.models import Government

pytestmark = pytest.mark.django_db

CONTOH = [
    "--name=Kabupaten Contoh",
    "--kind=kabupaten",
    "--kemendagri-code=36.03",
    "--slug=kabupaten-contoh",
    "--time-zone=WIB",
]


def test_creates_the_government_and_records_it_in_the_system_chain():
    out = StringIO()
    call_command("create_government", *CONTOH, stdout=out)
    contoh = Government.objects.get(slug="kabupaten-contoh")
    assert (contoh.name, contoh.kind, contoh.kemendagri_code) == (
        "Kabupaten Contoh",
        "kabupaten",
        "36.03",
    )
    # The head's title is its rulebook's: the starter's until it loads its own (issue 18).
    assert contoh.timezone == "Asia/Jakarta" and contoh.head_title == "Kepala Daerah"
    assert "Created Kabupaten Contoh" in out.getvalue()
    entry = SystemAuditEntry.objects.get(object_id=str(contoh.pk))
    assert entry.action == "create" and entry.after["name"] == "Kabupaten Contoh"
    assert not AuditEntry.objects.filter(government=contoh).exists()
    assert verify() is None


def test_an_existing_slug_is_refused_and_nothing_changes():
    call_command("create_government", *CONTOH, stdout=StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_government", *CONTOH[:-1], "--time-zone=WIT", stdout=StringIO())
    assert Government.objects.get(slug="kabupaten-contoh").timezone == "Asia/Jakarta"
    assert SystemAuditEntry.objects.count() == 1


def test_invalid_values_are_refused_with_what_to_fix():
    with pytest.raises(CommandError) as refused:
        call_command(
            "create_government",
            "--name=Kabupaten Salah",
            "--kind=kabupaten",
            "--kemendagri-code=36",
            "--slug=Bukan Slug",
            "--time-zone=WIX",
            stdout=StringIO(),
        )
    message = str(refused.value)
    # The form's own messages, in the interface language, each after the option to fix.
    assert "--kemendagri-code: Kota atau kabupaten memiliki kode seperti 36.71." in message
    assert "--slug: Masukkan “slug” valid" in message and "--time-zone: " in message
    assert not Government.objects.filter(name="Kabupaten Salah").exists()
