"""How exports write echelons and ranks (issue 4: "III.a", "IIIa", "3A", "Eselon III/a")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budaya.org.grades import (
    ECHELONS,
    PNS_RANKS,
    PPPK_GRADES,
    GradeError,
    echelon_group,
    normalise_echelon,
    normalise_pns_rank,
    normalise_pppk_grade,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("III.a", "III.a"),
        ("IIIa", "III.a"),
        ("3A", "III.a"),
        ("Eselon III/a", "III.a"),
        ("eselon 4b", "IV.b"),
        ("II.B", "II.b"),
        ("IV-a", "IV.a"),
        (" I.b ", "I.b"),
        ("-", ""),
        ("Non Eselon", ""),
        ("non-eselon", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_echelons_as_exports_write_them(written, expected):
    assert normalise_echelon(written) == expected


@pytest.mark.parametrize("written", ["V.a", "III.c", "Eselon", "kepala", "5A"])
def test_unknown_echelons_are_refused_with_the_value_in_the_message(written):
    with pytest.raises(GradeError) as error:
        normalise_echelon(written)
    assert written in str(error.value)


@given(st.sampled_from(ECHELONS), st.sampled_from(["", " ", "/", "-", "."]), st.booleans())
def test_every_echelon_survives_any_separator_and_case(echelon, separator, upper):
    level, grade = echelon.split(".")
    written = f"{level}{separator}{grade.upper() if upper else grade}"
    assert normalise_echelon(written) == echelon


def test_echelons_map_to_position_groups():
    assert echelon_group("II.b") == "JPT Pratama"
    assert echelon_group("III.a") == "Administrator"
    assert echelon_group("IV.b") == "Pengawas"
    assert echelon_group("") == ""


@pytest.mark.parametrize(
    ("written", "expected"),
    [("III/a", "III/a"), ("III-a", "III/a"), ("3a", "III/a"), ("Penata Muda (III/a)", "III/a"),
     ("IV/e", "IV/e"), ("Pembina Tingkat I", "IV/b"), ("", "")],
)  # fmt: skip
def test_pns_ranks(written, expected):
    assert normalise_pns_rank(written) == expected


@pytest.mark.parametrize("written", ["I/e", "V/a", "III/f", "Kepala"])
def test_unknown_pns_ranks_are_refused(written):
    with pytest.raises(GradeError):
        normalise_pns_rank(written)


def test_all_seventeen_pns_ranks_round_trip():
    assert len(PNS_RANKS) == 17
    for code, name in PNS_RANKS.items():
        assert normalise_pns_rank(code) == code
        assert normalise_pns_rank(f"{name} ({code})") == code


@given(st.integers(min_value=1, max_value=17))
def test_pppk_grades_by_number_or_numeral(number):
    numeral = PPPK_GRADES[number - 1]
    assert normalise_pppk_grade(number) == numeral
    assert normalise_pppk_grade(numeral) == numeral
    assert normalise_pppk_grade(f"Golongan {numeral}") == numeral


@pytest.mark.parametrize("written", ["XVIII", "0", "18", "A"])
def test_unknown_pppk_grades_are_refused(written):
    with pytest.raises(GradeError):
        normalise_pppk_grade(written)
