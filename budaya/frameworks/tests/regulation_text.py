"""Reads the values, guides and manifestations straight out of the regulation texts.

The tests compare the shipped framework files with what these functions find in
../shared/regulations/, so a transcription error or a lost item fails the suite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

TANGERANG = "perwal-kota-tangerang-62-2018.txt"
SERANG = "perwal-kota-serang-34-2023.txt"


def regulation_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "regulations"


@cache
def read(name: str) -> str:
    return (regulation_dir() / name).read_text(encoding="utf-8")


def clean(text: str) -> str:
    """Markup (*italic*, <i>) and list punctuation (";", "; dan", ".") are not part of the text."""
    text = re.sub(r"</?i>|\*", "", text)
    text = " ".join(text.split())
    return re.sub(r"(;\s*dan|;|\.)$", "", text).strip()


def between(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


# --- Tangerang 62/2018 -----------------------------------------------------------------------


def tangerang_values() -> list[tuple[str, str]]:
    """(name, definition) from Pasal 6 ayat (2) huruf a-e."""
    block = between(read(TANGERANG), "Pasal 6", "Pasal 7")
    found = re.findall(r"^\s*- [a-e]\. \*\*(\w+)\*\*, yaitu (.+)$", block, re.MULTILINE)
    return [(name, clean(definition)) for name, definition in found]


def tangerang_names_in_pasal_6_1() -> list[str]:
    line = re.search(r"\(1\) Nilai Budaya Kerja .* yaitu (.+?) yang disingkat", read(TANGERANG))
    assert line
    return [name.strip() for name in re.split(r",\s*(?:dan\s+)?", line.group(1))]


# --- Serang 34/2023 --------------------------------------------------------------------------


def serang_names_in_pasal_6_1() -> list[str]:
    line = re.search(r"\(1\) \*Core Values\* ASN yaitu (.+?) yang disingkat", read(SERANG))
    assert line
    return [name.strip() for name in re.split(r",\s*(?:dan\s+)?", line.group(1))]


def serang_definitions() -> list[tuple[str, str]]:
    """(name as written, definition) from Pasal 6 ayat (3) huruf a-g."""
    block = between(read(SERANG), "- (3) *Core Values*", "Pasal 7")
    found = re.findall(r"^\s*- [a-g]\. ([\w ]+), yaitu (.+)$", block, re.MULTILINE)
    return [(name, clean(definition)) for name, definition in found]


def serang_guides() -> list[list[str]]:
    """The three guides of each value from Pasal 7 huruf a-g, in order."""
    block = between(read(SERANG), "\nPasal 7\n", "\nPasal 8\n")
    values: list[list[str]] = []
    for line in block.splitlines():
        line = line.strip()
        if re.match(r"^- [a-g]\. \w", line):
            values.append([])
            continue
        item = re.match(r"^(?:- )?(\d)\. (.+)$", line)
        # A page break leaves a fragment ("2. terus") before the full line; it has no end mark.
        if item and values and re.search(r"(;|\.|; dan)$", item.group(2)):
            values[-1].append(clean(item.group(2)))
    return values


@dataclass
class TableRow:
    number: int
    name: str
    guides: list[str]
    manifestations: list[str]


def _items(cell: str) -> list[str]:
    text = re.sub(r"</?i>", "", cell)
    text = re.sub(r"<[^>]+>", " ", text)
    # Items are numbered "1. Kata"; the PDF conversion sometimes glues them ("; dan7. Kata").
    parts = re.split(r"(?:(?<=dan)|(?<![\w(]))\d+\.\s*(?=[A-Z])", " ".join(text.split()))
    return [clean(part) for part in parts if part.strip()]


def serang_table_3() -> list[TableRow]:
    """Tabel 3: for each value its guides (column 3) and manifestations (column 4)."""
    text = read(SERANG)
    block = text[text.index("No.\tNilai\tPanduan Perilaku\tPerwujudan Perilaku") :]
    rows: list[tuple[int, str, list[str], list[str]]] = []
    for line in block.splitlines()[1:]:
        if line.startswith("--"):
            break
        cells = line.split("\t")
        if len(cells) < 3:
            continue
        start = re.match(r"^(\d+)\.$", cells[0].strip())
        if start:
            rows.append((int(start.group(1)), cells[1].strip(), [], []))
        rows[-1][2].append(cells[2])
        if len(cells) > 3:
            rows[-1][3].append(cells[3])
    return [
        TableRow(number, name, _items(" ".join(guides)), _items(" ".join(manifestations)))
        for number, name, guides, manifestations in rows
    ]
