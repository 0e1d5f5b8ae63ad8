"""The shipped frameworks say exactly what the regulations say (checked against their text)."""

from __future__ import annotations

import datetime

import pytest

from budaya.frameworks.models import BehaviourGuide, BehaviourManifestation, comparable
from budaya.frameworks.tests import regulation_text as reg

pytestmark = pytest.mark.django_db


def test_the_regulation_texts_are_there():
    assert (reg.regulation_dir() / reg.TANGERANG).exists()
    assert (reg.regulation_dir() / reg.SERANG).exists()


def test_prima_has_the_five_values_of_pasal_6_with_their_definitions(shipped):
    values = list(shipped["prima"].values.all())
    expected = reg.tangerang_values()
    assert len(expected) == 5
    assert [(v.name, v.definition) for v in values] == expected
    assert [v.source for v in values] == [f"Pasal 6 ayat (2) huruf {c}" for c in "abcde"]


def test_prima_keeps_komitmen_of_pasal_6_1_beside_melayani_and_flags_it(shipped):
    names_6_1 = reg.tangerang_names_in_pasal_6_1()
    values = list(shipped["prima"].values.all())
    differing = [
        (value.name, name) for value, name in zip(values, names_6_1, strict=True)
        if comparable(value.name) != comparable(name)
    ]  # fmt: skip
    assert differing == [("Melayani", "komitmen")]
    melayani = values[3]
    assert (melayani.variant_name, melayani.variant_source) == ("komitmen", "Pasal 6 ayat (1)")
    assert melayani.has_discrepancy
    assert [v.has_discrepancy for v in values].count(True) == 1


def test_prima_legal_basis(shipped):
    basis = shipped["prima"].legal_basis
    assert str(basis) == "Peraturan Walikota Tangerang Nomor 62 Tahun 2018"
    assert basis.issuer == "Walikota Tangerang"
    assert basis.enacted_on == basis.promulgated_on == datetime.date(2018, 7, 2)
    assert basis.effective_on == datetime.date(2018, 7, 2)
    assert basis.effective_source == "Pasal 13"
    assert basis.gazette == "Berita Daerah Kota Tangerang Tahun 2018 Nomor 62"


def test_berakhlak_counts_match_the_regulation(shipped):
    version = shipped["berakhlak"]
    table = reg.serang_table_3()
    guides = reg.serang_guides()
    assert version.values.count() == len(reg.serang_names_in_pasal_6_1()) == len(table) == 7
    assert BehaviourGuide.objects.filter(value__version=version).count() == 21
    assert sum(len(g) for g in guides) == 21
    assert [len(row.manifestations) for row in table] == [8, 9, 6, 7, 5, 8, 7]
    assert BehaviourManifestation.objects.filter(value__version=version).count() == 50
    for value, row in zip(version.values.all(), table, strict=True):
        assert value.manifestations.count() == len(row.manifestations)
        assert value.guides.count() == len(row.guides) == 3


def test_berakhlak_names_and_definitions_are_those_of_pasal_6(shipped):
    values = list(shipped["berakhlak"].values.all())
    assert [v.name for v in values] == reg.serang_names_in_pasal_6_1()
    definitions = reg.serang_definitions()
    assert [v.definition for v in values] == [definition for _name, definition in definitions]
    assert [comparable(v.name) for v in values] == [comparable(n) for n, _d in definitions]
    assert values[0].source == "Pasal 6 ayat (3) huruf a"


def test_berakhlak_guides_are_pasal_7_with_the_tabel_3_wording_where_it_differs(shipped):
    values = list(shipped["berakhlak"].values.all())
    table = reg.serang_table_3()
    expected_differences = set()
    for number, (value, pasal_7, row) in enumerate(
        zip(values, reg.serang_guides(), table, strict=True), start=1
    ):
        guides = list(value.guides.all())
        assert [g.text for g in guides] == pasal_7
        for index, guide in enumerate(guides, start=1):
            assert guide.source == f"Pasal 7 huruf {'abcdefg'[number - 1]} angka {index}"
            in_table = row.guides[index - 1]
            if comparable(in_table) != comparable(guide.text):
                expected_differences.add((value.name, index))
                assert guide.variant_text == in_table
                assert guide.variant_source == f"Tabel 3 no. {number} angka {index}"
                assert guide.has_discrepancy
            else:
                assert not guide.has_discrepancy
    assert ("Adaptif", 3) in expected_differences
    assert expected_differences == {("Loyal", 2), ("Adaptif", 3), ("Kolaboratif", 1)}
    adaptif = values[5].guides.get(order=3)
    assert (adaptif.text, adaptif.variant_text) == ("bertindak positif", "Bertindak proaktif")


def test_berakhlak_manifestations_are_tabel_3_word_for_word(shipped):
    for number, (value, row) in enumerate(
        zip(shipped["berakhlak"].values.all(), reg.serang_table_3(), strict=True), start=1
    ):
        items = list(value.manifestations.all())
        assert [m.text for m in items] == row.manifestations
        assert [m.source for m in items] == [
            f"Tabel 3 no. {number} angka {i}" for i in range(1, len(items) + 1)
        ]


def test_berakhlak_tagline_legal_basis_and_the_revoked_predecessor(shipped):
    version = shipped["berakhlak"]
    assert version.tagline == "Bangga Melayani Bangsa"
    assert version.tagline_source == "Pasal 6 ayat (2)"
    basis = version.legal_basis
    assert str(basis) == "Peraturan Wali Kota Serang Nomor 34 Tahun 2023"
    assert basis.enacted_on == basis.promulgated_on == datetime.date(2023, 6, 26)
    assert basis.gazette == "Berita Daerah Kota Serang Tahun 2023 Nomor 311"
    old = basis.revokes.get()
    assert (old.number, old.year) == ("49", 2020)
    assert old.title == (
        "Pedoman Pengembangan Budaya Kerja Aparatur Sipil Negara "
        "di Lingkungan Pemerintah Kota Serang"
    )
    assert old.gazette == "Berita Daerah Kota Serang Tahun 2020 Nomor 49"
    assert old.revoked_on == datetime.date(2023, 6, 26)
    assert old.revocation_source.startswith("Pasal 12")
