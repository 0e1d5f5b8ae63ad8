"""NIP: the 18-digit civil-servant number, and how it is written in real spreadsheets.

Layout (PP 11/2017 and BKN practice): YYYYMMDD birth date, YYYYMM appointment (TMT CPNS) month,
one sex digit (1 male, 2 female) and a three-digit sequence. A NI PPPK has the same length and
parts, with the year of appointment followed by 21 instead of the month (``parse_pppk``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from budaya.text import INVISIBLE

NIP_LENGTH = 18
MINIMUM_AGE_AT_APPOINTMENT = 18
SEX_DIGITS = {"1": "L", "2": "P"}
# Where a NIP has the appointment month, a NI PPPK has 21 (see parse_pppk).
PPPK_MARK = "21"


class NIPError(ValueError):
    """A NIP that cannot be right; the message says why, in the active language."""


@dataclass(frozen=True)
class NIP:
    value: str
    birth_date: datetime.date
    appointment: tuple[int, int]  # (year, month); month 0 for a NI PPPK (year only)
    sex: str  # "L" or "P", as Employee.Sex
    sequence: int
    status: str = "PNS"  # as Employee.Status


# Zero-width characters pasted with a number (issue 23).
_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE))
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


def normalise(raw: object) -> str:
    """The digits of a NIP as people and exports write it: spaces, dots, a leading apostrophe.

    A NIP that Excel turned into a number in scientific notation (1.98503E+17) has lost its
    last digits for good; it is refused with a message that says how to fix the column, never
    guessed.
    """
    if raw is None:
        return ""
    if type(raw) is str and len(raw) == NIP_LENGTH and raw.isdigit():
        return raw  # most cells of a roster: nothing to remove
    # A spreadsheet number keeps 15 significant digits: an 18-digit NIP stored as a number
    # cannot be trusted, whatever it shows now.
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise NIPError(
            _(
                "The NIP was stored as a number and has lost digits. Format the NIP column "
                "as Text in the spreadsheet and type or paste the NIPs again."
            )
        )
    text = str(raw).translate(_INVISIBLE).strip().lstrip("'’`").strip()
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise NIPError(
            _(
                "The NIP is written in scientific notation (%(value)s) and has lost digits. "
                "Format the NIP column as Text in the spreadsheet and type or paste the NIPs again."
            )
            % {"value": text}
        )
    return re.sub(r"[\s.\-]", "", text)


def digits_kind(value: str) -> str | None:
    """ "PNS" or "PPPK" from the structure of 18 digits (digits 13–14: a month or 21), or None.

    Issue 23: a NI PPPK in the NIP column, with no status column, was judged as a NIP.
    """
    if len(value) != NIP_LENGTH or not value.isdigit():
        return None
    if value[12:14] == PPPK_MARK:
        return "PPPK"
    return "PNS" if "01" <= value[12:14] <= "12" else None


def parse(raw: object, *, sex: str | None = None, today: datetime.date | None = None) -> NIP:
    """Validate a NIP and return its parts, or raise NIPError with the reason.

    ``sex`` ("L"/"P"), when given, must agree with the sex digit; the appointment cannot be
    after ``today`` (default: the date on this machine).
    """
    value = _digits(raw, "PNS")
    birth = _birth_date(value)
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12 or year < 1900:
        raise NIPError(
            _("Digits 9–14 of the NIP (%(part)s) are not a real appointment month (YYYYMM).")
            % {"part": value[8:14]}
        )
    _check_appointment(birth, (year, month), (year, month), f"{year:04d}-{month:02d}", today)
    return NIP(
        value=value,
        birth_date=birth,
        appointment=(year, month),
        sex=_sex(value, sex),
        sequence=int(value[15:18]),
    )


def parse_pppk(raw: object, *, sex: str | None = None, today: datetime.date | None = None) -> NIP:
    """Validate a NI PPPK as BKN issues it and return its parts, or raise NIPError.

    18 digits: birth date YYYYMMDD, year of appointment YYYY, "21" where a NIP has the
    appointment month (no month is 21, so the two never pass for each other), sex digit (1/2)
    and a three-digit sequence. docs/employee-import.md gives the source.
    """
    value = _digits(raw, "PPPK")
    birth = _birth_date(value)
    year = int(value[8:12])
    if value[12:14] != PPPK_MARK or year < 2019:
        raise NIPError(
            _(
                "Digits 9–14 of a NI PPPK are the year of appointment and 21 (YYYY21); "
                "%(part)s is not."
            )
            % {"part": value[8:14]}
        )
    _check_appointment(birth, (year, 1), (year, 12), str(year), today)
    return NIP(
        value=value,
        birth_date=birth,
        appointment=(year, 0),
        sex=_sex(value, sex),
        sequence=int(value[15:18]),
        status="PPPK",
    )


def _digits(raw: object, status: str) -> str:
    """The 18 digits of a NIP (status "PNS") or a NI PPPK; messages translated only when one
    is needed (this runs for every row of a roster)."""
    value = normalise(raw)
    if len(value) == NIP_LENGTH and value.isdigit():
        return value
    label = _("NIP") if status == "PNS" else _("NI PPPK")
    if not value:
        raise NIPError(_("The NIP is empty.") if status == "PNS" else _("The NI PPPK is empty."))
    if not value.isdigit():
        raise NIPError(
            _("A %(label)s contains digits only; %(value)s does not.")
            % {"label": label, "value": value}
        )
    if len(value) != NIP_LENGTH:
        raise NIPError(
            _("A %(label)s has 18 digits; %(value)s has %(count)d.")
            % {"label": label, "value": value, "count": len(value)}
        )
    return value


def _birth_date(value: str) -> datetime.date:
    try:
        return datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise NIPError(
            _("Digits 1–8 (%(part)s) are not a real birth date (YYYYMMDD).") % {"part": value[0:8]}
        ) from None


def _check_appointment(
    birth: datetime.date,
    earliest: tuple[int, int],
    latest: tuple[int, int],
    written: str,
    today: datetime.date | None,
) -> None:
    """At least 18 years after birth and not in the future (issue 23: a TMT after today was
    accepted). A NI PPPK gives the year only: its months run from ``earliest`` to ``latest``."""
    if latest < (birth.year + MINIMUM_AGE_AT_APPOINTMENT, birth.month):
        raise NIPError(
            _(
                "The appointment month %(appointed)s in the NIP is less than 18 years after "
                "the birth date %(born)s."
            )
            % {"appointed": written, "born": birth.isoformat()}
        )
    today = today or datetime.date.today()
    if earliest > (today.year, today.month):
        raise NIPError(
            _("The appointment (TMT) %(appointed)s in the number is in the future.")
            % {"appointed": written}
        )


def _sex(value: str, sex: str | None) -> str:
    digit = value[14]
    if digit not in SEX_DIGITS:
        raise NIPError(
            _("Digit 15 is the sex: 1 (male) or 2 (female), not %(digit)s.") % {"digit": digit}
        )
    if sex and SEX_DIGITS[digit] != sex:
        raise NIPError(
            _("The sex digit of the number (%(digit)s) does not agree with the recorded sex.")
            % {"digit": digit}
        )
    return SEX_DIGITS[digit]


def looks_cut(value: str) -> bool:
    """A number that a spreadsheet kept as a number keeps 15 significant digits: the last three
    of an 18-digit NIP come back as 000, a sequence that BKN never issues (sequences start at
    001). Such a number is flagged for checking (issue 23)."""
    return len(value) == NIP_LENGTH and value.endswith("000")


def is_valid(raw: object, *, sex: str | None = None) -> bool:
    try:
        parse(raw, sex=sex)
    except NIPError:
        return False
    return True
