"""Ranks (pangkat/golongan), PPPK grades and echelons, and the many ways exports write them."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
ROMAN_OF = {value: key for key, value in ROMAN.items()}

# PNS rank: golongan I–IV with ruang a–d (IV up to e), with the rank names of PP 99/2000.
PNS_RANKS: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}

# PPPK grade: golongan I–XVII (Perpres 98/2020).
PPPK_GRADES = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
]  # fmt: skip

# Echelons I.a–IV.b and the position groups of UU 5/2014 Pasal 131 they correspond to.
ECHELONS = ["I.a", "I.b", "II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b"]
ECHELON_GROUPS = {
    "I": _("JPT Madya"),  # I.a is JPT Utama only for heads of non-ministerial agencies
    "II": _("JPT Pratama"),
    "III": _("Administrator"),
    "IV": _("Pengawas"),
}

NO_ECHELON_WORDS = {"", "-", "--", "0", "non", "noneselon", "nonesselon", "tidak", "tidakada"}


class GradeError(ValueError):
    pass


def _roman_or_digit(text: str) -> int | None:
    text = text.upper()
    if text in ROMAN:
        return ROMAN[text]
    if text.isdigit() and 1 <= int(text) <= 4:
        return int(text)
    return None


def normalise_echelon(raw: object) -> str:
    """'III.a', 'IIIa', '3A', 'Eselon III/a', 'III-a' → 'III.a'; '-', 'Non Eselon' → ''."""
    text = "" if raw is None else str(raw).strip()
    squashed = re.sub(r"[\s._/\-]", "", text.lower())
    if squashed != "eselon":
        squashed = squashed.removeprefix("eselon")
    if squashed in NO_ECHELON_WORDS:
        return ""
    match = re.fullmatch(r"(iv|iii|ii|i|[1-4])([ab])", squashed)
    level = _roman_or_digit(match.group(1)) if match else None
    if not match or level is None:
        raise GradeError(
            _("Unknown echelon “%(value)s”: write it like III.a, or “-” for none.")
            % {"value": text}
        )
    return f"{ROMAN_OF[level]}.{match.group(2)}"


def echelon_group(echelon: str) -> str:
    """The position group an echelon corresponds to (JPT Pratama, Administrator, Pengawas...)."""
    if not echelon:
        return ""
    return str(ECHELON_GROUPS[echelon.split(".")[0]])


def normalise_pns_rank(raw: object) -> str:
    """'III/a', 'III-a', '3a', 'Penata Muda (III/a)', 'III.a' → 'III/a'."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ""
    found = re.search(r"\b(IV|III|II|I|[1-4])\s*[/.\-]?\s*([a-eA-E])\b", text)
    if found:
        level = _roman_or_digit(found.group(1))
        rank = f"{ROMAN_OF[level]}/{found.group(2).lower()}" if level else ""
        if rank in PNS_RANKS:
            return rank
    by_name = {name.casefold(): code for code, name in PNS_RANKS.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    raise GradeError(
        _("Unknown PNS rank “%(value)s”: write it like III/a (from I/a to IV/e).") % {"value": text}
    )


def normalise_pppk_grade(raw: object) -> str:
    """'IX', '9', 'Golongan IX' → 'IX' (I–XVII)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ""
    core = re.sub(r"(?i)^gol(ongan)?\.?\s*", "", text).strip().upper()
    if core.isdigit() and 1 <= int(core) <= len(PPPK_GRADES):
        return PPPK_GRADES[int(core) - 1]
    if core in PPPK_GRADES:
        return core
    raise GradeError(
        _("Unknown PPPK grade “%(value)s”: write it from I to XVII.") % {"value": text}
    )
