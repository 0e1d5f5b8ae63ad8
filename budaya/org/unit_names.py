"""What a unit is, read from its name, and the codes of units created without one (issue 23).

Regional units are named by their kind (PP 18/2016 on Perangkat Daerah: "Dinas Pendidikan",
"Badan Kepegawaian ...", "Kecamatan Karawaci", "Bidang ...", "Seksi ..."), so an agency
structure list without a kind column still says each unit's kind.
"""

from __future__ import annotations

import re

from budaya.org.models import Unit
from budaya.text import search_key

# The first words of a name (accents and case ignored) → kind; the longest match wins, so
# "Sekretariat DPRD" is not a plain "Sekretariat".
KIND_PREFIXES: dict[str, str] = {
    "sekretariat daerah": Unit.Kind.SETDA,
    "setda": Unit.Kind.SETDA,
    "sekretariat dewan perwakilan rakyat daerah": Unit.Kind.SETWAN,
    "sekretariat dprd": Unit.Kind.SETWAN,
    "setwan": Unit.Kind.SETWAN,
    "inspektorat": Unit.Kind.INSPEKTORAT,
    "dinas": Unit.Kind.DINAS,
    "badan": Unit.Kind.BADAN,
    "satuan polisi pamong praja": Unit.Kind.SATPOL_PP,
    "satpol pp": Unit.Kind.SATPOL_PP,
    "kecamatan": Unit.Kind.KECAMATAN,
    "kelurahan": Unit.Kind.KELURAHAN,
    "desa": Unit.Kind.KELURAHAN,
    "kantor": Unit.Kind.KANTOR,
    "rumah sakit umum daerah": Unit.Kind.RSUD,
    "rsud": Unit.Kind.RSUD,
    "uptd": Unit.Kind.UPTD,
    "upt": Unit.Kind.UPTD,
    "unit pelaksana teknis daerah": Unit.Kind.UPTD,
    "unit pelaksana teknis": Unit.Kind.UPTD,
    "puskesmas": Unit.Kind.UPTD,
    "uptb": Unit.Kind.UPTB,
    "bagian": Unit.Kind.BAGIAN,
    "sekretariat": Unit.Kind.BAGIAN,  # of a Dinas or Badan: at the level of its Bidang
    "bidang": Unit.Kind.BIDANG,
    "seksi": Unit.Kind.SEKSI,
    "subbagian": Unit.Kind.SEKSI,
    "sub bagian": Unit.Kind.SEKSI,
    "subbidang": Unit.Kind.SEKSI,
    "sub bidang": Unit.Kind.SEKSI,
    "kasubbag": Unit.Kind.SEKSI,
    "subbag": Unit.Kind.SEKSI,
}
_LONGEST_FIRST = sorted(KIND_PREFIXES, key=len, reverse=True)
# Kinds that hang under another unit: a row of these without a parent is refused.
SUB_KINDS = frozenset(
    {Unit.Kind.BAGIAN, Unit.Kind.BIDANG, Unit.Kind.SEKSI, Unit.Kind.KELURAHAN, Unit.Kind.UPTB}
)


def kind_from_name(text: str) -> str:
    """The kind a name or a kind cell states ("Dinas", "Bidang ...", "dinas", "Service
    (Dinas)"), or "" when it states none."""
    words = " ".join(re.sub(r"[^\w]+", " ", search_key(text)).split())
    if not words:
        return ""
    if words in Unit.Kind.values:
        return words
    for prefix in _LONGEST_FIRST:
        if words == prefix or words.startswith(prefix + " "):
            return KIND_PREFIXES[prefix]
    inner = re.search(r"\(([^)]+)\)", text)  # as this system names kinds: "Service (Dinas)"
    return kind_from_name(inner.group(1)) if inner else ""


class CodeMaker:
    """Codes for units created without one: the parent's code and a two-digit number
    ("D1.01", "D1.02"), or PD and a number for an agency ("PD01"); never one already taken."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = {code.casefold() for code in taken}

    def take(self, code: str) -> None:
        self.taken.add(code.casefold())

    def next(self, parent_code: str | None) -> str:
        stem = f"{parent_code}." if parent_code else "PD"
        number = 1
        while f"{stem}{number:02d}".casefold() in self.taken:
            number += 1
        code = f"{stem}{number:02d}"
        self.take(code)
        return code
