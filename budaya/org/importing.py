"""Reading employee rosters as BKD/SIASN exports really are, and planning what an import does.

Planning never touches the registry: `plan_import` records what would happen to every row (new,
updated, unchanged, rejected with reasons, possibly left) in `ImportRow`, so the user sees it
before confirming. Writing the registry is `services.apply_employee_import`, all or nothing.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from budaya import bulk
from budaya.archives import ArchiveError, check_office_file
from budaya.org.grades import (
    GradeError,
    normalise_echelon,
    normalise_pns_rank,
    normalise_pppk_grade,
)
from budaya.org.models import Employee, EmployeeImport, ImportRow, Unit
from budaya.org.nip import NIPError, digits_kind, looks_cut, normalise, parse, parse_pppk
from budaya.org.unit_names import SUB_KINDS, kind_from_name
from budaya.text import clean_text, search_key

# Canonical fields and the headers that exports use for them (compared case- and
# punctuation-insensitively). A government's remembered mapping is tried first.
FIELD_ALIASES: dict[str, list[str]] = {
    "nip": ["nip", "nip baru", "nip 18", "nip/nik", "nomor induk pegawai"],
    "ni_pppk": ["ni pppk", "nipppk", "nomor induk pppk", "ni_pppk"],
    "name": ["nama", "nama lengkap", "nama pegawai", "nama asn", "name"],
    "front_title": ["gelar depan", "glr depan", "gelar dpn"],
    "back_title": ["gelar belakang", "gelar blkg", "glr belakang", "gelar blk"],
    "sex": ["jenis kelamin", "jk", "l/p", "kelamin", "sex", "gender"],
    "status": ["status", "status pegawai", "jenis pegawai", "status asn", "kedudukan"],
    "rank": ["gol", "golongan", "pangkat/gol", "pangkat", "gol ruang", "gol akhir nama",
             "golongan ruang", "pangkat golongan", "rank"],
    "echelon": ["eselon", "eselon nama", "esl", "echelon"],
    "position_name": ["jabatan", "nama jabatan", "jabatan nama", "position"],
    "position_kind": ["jenis jabatan", "jenis jabatan nama", "kelompok jabatan"],
    "unit": ["unit kerja", "unor", "unor nama", "satuan kerja", "unit", "sub unit kerja"],
    "agency": ["perangkat daerah", "opd", "skpd", "unor induk", "unor induk nama", "instansi",
               "unit kerja induk"],
}  # fmt: skip
REQUIRED_FIELDS = ("name", "unit")
FIELD_LABELS = {
    "nip": "NIP",
    "ni_pppk": "NI PPPK",
    "name": "Nama",
    "front_title": "Gelar depan",
    "back_title": "Gelar belakang",
    "sex": "Jenis kelamin",
    "status": "Status",
    "rank": "Pangkat/golongan",
    "echelon": "Eselon",
    "position_name": "Jabatan",
    "position_kind": "Jenis jabatan",
    "unit": "Unit kerja",
    "agency": "Perangkat daerah",
}
# The fields an import may change on an employee.
EMPLOYEE_FIELDS = (
    "nip", "ni_pppk", "name", "front_title", "back_title", "sex", "status", "rank",
    "echelon", "position_name", "position_kind", "unit_id",
)  # fmt: skip
HEADER_SEARCH_ROWS = 30


class RosterError(ValueError):
    """The file as a whole cannot be read (no header, unknown format): nothing is imported."""


@functools.lru_cache(maxsize=4096, typed=True)
def squash(text: object) -> str:
    """Headers and unit names compared without case, accents, punctuation or invisible
    characters (issue 23)."""
    return " ".join(re.sub(r"[^\w/]+", " ", search_key(str(text or ""))).split())


# --- Reading -------------------------------------------------------------------------------


def read_cells(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first sheet (XLSX) or of a CSV, numbered as the user sees them (from 1)."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        yield from _read_xlsx(path)
    elif suffix in {".csv", ".txt"}:
        yield from _read_csv(path)
    else:
        raise RosterError(
            _("Upload an XLSX or CSV file (this one is %(suffix)s).") % {"suffix": suffix}
        )


def _read_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first sheet, streamed: memory does not grow with the number of rows.

    calamine (Rust) decodes the sheet about eight times faster than openpyxl's read-only mode,
    with the same values: an empty cell is "" (openpyxl: None), a whole number an int, a date
    cell a date, an error cell its text ("#N/A"); rows are numbered from the sheet's first row
    and cells from column A, title and blank rows included.
    """
    from python_calamine_plus import CalamineError, CalamineWorkbook

    try:
        # Unpacked size and cell size bounded before calamine opens it (issue 17): the form
        # checked the upload already, this covers files stored before and the command.
        check_office_file(path)
    except ArchiveError as error:
        raise RosterError(str(error)) from error
    try:
        workbook = CalamineWorkbook.from_path(path)
    except (CalamineError, OSError) as error:
        raise RosterError(_("The file is not a readable XLSX workbook.")) from error
    try:
        yield from enumerate(workbook.stream_sheet_by_index(0), start=1)
    except CalamineError as error:
        raise RosterError(_("The file is not a readable XLSX workbook.")) from error
    finally:
        workbook.close()


CSV_DELIMITERS = (",", ";", "\t")


def _read_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a CSV as Excel shows them: the whole file read by a real parser (quotes, ``""``
    inside quotes, line breaks inside a cell, BOM, CRLF), with the delimiter that gives the
    file the most rows of one width (issue 23: the first 8 KB used to decide, and a quote
    further down shifted columns)."""
    text = _decode(path.read_bytes())
    delimiter = _delimiter(text)
    try:
        yield from enumerate(_parse_csv(text, delimiter), start=1)
    except csv.Error as error:
        raise RosterError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel on Windows saves CSV in the ANSI code page.
        return raw.decode("cp1252", errors="replace")


def _parse_csv(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, doublequote=True)


def _delimiter(text: str) -> str:
    """The delimiter under which most rows share one width (two columns at least): a comma in
    a name ("Ahmad, S.E.") or a semicolon in a position changes the width of its row only."""
    best, best_score = ",", (-1, 0)
    for delimiter in CSV_DELIMITERS:
        widths: dict[int, int] = {}
        try:
            for row in _parse_csv(text, delimiter):
                if len(row) > 1:
                    widths[len(row)] = widths.get(len(row), 0) + 1
        except csv.Error:
            continue
        if widths:
            width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
            if (rows, width) > best_score:
                best, best_score = delimiter, (rows, width)
    return best


# --- Header and columns --------------------------------------------------------------------


@dataclass
class Header:
    row_number: int
    # Canonical field → column index.
    columns: dict[str, int]
    # Every header cell as written, by column index (for the mapping page).
    cells: list[str]

    def unmapped_cells(self) -> list[str]:
        used = set(self.columns.values())
        return [cell for index, cell in enumerate(self.cells) if cell and index not in used]


def match_columns(
    cells: list[Any],
    remembered: dict[str, str],
    aliases_by_field: dict[str, list[str]] | None = None,
) -> dict[str, int]:
    """Map header cells to fields: the government's remembered headers first, then aliases."""
    squashed = [squash(cell) for cell in cells]
    columns: dict[str, int] = {}
    for field_name, header in remembered.items():
        if squash(header) in squashed:
            columns[field_name] = squashed.index(squash(header))
    for field_name, aliases in (aliases_by_field or FIELD_ALIASES).items():
        if field_name in columns:
            continue
        for alias in aliases:
            if alias in squashed and squashed.index(alias) not in columns.values():
                columns[field_name] = squashed.index(alias)
                break
    return columns


@dataclass(frozen=True)
class FileLayout:
    """What a kind of import file must name in its header row."""

    aliases: dict[str, list[str]]
    required: tuple[str, ...]
    any_of: tuple[str, ...]
    missing: Callable[[int], str]  # the message when no header is in the first rows


def _roster_missing(rows: int) -> str:
    return _(
        "No header row was found in the first %(rows)d rows. The file needs columns for "
        "NIP (or NI PPPK), Nama and Unit kerja; set their names on the column mapping page "
        "if your export calls them differently."
    ) % {"rows": rows}


ROSTER = FileLayout(FIELD_ALIASES, REQUIRED_FIELDS, ("nip", "ni_pppk"), _roster_missing)


def find_header(
    rows: Iterable[tuple[int, list[Any]]],
    remembered: dict[str, str],
    layout: FileLayout = ROSTER,
) -> tuple[Header, Iterator[tuple[int, list[Any]]]]:
    """The header is the first row, among the first 30, that names the layout's columns (a
    roster: a number, a name and a unit column).

    Exports put a title, the date and blank rows above it; those are passed over.
    """
    iterator = iter(rows)
    for number, cells in iterator:
        columns = match_columns(cells, remembered, layout.aliases)
        if all(required in columns for required in layout.required) and any(
            name in columns for name in layout.any_of
        ):
            header = Header(number, columns, [_text(cell) for cell in cells])
            return header, iterator
        if number >= HEADER_SEARCH_ROWS:
            break
    raise RosterError(layout.missing(HEADER_SEARCH_ROWS))


# --- Lines that are not data (issue 23) ------------------------------------------------------

TOTAL_WORDS = ("jumlah", "total", "sub total", "subtotal", "grand total", "rekapitulasi")


def _is_column_numbers(cells: list[Any]) -> bool:
    """The row of column numbers that official forms print under the header: 1, 2, 3, ...
    (or "(1)", "(2)", ...)."""
    numbers = []
    for cell in cells:
        if cell is None or cell == "":
            continue
        text = str(cell).strip().strip("()")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def non_data(cells: list[Any], columns: dict[str, int], key_fields: tuple[str, ...]) -> str:
    """Why a line is not a record (column numbers, a subtotal, a footer), or "" for a record.

    A record fills at least two of ``key_fields`` (a roster: number, name, unit); a footer's
    "NIP. 19650101..." under a signature is no number. The first key field holding a small
    number is the row of column numbers.
    """
    indices = [columns[name] for name in key_fields if name in columns]
    width = len(cells)
    filled = 0
    for index in indices:
        if index < width:
            value = cells[index]
            if value is not None and value != "" and (type(value) is not str or value.strip()):
                filled += 1
    if indices and indices[0] < width:
        first = cells[indices[0]]
        if _small_number(first) and _is_column_numbers(cells):
            return _("the row of column numbers")
        if type(first) is str and first.lstrip()[:3].casefold() == "nip":
            filled -= 1  # "NIP. 1965..." under a signature
    if filled == len(indices):  # most rows: every key field filled
        return ""
    if filled >= 2 and not _has_total_word(cells):
        return ""
    if _has_total_word(cells):
        return _("a subtotal line")
    if _is_column_numbers(cells):
        return _("the row of column numbers")
    return _("not a record (a title, a note or a signature)")


def _small_number(value: Any) -> bool:
    if type(value) is str:
        return len(value) <= 5 and value.strip("() ").isdigit()
    return type(value) in (int, float) and value < 1000


def _has_total_word(cells: list[Any]) -> bool:
    for cell in cells:
        if isinstance(cell, str) and cell:
            words = squash(cell)
            if words.startswith(TOTAL_WORDS):
                return True
    return False


# --- Rows ----------------------------------------------------------------------------------

FRONT_TITLE = re.compile(r"^((?:(?:Prof|Dr|Drs|Dra|Ir|H|Hj|dr|drg|apt|Ns|R|Hc)\.?\s+)+)", re.I)


def split_titles(name: str) -> tuple[str, str, str]:
    """'Dr. H. Ahmad Fiktif, S.E., M.Si.' → ('Dr. H.', 'Ahmad Fiktif', 'S.E., M.Si.')."""
    name = " ".join(name.split())
    front = ""
    match = FRONT_TITLE.match(name)
    if match:
        front = match.group(1).strip()
        name = name[match.end() :]
    back = ""
    if "," in name:
        name, back = (part.strip() for part in name.split(",", 1))
    return front, name, back


SEX_WORDS = {
    "l": "L", "laki laki": "L", "laki": "L", "pria": "L", "m": "L", "male": "L", "1": "L",
    "p": "P", "perempuan": "P", "wanita": "P", "f": "P", "female": "P", "w": "P", "2": "P",
}  # fmt: skip
POSITION_KINDS = {
    "struktural": "struktural",
    "jabatan struktural": "struktural",
    "fungsional": "fungsional",
    "jabatan fungsional": "fungsional",
    "fungsional tertentu": "fungsional",
    "jabatan fungsional tertentu": "fungsional",
    "pelaksana": "pelaksana",
    "jabatan pelaksana": "pelaksana",
    "fungsional umum": "pelaksana",
    "jabatan fungsional umum": "pelaksana",
}


@dataclass
class UnitIndex:
    """Units of one government, matched by name regardless of case and surrounding spaces."""

    by_name: dict[str, list[Unit]]
    # A roster names the same few hundred units thousands of times: each pair is resolved once.
    resolved: dict[tuple[str, str], tuple[Unit | None, str]] = field(default_factory=dict)
    # Names not found, with their agency cell and how many rows name them: the preview
    # offers to create them (issue 23).
    unknown: dict[tuple[str, str], int] = field(default_factory=dict)

    def name_of(self, unit_id: int | None) -> str:
        for units in self.by_name.values():
            for unit in units:
                if unit.pk == unit_id:
                    return unit.name
        return ""

    def find(self, name: str) -> list[Unit]:
        return self.by_name.get(squash(name), [])

    @classmethod
    def for_government(cls, government_id: int) -> UnitIndex:
        by_name: dict[str, list[Unit]] = {}
        for unit in Unit.objects.filter(government_id=government_id).only(
            "id", "name", "short_name", "path", "parent_id", "active_to"
        ):
            for key in {squash(unit.name), squash(unit.short_name)} - {""}:
                by_name.setdefault(key, []).append(unit)
        return cls(by_name)

    def resolve(self, unit_name: str, agency_name: str) -> tuple[Unit | None, str]:
        """The unit, or None and the reason (with the closest existing name proposed)."""
        names = (unit_name, agency_name)
        if names not in self.resolved:
            self.resolved[names] = self._resolve(unit_name, agency_name)
        found = self.resolved[names]
        if found[0] is None and not self.by_name.get(squash(unit_name)):
            self.unknown[names] = self.unknown.get(names, 0) + 1
        return found

    def _resolve(self, unit_name: str, agency_name: str) -> tuple[Unit | None, str]:
        candidates = self.by_name.get(squash(unit_name), [])
        if agency_name and candidates:
            agencies = self.by_name.get(squash(agency_name), [])
            paths = [agency.path for agency in agencies]
            candidates = [u for u in candidates if any(u.path.startswith(p) for p in paths)]
        if len(candidates) == 1:
            return candidates[0], ""
        if len(candidates) > 1:
            return None, _(
                "The unit “%(unit)s” exists in several agencies; add a Perangkat daerah column "
                "to say which."
            ) % {"unit": unit_name}
        proposal = difflib.get_close_matches(squash(unit_name), list(self.by_name), n=1, cutoff=0.6)
        if proposal:
            closest = self.by_name[proposal[0]][0].name
            return None, _("Unknown unit “%(unit)s”. Did you mean “%(closest)s”?") % {
                "unit": unit_name,
                "closest": closest,
            }
        return None, _("Unknown unit “%(unit)s”.") % {"unit": unit_name}


class Grades:
    """Rank, grade and echelon cells normalised, each distinct cell once (a roster repeats a
    few dozen of them thousands of times): the value, or "" and the reason it is refused."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, type, object], tuple[str, str]] = {}

    def normalise(self, kind: str, raw: object) -> tuple[str, str]:
        # The type is part of the key: 1, 1.0 and True are equal keys of a dict.
        key = (kind, type(raw), raw)
        if key not in self.seen:
            try:
                self.seen[key] = (GRADE_PARSERS[kind](raw), "")
            except GradeError as error:
                self.seen[key] = ("", str(error))
        return self.seen[key]


GRADE_PARSERS: dict[str, Callable[[object], str]] = {
    "echelon": normalise_echelon,
    "pns_rank": normalise_pns_rank,
    "pppk_grade": normalise_pppk_grade,
}


@dataclass
class RowResult:
    row_numbers: list[int]
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: list[Any] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """A number to check (cut by a spreadsheet's precision)."""
        return looks_cut(self.data.get("nip") or self.data.get("ni_pppk") or "")

    @property
    def key(self) -> str:
        return self.data.get("nip") or f"pppk:{self.data.get('ni_pppk') or ''}"


def _cell(cells: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # clean_text's own fast path, inlined: six cells of every row come through here.
    return " ".join(text.split()) if text.isascii() else clean_text(text)


# Every free-text field's length in the registry (issue 23: a name longer than its column passed
# the preview, then failed the whole import on PostgreSQL): checked while planning, row by row.
# The other fields are normalised to values that fit (a NIP has 18 digits, a grade is "III/a").
FREE_TEXT_FIELDS = ("name", "front_title", "back_title", "position_name")
FIELD_LIMITS = {
    field.attname: field.max_length
    for field in Employee._meta.concrete_fields
    if field.attname in FREE_TEXT_FIELDS and field.max_length
}


def too_long(data: dict[str, Any], limits: dict[str, int], labels: dict[str, str]) -> list[str]:
    """One reason per text value longer than its column, with the limit."""
    reasons = []
    for name, limit in limits.items():
        value = data.get(name)
        if value and len(value) > limit:
            reasons.append(
                _("%(field)s has %(count)d characters; at most %(limit)d fit.")
                % {"field": labels.get(name, name), "count": len(value), "limit": limit}
            )
    return reasons


def _status_stated(value: str) -> str:
    """The status a status cell states ("PPPK", "P3K", "CPNS", "PNS"), or ""."""
    if "pppk" in value or "p3k" in value:
        return Employee.Status.PPPK
    if "pns" in value:
        return Employee.Status.PNS
    return ""


def _read_number(
    data: dict[str, Any], errors: list[str], notes: list[str], cell: Callable[[str], Any]
) -> None:
    """NIP or NI PPPK, status and sex (issue 23).

    The status is the status column's when there is one; otherwise a value in the NI PPPK
    column, or the structure of the number (digits 13–14: a month in a NIP, 21 in a NI PPPK).
    The sex is the sex column's when there is one, which must agree with the number's sex
    digit; otherwise the number's.
    """
    sex_cell = squash(cell("sex"))
    sex = SEX_WORDS.get(sex_cell, "")
    if sex_cell and not sex:
        errors.append(_("Unknown sex “%(sex)s” (write L or P).") % {"sex": cell("sex")})
    stated = _status_stated(squash(cell("status")))
    nip_raw, pppk_raw = cell("nip"), cell("ni_pppk")
    data["nip"] = data["ni_pppk"] = None
    try:
        nip_digits, pppk_digits = normalise(nip_raw), normalise(pppk_raw)
    except NIPError as error:
        errors.append(str(error))
        data["status"] = stated or Employee.Status.PNS
        data["sex"] = sex
        return
    # PPPK exports often carry the NI PPPK in the NIP column.
    digits = pppk_digits or nip_digits
    status = stated or (
        Employee.Status.PPPK
        if pppk_digits or digits_kind(digits) == "PPPK"
        else Employee.Status.PNS
    )
    data["status"] = status
    data["sex"] = sex
    if status == Employee.Status.PPPK:
        if not digits:
            errors.append(_("A PPPK employee needs an NI PPPK."))
            return
        if digits_kind(digits) == "PNS":
            errors.append(
                _("The status is PPPK but %(value)s is a NIP (digits 13–14 are a month).")
                % {"value": digits}
            )
            return
        parser, field_name = parse_pppk, "ni_pppk"
    else:
        if not nip_digits and pppk_digits:
            errors.append(_("The status is PNS but the row has a NI PPPK and no NIP."))
            return
        if digits_kind(nip_digits) == "PPPK":
            errors.append(
                _("The status is PNS but %(value)s is a NI PPPK (digits 13–14 are 21).")
                % {"value": nip_digits}
            )
            return
        parser, field_name, digits = parse, "nip", nip_digits
    try:
        number = parser(digits, sex=sex or None)
    except NIPError as error:
        errors.append(str(error))
        return
    data[field_name] = number.value
    data["sex"] = number.sex
    if looks_cut(number.value):
        notes.append(
            _(
                "Check this number: it ends in 000, which no NIP or NI PPPK does. A spreadsheet "
                "that stored it as a number keeps 15 digits and turns the last three into 000."
            )
        )


def read_row(
    number: int, cells: list[Any], columns: dict[str, int], units: UnitIndex, grades: Grades
) -> RowResult:
    result = RowResult([number], raw=cells)
    data = result.data
    errors = result.errors
    # The mapped cells, stripped, looked up by field (one pass over the row).
    width = len(cells)
    cell = {
        name: value.strip() if isinstance(value := cells[index], str) else value
        for name, index in columns.items()
        if index < width
    }.get

    name = _text(cell("name"))
    front, name, back = split_titles(name)
    data["name"] = name
    data["name_search"] = search_key(name)[:255]
    data["front_title"] = _text(cell("front_title")) or front
    data["back_title"] = _text(cell("back_title")) or back
    if not name:
        errors.append(_("The name is empty."))

    _read_number(data, errors, result.notes, cell)

    pns = data["status"] == Employee.Status.PNS
    for field_name, kind in (("rank", "pns_rank" if pns else "pppk_grade"), ("echelon", "echelon")):
        value, refused = grades.normalise(kind, cell(field_name))
        if refused:
            errors.append(refused)
        else:
            data[field_name] = value

    data["position_name"] = _text(cell("position_name"))
    kind = squash(cell("position_kind"))
    data["position_kind"] = POSITION_KINDS.get(kind, "")
    if not data["position_kind"] and data.get("echelon"):
        data["position_kind"] = Employee.PositionKind.STRUCTURAL
    if kind and not data["position_kind"]:
        result.notes.append(_("Unknown position kind “%(kind)s” left empty.") % {"kind": kind})

    unit_name = _text(cell("unit"))
    agency_name = _text(cell("agency"))
    if not unit_name:
        errors.append(_("The unit is empty."))
    else:
        unit, reason = units.resolve(unit_name, agency_name)
        if unit is None:
            errors.append(reason)
        else:
            data["unit_id"] = unit.pk
    errors.extend(too_long(data, FIELD_LIMITS, FIELD_LABELS))
    return result


def is_blank(cells: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


# --- Planning ------------------------------------------------------------------------------

PLAN_BATCH = 1000


@dataclass(slots=True)
class PlannedRow:
    """An ``ImportRow`` being planned, not yet written (a model instance per row costs more
    than the row's whole planning)."""

    outcome: str
    first_row: int
    row_numbers: list[int]
    key: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    differences: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    employee_id: int | None = None
    pk: None = None  # as an ImportRow not yet saved


PLAN_COLUMNS = (
    "government_id", "employee_import_id", "outcome", "key", "first_row", "row_numbers", "data",
    "differences", "reasons", "notes", "cells", "employee_id",
)  # fmt: skip


def write_plan_rows(job: EmployeeImport, rows: Iterable[PlannedRow]) -> None:
    """One INSERT for a batch of the plan."""
    bulk.insert(ImportRow._meta.db_table, PLAN_COLUMNS, plan_values(job, rows))


def plan_values(job: EmployeeImport, rows: Iterable[PlannedRow]) -> list[tuple[Any, ...]]:
    """The plan's rows as ``PLAN_COLUMNS`` stores them."""
    json_value = bulk.json_value
    empty_list, empty_dict = json_value([]), json_value({})
    return [
        (
            job.government_id,
            job.pk,
            row.outcome,
            row.key,
            row.first_row,
            json_value(row.row_numbers),
            json_value(row.data) if row.data else empty_dict,
            json_value(row.differences) if row.differences else empty_dict,
            json_value(row.reasons) if row.reasons else empty_list,
            json_value(row.notes) if row.notes else empty_list,
            json_value(row.cells) if row.cells else empty_list,
            row.employee_id,
        )
        for row in rows
    ]


@dataclass
class PlanSummary:
    header: Header
    counts: dict[str, int]
    # Merged rows: {"rows": [...], "key": NIP or NI PPPK, "name": ..., "note": transfer or ""}.
    merged: list[dict[str, Any]]
    # Units the file names that do not exist, with the parent proposed (issue 23).
    unknown_units: list[dict[str, Any]] = field(default_factory=list)


# Text fields where two rows of one employee may differ in case, spacing or accents only.
LOOSE_FIELDS = frozenset({"name", "front_title", "back_title", "position_name"})


def _merge(
    first: dict[str, Any], other: dict[str, Any], rows: list[int], units: UnitIndex
) -> tuple[str, str]:
    """Fold a duplicate row of the same employee into the first: (reason they conflict, note).

    Issue 23: names that differ only in capitals, spaces or accents are the same name (the
    first row's spelling is kept); another unit in the later row is a transfer, noted with
    both units' names.
    """
    note = ""
    for name, value in other.items():
        current = first.get(name)
        if current in (None, "") and value not in (None, ""):
            first[name] = value
        elif (
            value in (None, "")
            or current == value
            or name == "name_search"
            or (name in LOOSE_FIELDS and search_key(str(current)) == search_key(str(value)))
        ):
            continue
        elif name == "unit_id":
            note = _("Transfer within the file: from %(old)s to %(new)s (row %(row)d).") % {
                "old": units.name_of(current),
                "new": units.name_of(value),
                "row": rows[-1],
            }
            first[name] = value
        else:
            reason = _("Rows %(rows)s are the same employee with different %(field)s.") % {
                "rows": ", ".join(str(n) for n in rows),
                "field": FIELD_LABELS.get(name.removesuffix("_id"), name),
            }
            return reason, ""
    return "", note


def _classify(row: ImportRow | PlannedRow, current: dict[str, Any] | None) -> None:
    """New, updated (with the differences) or unchanged, against the stored employee."""
    if current is None:
        row.outcome, row.employee_id, row.differences = ImportRow.Outcome.NEW, None, {}
        return
    differences = {
        name: [current[name], row.data.get(name)]
        for name in EMPLOYEE_FIELDS
        if name in row.data and current[name] != row.data[name]
    }
    if not current["active"]:
        differences["active"] = [False, True]
    if current["possibly_left_since"]:
        differences["possibly_left_since"] = [current["possibly_left_since"].isoformat(), None]
    row.employee_id = current["id"]
    row.differences = differences
    row.outcome = ImportRow.Outcome.UPDATED if differences else ImportRow.Outcome.UNCHANGED


def _current(government_id: int, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored employees of a batch of keys (two queries, whatever the batch holds)."""
    nips = [key for key in keys if not key.startswith("pppk:")]
    pppk = [key.removeprefix("pppk:") for key in keys if key.startswith("pppk:")]
    fields = ("id", "active", "possibly_left_since", *EMPLOYEE_FIELDS)
    found: dict[str, dict[str, Any]] = {}
    # Unordered: ordered by name (the model's default), SQLite reads the government's whole
    # roster by the list's index (government, name) for each batch instead of looking each
    # number up in its unique index, and a second import of 100,000 rows took three times the
    # first (docs/performance.md).
    employees = Employee.objects.filter(government_id=government_id).order_by()
    if nips:
        for row in employees.filter(nip__in=nips).values(*fields):
            found[row["nip"]] = row
    if pppk:
        for row in employees.filter(nip__isnull=True, ni_pppk__in=pppk).values(*fields):
            found[f"pppk:{row['ni_pppk']}"] = row
    return found


def plan_import(
    job: EmployeeImport,
    path: Path,
    *,
    remembered: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PlanSummary:
    """Read the file and decide, row by row, what importing it would do.

    The plan goes to ``ImportRow`` in batches; the registry itself is not touched. Memory holds
    one batch and the set of keys seen, whatever the size of the file.
    """
    government_id = job.government_id
    header, rows = find_header(read_cells(path), remembered or {})
    units = UnitIndex.for_government(government_id)
    ImportRow.objects.filter(employee_import=job).delete()

    # A first import (no employee yet) has nobody to compare its rows with: no lookups.
    registry_empty = not Employee.objects.filter(government_id=government_id).exists()
    seen: set[str] = set()  # keys of rows planned, and of rejected rows (not proof of leaving)
    pending: dict[str, PlannedRow] = {}
    others: list[PlannedRow] = []  # rejected and skipped rows of the batch
    merged: dict[int, dict[str, Any]] = {}  # by the first row of the employee
    rows_read = to_check = 0
    grades = Grades()
    columns = header.columns
    key_fields = ("nip" if "nip" in columns else "ni_pppk", "name", "unit")

    def flush() -> None:
        current = {} if registry_empty else _current(government_id, list(pending))
        for row in pending.values():
            if row.outcome != ImportRow.Outcome.REJECTED:
                _classify(row, current.get(row.key))
        plan.insert(plan_values(job, [*pending.values(), *others]))
        pending.clear()
        others.clear()

    def fold(row: ImportRow | PlannedRow, result: RowResult) -> None:
        """A later row of an employee already planned: merged, or both rejected if they differ."""
        rows = [*row.row_numbers, *result.row_numbers]
        row.row_numbers = rows
        if row.outcome == ImportRow.Outcome.REJECTED:
            return
        earlier = merged.pop(row.first_row, None)
        reason, note = _merge(row.data, result.data, rows, units)
        if reason:
            row.outcome = ImportRow.Outcome.REJECTED
            row.reasons = [reason]
            row.cells = [_cell_text(cell) for cell in result.raw]
            return
        notes = [*(earlier["notes"] if earlier else []), *([note] if note else [])]
        if note:
            row.notes = [*row.notes, note]
        merged[row.first_row] = {
            "rows": rows,
            "key": row.key.removeprefix("pppk:"),
            "name": row.data.get("name", ""),
            "notes": notes,
        }
        if row.pk is not None:  # already classified: the merge may have changed its data
            current = {} if registry_empty else _current(government_id, [row.key])
            _classify(row, current.get(row.key))

    # Each batch of the plan is stored while the next is read (bulk.Committer): the dry run is
    # not one transaction, and nothing reads the plan before it is whole but a duplicate's row.
    with bulk.Committer(ImportRow._meta.db_table, PLAN_COLUMNS) as plan:
        for number, cells in rows:
            if is_blank(cells):
                continue
            rows_read += 1
            if progress and rows_read % 500 == 0:
                progress(rows_read)
            why = non_data(cells, columns, key_fields)
            if why:
                others.append(skipped_row(number, cells, why))
                continue
            result = read_row(number, cells, columns, units, grades)
            if result.errors:
                seen.update(_raw_keys(cells, columns))
                number_cell = _cell(cells, columns, "nip") or _cell(cells, columns, "ni_pppk")
                others.append(
                    PlannedRow(
                        outcome=ImportRow.Outcome.REJECTED,
                        first_row=number,
                        row_numbers=[number],
                        # NIP and name as written, for the preview (issue 23)
                        data={"nip": _text(number_cell), "name": result.data.get("name", "")},
                        reasons=result.errors,
                        cells=[_cell_text(cell) for cell in cells],
                    )
                )
                continue
            to_check += result.flagged
            key = result.key
            if key in pending:
                fold(pending[key], result)
                continue
            if key in seen:
                plan.wait()  # the batches before, where this key's row may be
                # By id, not the plan's order: found by its (import, key) index.
                stored = (
                    ImportRow.objects.filter(employee_import=job, key=key).order_by("pk").first()
                )
                if stored is not None:
                    fold(stored, result)
                    stored.save()
                    continue
            seen.add(key)
            pending[key] = PlannedRow(
                outcome="",  # classified against the registry when the batch is written
                key=key,
                first_row=number,
                row_numbers=[number],
                data=result.data,
                notes=result.notes,
            )
            if len(pending) >= PLAN_BATCH:
                flush()
        flush()

    if job.full_roster:
        _plan_missing(job, seen)
    counts = count_outcomes(job)
    counts["possibly_left"] = counts.pop(ImportRow.Outcome.LEFT)
    counts.update(rows=rows_read, merged=len(merged), to_check=to_check)
    return PlanSummary(
        header,
        counts,
        [merged[first] for first in sorted(merged)],
        unknown_units=propose_units(units),
    )


def count_outcomes(job: EmployeeImport) -> dict[str, int]:
    """How many rows of the plan have each outcome (one query)."""
    counts = dict.fromkeys(ImportRow.Outcome.values, 0)
    for outcome, total in (
        ImportRow.objects.filter(employee_import=job)
        .values_list("outcome")
        .annotate(total=Count("pk"))
        .values_list("outcome", "total")
    ):
        counts[outcome] = total
    return counts


def skipped_row(number: int, cells: list[Any], why: str) -> PlannedRow:
    """A line that is no record: listed apart from the rejected rows, with its text."""
    return PlannedRow(
        outcome=ImportRow.Outcome.SKIPPED,
        first_row=number,
        row_numbers=[number],
        reasons=[why],
        cells=[_cell_text(cell) for cell in cells],
    )


def propose_units(units: UnitIndex) -> list[dict[str, Any]]:
    """The units a roster names that do not exist, each with the parent proposed: the agency
    of its rows when the file has an agency column (created too when it is unknown as well).
    A unit is created in one click only when its kind shows in its name and, for a sub-unit,
    its parent is known (issue 23)."""
    proposals: dict[str, dict[str, Any]] = {}
    for (unit_name, agency_name), rows in sorted(units.unknown.items()):
        parent_id, parent_name, parent_new = None, "", False
        if agency_name and squash(agency_name) != squash(unit_name):
            agencies = units.find(agency_name)
            if len(agencies) == 1:
                parent_id, parent_name = agencies[0].pk, agencies[0].name
            elif not agencies:
                parent_name, parent_new = agency_name, True
                _propose(proposals, agency_name, None, "", False, 0)
            else:
                parent_name = agency_name
        _propose(proposals, unit_name, parent_id, parent_name, parent_new, rows)
    return list(proposals.values())


def _propose(
    proposals: dict[str, dict[str, Any]],
    name: str,
    parent_id: int | None,
    parent_name: str,
    parent_new: bool,
    rows: int,
) -> None:
    key = f"{squash(name)}|{squash(parent_name)}"
    if key in proposals:
        proposals[key]["rows"] += rows
        return
    kind = kind_from_name(name)
    has_parent = parent_id is not None or parent_new
    if not kind:
        problem = _("The kind does not show in the name; add it with the unit tree import.")
    elif kind in SUB_KINDS and not has_parent:
        problem = _("Its agency is not known: add a Perangkat daerah column or import the tree.")
    elif parent_name and not has_parent:
        problem = _("Several units are named %(parent)s.") % {"parent": parent_name}
    else:
        problem = ""
    proposals[key] = {
        "name": name,
        "kind": kind,
        "parent_id": parent_id,
        "parent_name": parent_name,
        "parent_new": parent_new,
        "rows": rows,
        "problem": problem,
    }


def _plan_missing(job: EmployeeImport, seen: set[str]) -> None:
    """A full roster: active employees it does not list are possibly left (never deleted)."""
    batch: list[PlannedRow] = []
    employees = (
        Employee.objects.filter(government_id=job.government_id, active=True)
        .order_by("pk")
        .values_list("pk", "nip", "ni_pppk")
    )
    for pk, nip, ni_pppk in employees.iterator(chunk_size=PLAN_BATCH):
        if (nip or f"pppk:{ni_pppk}") in seen:
            continue
        batch.append(
            PlannedRow(outcome=ImportRow.Outcome.LEFT, first_row=0, row_numbers=[], employee_id=pk)
        )
        if len(batch) >= PLAN_BATCH:
            write_plan_rows(job, batch)
            batch = []
    write_plan_rows(job, batch)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def _raw_keys(cells: list[Any], columns: dict[str, int]) -> set[str]:
    """Best-effort keys of a rejected row, so its employee is not also flagged as having left."""
    keys = set()
    for name, prefix in (("nip", ""), ("ni_pppk", "pppk:")):
        try:
            value = normalise(_cell(cells, columns, name))
        except NIPError:
            continue
        if value:
            keys.add(prefix + value)
    return keys
