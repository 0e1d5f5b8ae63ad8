"""NIP validation (issue 4: 18 digits = birth date + appointment month + sex digit + sequence)."""

import datetime
import decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from budaya.org.nip import NIPError, digits_kind, is_valid, looks_cut, normalise, parse, parse_pppk


def make_nip(birth: datetime.date, appointed: tuple[int, int], sex_digit: str, seq: int) -> str:
    return f"{birth:%Y%m%d}{appointed[0]:04d}{appointed[1]:02d}{sex_digit}{seq:03d}"


TODAY = datetime.date.today()
births = st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2006, 12, 31))


@st.composite
def valid_nips(draw):
    birth = draw(births)
    year = draw(st.integers(min_value=birth.year + 18, max_value=birth.year + 45))
    month = draw(st.integers(min_value=1, max_value=12))
    assume((year, month) >= (birth.year + 18, birth.month))
    assume((year, month) <= (TODAY.year, TODAY.month))
    sex_digit = draw(st.sampled_from("12"))
    return make_nip(birth, (year, month), sex_digit, draw(st.integers(0, 999)))


def test_a_known_nip_gives_its_parts():
    nip = parse("198503152010011002")
    assert nip.birth_date == datetime.date(1985, 3, 15)
    assert nip.appointment == (2010, 1)
    assert nip.sex == "L"
    assert nip.sequence == 2


@given(valid_nips())
def test_every_well_formed_nip_is_valid(value):
    nip = parse(value)
    assert nip.value == value
    assert nip.sex == {"1": "L", "2": "P"}[value[14]]


@given(valid_nips(), st.sampled_from([" ", "  ", "."]))
def test_spaces_dots_and_a_leading_apostrophe_are_ignored(value, sep):
    written = "'" + sep.join([value[:8], value[8:14], value[14], value[15:]])
    assert parse(written).value == value


@given(valid_nips(), st.integers(min_value=0, max_value=17), st.sampled_from("abcX-"))
def test_a_letter_anywhere_is_refused(value, position, letter):
    assume(letter != "-")
    broken = value[:position] + letter + value[position + 1 :]
    with pytest.raises(NIPError):
        parse(broken)


@given(valid_nips(), st.integers(min_value=1, max_value=17))
def test_a_wrong_length_is_refused(value, length):
    with pytest.raises(NIPError, match="18"):
        parse(value[:length])


@given(valid_nips())
def test_the_sex_digit_must_agree_with_the_recorded_sex(value):
    recorded = parse(value).sex
    other = "P" if recorded == "L" else "L"
    assert is_valid(value, sex=recorded)
    assert not is_valid(value, sex=other)


@given(valid_nips(), st.sampled_from("03456789"))
def test_a_sex_digit_other_than_1_or_2_is_refused(value, digit):
    with pytest.raises(NIPError):
        parse(value[:14] + digit + value[15:])


@given(births, st.integers(min_value=0, max_value=17), st.integers(1, 12))
def test_appointment_before_the_18th_birthday_is_refused(birth, years, month):
    assume((birth.year + years, month) < (birth.year + 18, birth.month))
    with pytest.raises(NIPError, match="18"):
        parse(make_nip(birth, (birth.year + years, month), "1", 1))


@pytest.mark.parametrize("date_part", ["19850230", "19851301", "19850000", "20230229"])
def test_a_birth_date_that_does_not_exist_is_refused(date_part):
    with pytest.raises(NIPError):
        parse(date_part + "2010011002")


@pytest.mark.parametrize("month_part", ["201000", "201013", "201099"])
def test_an_appointment_month_that_does_not_exist_is_refused(month_part):
    with pytest.raises(NIPError):
        parse("19850315" + month_part + "1002")


@pytest.mark.parametrize(
    "cell", [1.98503152010011e17, 198503152010011000, "1.98503E+17", "1,98503E+17"]
)
def test_a_nip_that_excel_stored_as_a_number_is_refused_not_guessed(cell):
    with pytest.raises(NIPError) as error:
        normalise(cell)
    assert "Text" in str(error.value) or "Teks" in str(error.value)


def test_empty_is_refused():
    with pytest.raises(NIPError):
        parse("  ")


# --- Issue 23: NI PPPK, appointments in the future, numbers cut by a spreadsheet ---------------


@st.composite
def valid_ni_pppk(draw):
    birth = draw(births)
    year = draw(st.integers(min_value=max(2019, birth.year + 19), max_value=TODAY.year))
    assume(year >= 2019)
    return f"{birth:%Y%m%d}{year}21{draw(st.sampled_from('12'))}{draw(st.integers(1, 999)):03d}"


@given(valid_ni_pppk())
def test_a_ni_pppk_is_told_apart_from_a_nip_by_its_structure(value):
    assert digits_kind(value) == "PPPK"
    with pytest.raises(NIPError):
        parse(value)  # no month is 21
    parsed = parse_pppk(value)
    assert parsed.status == "PPPK" and parsed.appointment == (int(value[8:12]), 0)
    assert parsed.sex == {"1": "L", "2": "P"}[value[14]]


@given(valid_nips())
def test_a_nip_is_never_taken_for_a_ni_pppk(value):
    assert digits_kind(value) == "PNS"
    with pytest.raises(NIPError):
        parse_pppk(value)


def test_a_known_ni_pppk_gives_its_parts_and_agrees_with_the_sex():
    parsed = parse_pppk("199002102022212001")
    assert parsed.birth_date == datetime.date(1990, 2, 10) and parsed.sex == "P"
    assert parsed.sequence == 1
    with pytest.raises(NIPError, match="tidak sesuai"):
        parse_pppk("199002102022212001", sex="L")


def test_an_appointment_in_the_future_is_refused():
    today = datetime.date(2026, 12, 5)
    assert parse("198503152026121002", today=today).appointment == (2026, 12)
    with pytest.raises(NIPError, match="masa depan"):
        parse("198503152027011002", today=today)
    assert parse_pppk("199002102026212001", today=today).value
    with pytest.raises(NIPError, match="masa depan"):
        parse_pppk("199002102027212001", today=today)


def test_a_number_a_spreadsheet_cut_to_15_digits_is_recognised():
    # Excel keeps 15 significant digits: 198503152010011234 becomes 1.98503152010011E+17,
    # and formatted back as text, 198503152010011000.
    cut = str(int(decimal.Decimal(f"{198503152010011234:.15g}")))
    assert looks_cut(cut)
    assert not looks_cut("198503152010011002")
