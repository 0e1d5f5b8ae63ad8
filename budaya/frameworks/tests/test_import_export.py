"""The framework file: import, refusal of invalid files with field and line, export, round trip."""

from __future__ import annotations

import datetime

import pytest

from budaya.frameworks import services
from budaya.frameworks.models import (
    Adoption,
    BehaviourGuide,
    CoreValue,
    FrameworkVersion,
    Regulation,
    ValueFramework,
)
from budaya.org.models import Government

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        ValueFramework.objects.count(),
        FrameworkVersion.objects.count(),
        Regulation.objects.count(),
        CoreValue.objects.count(),
        BehaviourGuide.objects.count(),
    )


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def refused(text: str) -> list[str]:
    before = counts()
    with pytest.raises(services.FrameworkFileError) as caught:
        services.import_framework(text)
    assert counts() == before, "an invalid file must write nothing"
    return caught.value.messages


def test_loading_the_shipped_files_twice_changes_nothing(shipped):
    before = counts()
    again = services.load_shipped_frameworks()
    assert counts() == before
    assert {v.pk for v in again} == {v.pk for v in shipped.values()}
    assert all(v.number == 1 for v in again)


def test_a_third_government_framework_loads_from_a_file_without_code(contoh_text):
    result = services.import_framework(contoh_text, source_name="kabupaten-contoh.yaml")
    assert result.created and result.framework_created
    version = result.version
    assert str(version) == "CERDAS v1"
    assert str(version.legal_basis) == "Peraturan Bupati Contoh Nomor 7 Tahun 2024"
    assert version.legal_basis.promulgated_on == datetime.date(2024, 3, 4)
    assert [v.name for v in version.values.all()] == ["Cermat", "Santun"]
    assert version.values.get(code="santun").has_discrepancy
    kabupaten = Government.objects.create(
        name="Kabupaten Contoh", slug="kabupaten-contoh", kind="kabupaten", kemendagri_code="99.01"
    )
    adoption = services.adopt_version(
        government=kabupaten, version=version, adopted_from=datetime.date(2024, 3, 4)
    )
    assert adoption.version == version


def test_export_then_import_gives_the_identical_framework(shipped):
    for slug, version in shipped.items():
        text = services.export_framework(slug)
        document = services.version_document(version)
        parsed = services.parse_framework(text)
        assert parsed.content_hash == version.content_hash
        assert parsed.data == document
        # Into an empty database: the same framework, the same hash.
        FrameworkVersion.objects.filter(pk=version.pk).delete()
        Regulation.objects.update(revoked_by=None)
        Regulation.objects.exclude(framework_versions__isnull=False).delete()
        result = services.import_framework(text, owner=version.framework.owner)
        assert result.created
        assert result.version.content_hash == version.content_hash
        assert services.version_document(result.version) == document
        assert services.export_framework(slug) == text


def test_importing_an_export_again_is_a_no_op(shipped):
    text = services.export_framework("berakhlak", 1)
    result = services.import_framework(text)
    assert not result.created
    assert result.version == shipped["berakhlak"]


def test_a_changed_text_becomes_a_new_version_and_leaves_the_adopted_one_alone(shipped, government):
    old = shipped["prima"]
    services.adopt_version(
        government=government, version=old, adopted_from=datetime.date(2019, 1, 1)
    )
    text = services.export_framework("prima").replace("teliti dan akurat", "teliti, akurat")
    # PRIMA is Kota Tangerang's (issue 17): its new version is imported for it.
    result = services.import_framework(text, owner=government)
    assert result.created and result.version.number == 2
    assert result.version.values.get(code="akuntabel").definition.count("teliti, akurat") == 1
    assert "teliti dan akurat" in old.values.get(code="akuntabel").definition
    assert Adoption.objects.get(government=government).version == old


def test_an_upload_that_only_reorders_or_repads_is_the_same_content(contoh_text):
    first = services.import_framework(contoh_text)
    shuffled = contoh_text.replace("    effective_source: Pasal 9\n", "").replace(
        "    effective_on: 2024-03-04\n",
        "    effective_source: Pasal 9\n    effective_on: 2024-03-04\n",
    )
    assert not services.import_framework(shuffled).created
    assert first.version.framework.versions.count() == 1


@pytest.mark.usefixtures("indonesian")
def test_a_missing_field_is_named_with_its_line(contoh_text):
    text = contoh_text.replace("      name: Santun\n", "")
    messages = refused(text)
    line = line_of(text, "    - code: santun")
    assert messages == [f"Baris {line}, version.values[1]: kolom wajib “name” tidak ada."]


@pytest.mark.usefixtures("indonesian")
def test_a_wrong_type_is_named_with_its_line(contoh_text):
    text = contoh_text.replace("    year: 2024", "    year: dua ribu")
    line = line_of(text, "year: dua ribu")
    assert refused(text) == [f"Baris {line}, regulations[0].year: harus berupa bilangan bulat."]


@pytest.mark.usefixtures("indonesian")
def test_a_duplicate_code_is_named_with_its_line(contoh_text):
    text = contoh_text.replace("code: santun", "code: cermat")
    second = text.index("code: cermat", text.index("code: cermat") + 1)
    line = text[:second].count("\n") + 1
    assert refused(text) == [
        f"Baris {line}, version.values[1].code: kode “cermat” dipakai lebih dari sekali."
    ]


@pytest.mark.usefixtures("indonesian")
def test_a_date_that_does_not_exist_is_refused(contoh_text):
    text = contoh_text.replace("enacted_on: 2024-03-01", "enacted_on: 2024-02-30")
    line = line_of(text, "enacted_on: 2024-02-30")
    assert refused(text) == [
        f"Baris {line}, regulations[0].enacted_on: “2024-02-30” bukan tanggal yang ada."
    ]


@pytest.mark.usefixtures("indonesian")
def test_a_date_in_another_notation_is_refused(contoh_text):
    text = contoh_text.replace("effective_on: 2024-03-04", "effective_on: 4 Maret 2024")
    line = line_of(text, "effective_on: 4 Maret")
    [message] = refused(text)
    assert message.startswith(f"Baris {line}, regulations[0].effective_on: harus berupa tanggal")


@pytest.mark.usefixtures("indonesian")
def test_a_yaml_syntax_error_gives_line_and_column(contoh_text):
    text = contoh_text.replace("  name: CERDAS", "  name: [CERDAS")
    [message] = refused(text)
    assert message.startswith("Baris ")
    assert "bukan YAML yang sah" in message


@pytest.mark.usefixtures("indonesian")
def test_an_unknown_field_and_a_duplicate_key_are_refused(contoh_text):
    text = contoh_text.replace("  tagline: Contoh", "  slogan: x\n  tagline: Contoh")
    line = line_of(text, "  slogan: x")
    assert refused(text) == [f"Baris {line}, version.slogan: kolom “slogan” tidak dikenal."]
    text = contoh_text.replace("    year: 2024", "    year: 2024\n    year: 2025")
    line = line_of(text, "year: 2025")
    assert refused(text) == [f"Baris {line}, regulations[0].year: kolom ini ditulis dua kali."]


@pytest.mark.usefixtures("indonesian")
def test_revoked_by_must_name_a_known_regulation(contoh_text, shipped, other_government):
    unknown = contoh_text.replace(
        "    effective_source: Pasal 9",
        "    effective_source: Pasal 9\n"
        "    revoked_by: perbup-lain-1-2025\n"
        "    revoked_on: 2025-01-01",
    )
    line = line_of(unknown, "revoked_by: perbup-lain")
    assert refused(unknown) == [
        f"Baris {line}, regulations[0].revoked_by: "
        "tidak ada peraturan “perbup-lain-1-2025” di berkas ini maupun di basis data."
    ]
    # A regulation already in the database may be named, by its owner (issue 17: another
    # government may not say what Kota Serang's Perwal revokes; test_ownership.py).
    known = unknown.replace("perbup-lain-1-2025", "perwal-kota-serang-34-2023")
    result = services.import_framework(known, owner=other_government)
    assert result.version.legal_basis.revoked_by == shipped["berakhlak"].legal_basis


@pytest.mark.usefixtures("indonesian")
def test_the_legal_basis_must_be_in_the_file(contoh_text):
    text = contoh_text.replace("  legal_basis: perbup-kabupaten-contoh-7-2024", "  legal_basis: x")
    line = line_of(text, "  legal_basis: x")
    [message] = refused(text)
    assert message.startswith(f"Baris {line}, version.legal_basis: ")


@pytest.mark.usefixtures("indonesian")
def test_a_control_character_is_refused_with_its_line():
    [message] = refused("format: budaya-framework/1\nframework: \x1f\n")
    assert message.startswith("Baris 2: berkas memuat karakter")


def test_an_empty_file_and_aliases_are_refused():
    assert refused("")
    bomb = "a: &a [1, 2]\nb: [*a, *a]\n"
    assert any("alias" in m.lower() for m in refused(bomb))


def test_the_example_in_the_format_documentation_is_a_valid_file():
    from django.conf import settings

    doc = (settings.BASE_DIR / "docs" / "framework-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = services.import_framework(example)
    assert result.version.legal_basis.revokes.get().number == "3"
    assert result.version.values.get(code="santun").has_discrepancy
    assert result.version.values.get(code="cermat").guides.get().has_discrepancy
