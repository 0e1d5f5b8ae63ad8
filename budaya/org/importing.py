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
from budaya.org.nip import NIPError, normalise, parse

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
    return " ".join(re.sub(r"[^\w/]+", " ", str(text or "").casefold()).split())


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


def _read_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel on Windows saves CSV in the ANSI code page.
        text = raw.decode("cp1252", errors="replace")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
    yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)


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


def match_columns(cells: list[Any], remembered: dict[str, str]) -> dict[str, int]:
    """Map header cells to fields: the government's remembered headers first, then aliases."""
    squashed = [squash(cell) for cell in cells]
    columns: dict[str, int] = {}
    for field_name, header in remembered.items():
        if squash(header) in squashed:
            columns[field_name] = squashed.index(squash(header))
    for field_name, aliases in FIELD_ALIASES.items():
        if field_name in columns:
            continue
        for alias in aliases:
            if alias in squashed and squashed.index(alias) not in columns.values():
                columns[field_name] = squashed.index(alias)
                break
    return columns


def find_header(
    rows: Iterable[tuple[int, list[Any]]], remembered: dict[str, str]
) -> tuple[Header, Iterator[tuple[int, list[Any]]]]:
    """The header is the first row, among the first 30, that names a name and a unit column.

    Exports put a title, the date and blank rows above it; those are passed over.
    """
    iterator = iter(rows)
    for number, cells in iterator:
        columns = match_columns(cells, remembered)
        if all(required in columns for required in REQUIRED_FIELDS) and (
            "nip" in columns or "ni_pppk" in columns
        ):
            header = Header(number, columns, [str(cell or "").strip() for cell in cells])
            return header, iterator
        if number >= HEADER_SEARCH_ROWS:
            break
    raise RosterError(
        _(
            "No header row was found in the first %(rows)d rows. The file needs columns for "
            "NIP (or NI PPPK), Nama and Unit kerja; set their names on the column mapping page "
            "if your export calls them differently."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


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
        return self.resolved[names]

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
    def key(self) -> str:
        return self.data.get("nip") or f"pppk:{self.data.get('ni_pppk') or ''}"


def _cell(cells: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


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
    data["front_title"] = _text(cell("front_title")) or front
    data["back_title"] = _text(cell("back_title")) or back
    if not name:
        errors.append(_("The name is empty."))

    sex_value = squash(cell("sex"))
    data["sex"] = SEX_WORDS.get(sex_value, "")

    status_value = squash(cell("status"))
    ni_pppk = _text(cell("ni_pppk")).replace(" ", "")
    nip_raw = cell("nip")
    if "pppk" in status_value or (ni_pppk and not nip_raw):
        data["status"] = Employee.Status.PPPK
    else:
        data["status"] = Employee.Status.PNS

    data["nip"] = None
    data["ni_pppk"] = ni_pppk or None
    if data["status"] == Employee.Status.PNS:
        try:
            nip = parse(nip_raw, sex=data["sex"] or None)
            data["nip"] = nip.value
            data["sex"] = data["sex"] or nip.sex
        except NIPError as error:
            errors.append(str(error))
    elif not ni_pppk:
        # PPPK exports often carry the NI PPPK in the NIP column.
        try:
            ni_pppk = normalise(nip_raw)
        except NIPError as error:
            errors.append(str(error))
        data["ni_pppk"] = ni_pppk or None
        if not ni_pppk:
            errors.append(_("A PPPK employee needs an NI PPPK."))
    if not data["sex"]:
        errors.append(_("The sex is missing or unknown (write L or P)."))

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


def _write_rows(job: EmployeeImport, rows: Iterable[PlannedRow]) -> None:
    """One INSERT for a batch of the plan."""
    json_value = bulk.json_value
    empty_list, empty_dict = json_value([]), json_value({})
    bulk.insert(
        ImportRow._meta.db_table,
        PLAN_COLUMNS,
        [
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
        ],
    )


@dataclass
class PlanSummary:
    header: Header
    counts: dict[str, int]
    merged: list[list[int]]


def _merge(first: dict[str, Any], other: dict[str, Any], rows: list[int]) -> str:
    """Fold a duplicate row of the same employee into the first; the reason if they conflict."""
    for name, value in other.items():
        current = first.get(name)
        if current in (None, "") and value not in (None, ""):
            first[name] = value
        elif value not in (None, "") and current != value:
            return _("Rows %(rows)s are the same employee with different %(field)s.") % {
                "rows": ", ".join(str(n) for n in rows),
                "field": FIELD_LABELS.get(name.removesuffix("_id"), name),
            }
    return ""


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
    employees = Employee.objects.filter(government_id=government_id)
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
    rejected: list[PlannedRow] = []
    merged: list[list[int]] = []
    rows_read = 0
    grades = Grades()

    def flush() -> None:
        current = {} if registry_empty else _current(government_id, list(pending))
        for row in pending.values():
            if row.outcome != ImportRow.Outcome.REJECTED:
                _classify(row, current.get(row.key))
        _write_rows(job, [*pending.values(), *rejected])
        pending.clear()
        rejected.clear()

    def fold(row: ImportRow | PlannedRow, result: RowResult) -> None:
        """A later row of an employee already planned: merged, or both rejected if they differ."""
        rows = [*row.row_numbers, *result.row_numbers]
        row.row_numbers = rows
        if row.outcome == ImportRow.Outcome.REJECTED:
            return
        merged[:] = [numbers for numbers in merged if numbers[0] != row.first_row]
        reason = _merge(row.data, result.data, rows)
        if reason:
            row.outcome = ImportRow.Outcome.REJECTED
            row.reasons = [reason]
            row.cells = [_cell_text(cell) for cell in result.raw]
            return
        merged.append(rows)
        if row.pk is not None:  # already classified: the merge may have changed its data
            current = {} if registry_empty else _current(government_id, [row.key])
            _classify(row, current.get(row.key))

    for number, cells in rows:
        if is_blank(cells):
            continue
        rows_read += 1
        if progress and rows_read % 500 == 0:
            progress(rows_read)
        result = read_row(number, cells, header.columns, units, grades)
        if result.errors:
            seen.update(_raw_keys(cells, header.columns))
            rejected.append(
                PlannedRow(
                    outcome=ImportRow.Outcome.REJECTED,
                    first_row=number,
                    row_numbers=[number],
                    reasons=result.errors,
                    cells=[_cell_text(cell) for cell in cells],
                )
            )
            continue
        key = result.key
        if key in pending:
            fold(pending[key], result)
            continue
        if key in seen:
            stored = ImportRow.objects.filter(employee_import=job, key=key).first()
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
    counts = dict.fromkeys(ImportRow.Outcome.values, 0)
    for outcome, total in (
        ImportRow.objects.filter(employee_import=job)
        .values_list("outcome")
        .annotate(total=Count("pk"))
        .values_list("outcome", "total")
    ):
        counts[outcome] = total
    counts["possibly_left"] = counts.pop(ImportRow.Outcome.LEFT)
    counts.update(rows=rows_read, merged=len(merged))
    return PlanSummary(header, counts, merged)


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
            _write_rows(job, batch)
            batch = []
    _write_rows(job, batch)


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
