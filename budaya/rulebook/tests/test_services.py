"""Importing rulebooks: versions, history, audit, ownership, and what modules read."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from budaya.accounts.models import AuditEntry, Role
from budaya.rulebook import demo, selectors, services
from budaya.rulebook.models import ImmutableVersionError, Rulebook, RulebookVersion

pytestmark = pytest.mark.django_db


def _renamed(title: str) -> str:
    """The starter with another head-of-government title (every place it is written)."""
    return services.shipped_text("starter").replace("Kepala Daerah\n", f"{title}\n")


def test_a_first_import_is_version_1_with_an_audit_entry_in_the_government_chain(
    government, city_admin
):
    result = services.import_rulebook(
        government=government,
        text=services.shipped_text("kota-tangerang"),
        acting_user=city_admin,
        note="Perwal 62/2018",
        source_name="kota-tangerang.yaml",
    )
    assert result.created and result.previous is None
    version = result.version
    assert version is not None
    assert (version.number, version.note, version.created_by) == (1, "Perwal 62/2018", city_admin)
    assert version.source_text == services.shipped_text("kota-tangerang")
    entry = AuditEntry.objects.get(object_type="rulebook.rulebookversion")
    assert entry.government_id == government.pk
    assert entry.after["number"] == 1
    assert entry.after["content_hash"] == version.content_hash
    assert entry.after["previous_hash"] is None


def test_the_same_content_writes_nothing_and_a_change_is_the_next_version(government):
    first = services.load_shipped(government=government, name="starter").version
    again = services.import_rulebook(
        government=government, text="# comment\n" + services.shipped_text("starter")
    )
    assert not again.created and again.unchanged and again.version == first
    changed = services.import_rulebook(government=government, text=_renamed("Bupati"))
    assert changed.created and changed.version.number == 2
    assert changed.previous == first
    removed = [line.text for line in changed.diff if line.kind == "remove"]
    added = [line.text for line in changed.diff if line.kind == "add"]
    assert "    text: Kepala Daerah" in removed and "    text: Bupati" in added
    assert RulebookVersion.objects.filter(government=government).count() == 2
    assert AuditEntry.objects.filter(object_type="rulebook.rulebookversion").count() == 2


def test_a_dry_run_previews_and_writes_nothing(government):
    services.load_shipped(government=government, name="starter")
    preview = services.import_rulebook(government=government, text=_renamed("Bupati"), dry_run=True)
    assert preview.version is None and not preview.created
    assert any(line.kind == "add" and "Bupati" in line.text for line in preview.diff)
    assert RulebookVersion.objects.filter(government=government).count() == 1


def test_a_version_never_changes_once_written(government):
    version = services.load_shipped(government=government, name="starter").version
    version.note = "changed"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()
    assert RulebookVersion.objects.get(pk=version.pk).note == ""


def test_only_the_governments_own_city_administrator_changes_it(
    government, other_government, make_user
):
    foreign_admin = make_user("admin.serang", Role.CITY_ADMIN, other_government)
    leader = make_user("leader", Role.LEADERSHIP, government)
    sysadmin = make_user("root", Role.SYSTEM_ADMIN)
    for user in (foreign_admin, leader, sysadmin):
        with pytest.raises(PermissionDenied):
            services.import_rulebook(
                government=government, text=services.shipped_text("starter"), acting_user=user
            )
    assert not Rulebook.objects.exists()


def test_a_file_changed_after_its_preview_is_refused(government, city_admin):
    preview = services.import_rulebook(
        government=government, text=services.shipped_text("starter"), dry_run=True
    )
    with pytest.raises(services.RulebookFileError):
        services.import_rulebook(
            government=government,
            text=_renamed("Bupati"),
            acting_user=city_admin,
            expected_hash=preview.parsed.content_hash,
        )
    assert not RulebookVersion.objects.exists()


def test_current_rulebook_reads_the_latest_version_and_an_old_document_keeps_its_own(
    government, django_assert_num_queries
):
    assert selectors.current_rulebook(government).head_of_government.title == "Kepala Daerah"
    assert selectors.current_rulebook(government).version_number == 0  # the starter
    first = services.load_shipped(government=government, name="kota-tangerang").version
    made_under = selectors.current_version_id(government)
    second = services.import_rulebook(
        government=government,
        text=services.shipped_text("kota-tangerang").replace("  short: T\n", "  short: PW-TNG\n"),
    ).version
    fresh = type(government).objects.get(pk=government.pk)
    with django_assert_num_queries(2):  # the current version's id, then its content once
        book = selectors.current_rulebook(fresh)
    assert book.version_number == second.number == 2
    with django_assert_num_queries(0):  # the rest of the request reads it from the object
        assert selectors.current_rulebook(fresh) is book
    again = type(government).objects.get(pk=government.pk)
    with django_assert_num_queries(1):  # a later request: versions never change, kept by id
        assert selectors.current_rulebook(again) is book
    assert made_under == first.pk
    old = selectors.rulebook_of_version(made_under)
    assert old.version_number == 1 and old.regulation.short == "T"
    assert book.regulation.short == "PW-TNG"


def test_the_document_api_the_modules_will_read(other_government):
    services.load_shipped(government=other_government, name="kota-serang")
    book = selectors.current_rulebook(other_government)
    assert book.words.programme_name.text == "Budaya Kerja"
    assert book.words.head_of_government_title.text == "Wali Kota"
    assert book.regional_secretary is not None and book.regional_secretary.code == "sekda"
    assert book.cite(book.words.city_team_name) == "S Pasal 9 ayat (1)"
    assert book.regulation.name == "Peraturan Wali Kota Serang Nomor 34 Tahun 2023"
    assert [column.number for column in book.monev.report_form.columns] == list(range(1, 8))
    assert book.monev.deadline.for_year(2026).isoformat() == "2026-08-31"
    assert book.monev.reminders.days == (30, 7, 1)
    assert book.activities.form("twibbon").name == "Twibbon BerAKHLAK (tanggal 17 setiap bulan)"
    assert book.teams.city_team_kind == "tim-rb-kota"
    assert book.actor_title("sekda") == "Sekretaris Daerah"
    assert book.monev.period("special").name == "khusus"


def test_commands_export_to_stdout_and_import_with_a_dry_run(government, tmp_path, capsys):
    path = tmp_path / "rulebook.yaml"
    path.write_text(services.shipped_text("kota-tangerang"), encoding="utf-8")
    call_command("import_rulebook", "--government", government.slug, str(path), "--dry-run")
    assert "would become version 1" in capsys.readouterr().out
    assert not RulebookVersion.objects.exists()
    call_command("import_rulebook", "--government", government.slug, str(path))
    assert "rulebook version 1 written" in capsys.readouterr().out
    call_command("export_rulebook", government.slug)
    exported = capsys.readouterr().out
    assert exported.startswith("# Rulebook of Kota Tangerang, version 1")
    # Round trip: the export imports as the same content, and exports the same text again.
    path.write_text(exported, encoding="utf-8")
    call_command("import_rulebook", "--government", government.slug, str(path))
    assert "identical to version 1" in capsys.readouterr().out
    call_command("export_rulebook", government.slug)
    assert capsys.readouterr().out == exported


def test_the_import_command_refuses_a_bad_file_with_its_messages(government, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.yaml"
    path.write_text("format: budaya-rulebook/1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="regulation"):
        call_command("import_rulebook", "--government", government.slug, str(path))


def test_the_demo_loads_each_citys_own_rulebook_once(government, other_government):
    assert len(demo.seed()) == 2
    assert demo.seed() == []
    assert selectors.current_rulebook(government).regulation.short == "T"
    assert selectors.current_rulebook(other_government).regulation.short == "S"
    assert RulebookVersion.objects.count() == 2


def test_a_third_government_writes_its_own_from_the_starter(make_user):
    """A kabupaten whose regulation says "budaya pemerintahan" and "Bupati": no code involved."""
    from budaya.org.models import Government

    kabupaten = Government.objects.create(
        name="Kabupaten Contoh", slug="kabupaten-contoh", kind="kabupaten", kemendagri_code="99.01"
    )
    admin = make_user("admin.contoh", Role.CITY_ADMIN, kabupaten)
    text = services.shipped_text("starter").replace(
        "  kind: Peraturan Kepala Daerah\n",
        "  kind: Peraturan Bupati\n  issuer: Bupati Contoh\n  number: 7\n  year: 2024\n  short: PB\n",
    )
    text = text.replace("Kepala Daerah\n", "Bupati\n").replace(
        "    text: Budaya Kerja\n    choice: government\n",
        "    text: Budaya Pemerintahan\n    source: Pasal 1 angka 5\n",
    )
    services.import_rulebook(government=kabupaten, text=text, acting_user=admin)
    book = selectors.current_rulebook(kabupaten)
    assert book.words.programme_name.text == "Budaya Pemerintahan"
    assert book.cite(book.words.programme_name) == "PB Pasal 1 angka 5"
    assert book.head_of_government.title == "Bupati"
    assert book.monev.signatory("city_report", "acknowledges").title == "Bupati"
    assert book.regulation.name == "Peraturan Bupati Contoh Nomor 7 Tahun 2024"
