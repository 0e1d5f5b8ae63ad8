"""NIP: the 18-digit civil-servant number, and how it is written in real spreadsheets.

Layout (PP 11/2017 and BKN practice): YYYYMMDD birth date, YYYYMM appointment (TMT CPNS) month,
one sex digit (1 male, 2 female) and a three-digit sequence.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

NIP_LENGTH = 18
MINIMUM_AGE_AT_APPOINTMENT = 18
SEX_DIGITS = {"1": "L", "2": "P"}


class NIPError(ValueError):
    """A NIP that cannot be right; the message says why, in the active language."""


@dataclass(frozen=True)
class NIP:
    value: str
    birth_date: datetime.date
    appointment: tuple[int, int]  # (year, month)
    sex: str  # "L" or "P", as Employee.Sex
    sequence: int


_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


def normalise(raw: object) -> str:
    """The digits of a NIP as people and exports write it: spaces, dots, a leading apostrophe.

    A NIP that Excel turned into a number in scientific notation (1.98503E+17) has lost its
    last digits for good; it is refused with a message that says how to fix the column, never
    guessed.
    """
    if raw is None:
        return ""
    # A spreadsheet number keeps 15 significant digits: an 18-digit NIP stored as a number
    # cannot be trusted, whatever it shows now.
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise NIPError(
            _(
                "The NIP was stored as a number and has lost digits. Format the NIP column "
                "as Text in the spreadsheet and type or paste the NIPs again."
            )
        )
    text = str(raw).strip().lstrip("'’`").strip()
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise NIPError(
            _(
                "The NIP is written in scientific notation (%(value)s) and has lost digits. "
                "Format the NIP column as Text in the spreadsheet and type or paste the NIPs again."
            )
            % {"value": text}
        )
    return re.sub(r"[\s.\-]", "", text)


def parse(raw: object, *, sex: str | None = None) -> NIP:
    """Validate a NIP and return its parts, or raise NIPError with the reason.

    ``sex`` ("L"/"P"), when given, must agree with the sex digit.
    """
    value = normalise(raw)
    if not value:
        raise NIPError(_("The NIP is empty."))
    if not value.isdigit():
        raise NIPError(_("A NIP contains digits only; %(value)s does not.") % {"value": value})
    if len(value) != NIP_LENGTH:
        raise NIPError(
            _("A NIP has 18 digits; %(value)s has %(count)d.")
            % {"value": value, "count": len(value)}
        )
    try:
        birth = datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise NIPError(
            _("Digits 1–8 of the NIP (%(part)s) are not a real birth date (YYYYMMDD).")
            % {"part": value[0:8]}
        ) from None
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12 or year < 1900:
        raise NIPError(
            _("Digits 9–14 of the NIP (%(part)s) are not a real appointment month (YYYYMM).")
            % {"part": value[8:14]}
        )
    if (year, month) < (birth.year + MINIMUM_AGE_AT_APPOINTMENT, birth.month):
        raise NIPError(
            _(
                "The appointment month %(appointed)s in the NIP is less than 18 years after "
                "the birth date %(born)s."
            )
            % {"appointed": f"{year:04d}-{month:02d}", "born": birth.isoformat()}
        )
    digit = value[14]
    if digit not in SEX_DIGITS:
        raise NIPError(
            _("Digit 15 of the NIP is the sex: 1 (male) or 2 (female), not %(digit)s.")
            % {"digit": digit}
        )
    if sex and SEX_DIGITS[digit] != sex:
        raise NIPError(
            _("The sex digit of the NIP (%(digit)s) does not agree with the recorded sex.")
            % {"digit": digit}
        )
    return NIP(
        value=value,
        birth_date=birth,
        appointment=(year, month),
        sex=SEX_DIGITS[digit],
        sequence=int(value[15:18]),
    )


def is_valid(raw: object, *, sex: str | None = None) -> bool:
    try:
        parse(raw, sex=sex)
    except NIPError:
        return False
    return True
