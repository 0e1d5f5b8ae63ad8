"""The audit trail in words a city administrator reads (issue 20, item 6): the kind of object by
its name, the changed fields by their labels, a foreign key by the name of what it points to;
the stored entry, its hash and the chain stay exactly as written."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from budaya.accounts import audit, audit_words
from budaya.accounts.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


def _move(world, actor):
    """The agency's creation is in the trail (as every service writes it); then an employee
    moves to it."""
    with transaction.atomic():
        audit.record(actor, "create", world.other_agency, None, audit.snapshot(world.other_agency))
    employee = world.employee
    before = audit.snapshot(employee, ["unit", "status"])
    employee.unit = world.other_agency
    employee.status = "PPPK"
    employee.save()
    with transaction.atomic():
        return audit.record(
            actor,
            "update",
            employee,
            *audit.changed(before, audit.snapshot(employee, ["unit", "status"])),
        )


def test_an_employee_moved_reads_as_a_sentence(client, world):
    admin = world.user(Role.CITY_ADMIN)
    entry = _move(world, admin)
    stored = (entry.object_type, entry.before, entry.after, entry.hash)
    client.force_login(admin)
    page = client.get(reverse("accounts:audit_list")).content.decode()
    assert "Pegawai Siti Contoh diubah: unit kerja, " in page
    # The agency by its name, not its id; the kind by its name, not its code.
    assert f"<dd>{world.other_agency.name}</dd>" in page
    assert "org.employee #" not in page
    history = client.get(
        reverse("accounts:audit_object", args=["org.employee", world.employee.pk])
    ).content.decode()
    assert "Riwayat: Pegawai Siti Contoh" in history
    # Only the display changed: the entry is stored as hashed and the chain still verifies.
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.object_type, entry.before, entry.after, entry.hash) == stored
    assert entry.after["unit"] == world.other_agency.pk
    assert audit.verify() is None


def test_the_filter_names_kinds_in_words(client, world):
    admin = world.user(Role.CITY_ADMIN)
    _move(world, admin)
    client.force_login(admin)
    page = client.get(reverse("accounts:audit_list")).content.decode()
    assert '<option value="org.employee">Pegawai</option>' in page


def test_the_kept_trail_shows_a_new_entry_at_once(client, world):
    """One government's trail is kept per its version (issue 25): the next write shows."""
    admin = world.user(Role.CITY_ADMIN)
    client.force_login(admin)
    before = client.get(reverse("accounts:audit_list")).content.decode()
    assert "Pegawai Siti Contoh diubah" not in before
    assert '<option value="org.employee">' not in before
    _move(world, admin)
    page = client.get(reverse("accounts:audit_list")).content.decode()
    assert "Pegawai Siti Contoh diubah: unit kerja, " in page
    assert '<option value="org.employee">Pegawai</option>' in page


def test_a_stored_time_reads_as_the_trail_writes_times():
    # Stored as ISO in UTC ("2026-12-07T05:37:03.458Z"), shown beside a "Waktu" column in local
    # time: now in the same local time and words.
    with translation.override("id"), timezone.override("Asia/Jakarta"):
        assert audit_words._shown(None, "2026-12-07T05:37:03.458Z", {}) == "7 Des 2026 12:37:03"
        assert (
            audit_words._shown(None, "2026-12-07T05:37:11.874546+00:00", {})
            == "7 Des 2026 12:37:11"
        )
        assert audit_words._shown(None, "2026-03-01", {}) == "1 Mar 2026"
        # Text that only looks like the start of a date stays as written.
        assert audit_words._shown(None, "2026-03-01 rapat", {}) == "2026-03-01 rapat"


def test_the_trail_downloads_as_the_page_words_it_for_its_own_government_only(
    client, world, monkeypatch
):
    from budaya.accounts import views

    admin = world.user(Role.CITY_ADMIN)
    _move(world, admin)
    with transaction.atomic():  # the other government's change: never in this trail
        audit.record(world.foreign_user, "update", world.foreign_employee, {"name": "x"}, {})
    client.force_login(admin)
    page = client.get(reverse("accounts:audit_list"), {"object_type": "org.employee"})
    assert "format=xlsx" in page.content.decode()
    response = client.get(
        reverse("accounts:audit_list"), {"object_type": "org.employee", "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Waktu", "Oleh", "Perubahan")
    # The employee's move only: not the agency's creation, not the other government's entry.
    assert len(rows) == 2
    assert rows[1][2].startswith("Pegawai Siti Contoh diubah: unit kerja")
    assert f"unit kerja: {world.other_agency.name}" in rows[1][4]
    # More than a download holds: the page says to narrow the filter, and nothing is built.
    monkeypatch.setattr(views, "AUDIT_EXPORT_LIMIT", 1)
    refused = client.get(reverse("accounts:audit_list"), {"format": "xlsx"}, follow=True)
    assert "persempit tanggal atau jenisnya" in refused.content.decode()
    assert refused.redirect_chain and "format" not in refused.redirect_chain[-1][0]


@pytest.mark.parametrize(
    ("object_type", "name"),
    [
        ("surveys.survey", "Survei"),
        ("surveys.questionnaire", "Kuesioner"),
        ("surveys.commitment", "Komitmen"),
        ("surveys.twibbonconfirmation", "Konfirmasi twibbon"),
        ("monev.cityreport", "Laporan pemerintah daerah"),
    ],
)
def test_audited_kinds_are_named_in_indonesian(object_type, name):
    # They read "Survey …" and "City report CityReport object (6)" on the Indonesian trail.
    with translation.override("id"):
        assert audit_words.kind_name(object_type) == name
