"""Planning an import of the unit tree from the agency structure list a Bagian Organisasi keeps
(issue 23, part 2): name, kind, parent, optional code, one unit a row, in any order.

The same steps as the employee import (``importing``): the header found under title rows, lines
that are not data skipped, a plan in ``ImportRow`` that the preview shows (new, updated with each
change, unchanged, rejected with reasons), nothing written before the confirmation
(``services.apply_import``), and a second import of the same file changing nothing.
A unit list is a few hundred rows: it is planned in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from budaya.org.importing import (
    FileLayout,
    PlannedRow,
    PlanSummary,
    UnitIndex,
    _cell_text,
    _text,
    count_outcomes,
    find_header,
    is_blank,
    non_data,
    read_cells,
    skipped_row,
    squash,
    too_long,
    write_plan_rows,
)
from budaya.org.models import EmployeeImport, ImportRow, Unit
from budaya.org.unit_names import SUB_KINDS, CodeMaker, kind_from_name

UNIT_ALIASES: dict[str, list[str]] = {
    "name": ["nama unit", "nama unit kerja", "unit kerja", "nama unor", "unor", "unit organisasi",
             "nama satuan kerja", "satuan kerja", "nama perangkat daerah", "nama", "unit", "name"],
    "short_name": ["singkatan", "nama singkat", "akronim", "short name"],
    "kind": ["jenis", "jenis unit", "jenis unor", "tipe", "kind"],
    "code": ["kode", "kode unit", "kode unor", "id unor", "kode satuan kerja", "code"],
    "parent": ["induk", "unit induk", "nama induk", "atasan", "unor atasan", "nama unor atasan",
               "unit atasan", "parent"],
    "number": ["no", "no urut", "nomor urut", "nomor"],
    "parent_code": ["kode induk", "kode atasan", "kode unor atasan", "id unor atasan",
                    "kode unit induk", "parent code"],
}  # fmt: skip
UNIT_LABELS = {
    "name": "Nama unit",
    "short_name": "Singkatan",
    "kind": "Jenis",
    "code": "Kode",
    "parent": "Induk",
    "parent_code": "Kode induk",
}
UNIT_LIMITS = {
    field.name: field.max_length
    for field in Unit._meta.concrete_fields
    if field.name in ("name", "short_name", "code") and field.max_length
}
# What the preview compares and the import changes on an existing unit.
UNIT_IMPORT_FIELDS = ("name", "short_name", "kind", "parent")


def _no_header(rows: int) -> str:
    return _(
        "No header row was found in the first %(rows)d rows. The file needs a column for "
        "the unit's name (Nama unit) and one for its parent (Induk), kind (Jenis) or code "
        "(Kode)."
    ) % {"rows": rows}


UNITS = FileLayout(UNIT_ALIASES, ("name",), ("parent", "parent_code", "kind", "code"), _no_header)


@dataclass
class UnitRow:
    """One row of the file as read; ``parent`` is a row of the file or a stored unit."""

    number: int
    cells: list[Any]
    name: str
    short_name: str
    kind: str
    code: str
    parent_name: str
    parent_code: str
    errors: list[str] = field(default_factory=list)
    parent_row: UnitRow | None = None
    parent_unit: Unit | None = None
    existing: Unit | None = None
    merged_into: UnitRow | None = None

    @property
    def parent_label(self) -> str:
        if self.parent_row is not None:
            return self.parent_row.name
        return self.parent_unit.name if self.parent_unit is not None else ""


def plan_unit_import(job: EmployeeImport, path: Path, **_options: Any) -> PlanSummary:
    """Read the unit list and decide, row by row, what importing it would do."""
    header, lines = find_header(read_cells(path), {}, UNITS)
    columns = header.columns
    index = UnitIndex.for_government(job.government_id)
    stored = list(Unit.objects.filter(government_id=job.government_id).order_by("path"))
    by_code = {unit.code.casefold(): unit for unit in stored}
    ImportRow.objects.filter(employee_import=job).delete()

    rows: list[UnitRow] = []
    skipped: list[PlannedRow] = []
    key_fields = tuple(
        name for name in ("name", "parent", "kind", "code", "number") if name in columns
    )
    rows_read = 0
    for number, cells in lines:
        if is_blank(cells):
            continue
        rows_read += 1
        why = _not_a_unit(cells, columns, key_fields)
        if why:
            skipped.append(skipped_row(number, cells, why))
            continue
        rows.append(_read(number, cells, columns))

    file_by_code: dict[str, list[UnitRow]] = {}
    file_by_name: dict[str, list[UnitRow]] = {}
    for row in rows:
        if row.code:
            file_by_code.setdefault(row.code.casefold(), []).append(row)
        file_by_name.setdefault(squash(row.name), []).append(row)
        if row.short_name:
            file_by_name.setdefault(squash(row.short_name), []).append(row)

    for row in rows:
        if not row.errors:
            _resolve_parent(row, file_by_code, file_by_name, by_code, index)
    _merge_duplicates(rows)
    _reject_cycles_and_orphans(rows)
    planned = _plan_rows(rows, stored, by_code)
    write_plan_rows(job, [*planned, *skipped])
    counts = count_outcomes(job)
    counts["possibly_left"] = counts.pop(ImportRow.Outcome.LEFT)
    merged = [
        {"rows": [row.merged_into.number, row.number], "key": row.code, "name": row.name,
         "notes": []}
        for row in rows
        if row.merged_into is not None
    ]  # fmt: skip
    counts.update(rows=rows_read, merged=len(merged), to_check=0)
    return PlanSummary(header, counts, merged)


def _not_a_unit(cells: list[Any], columns: dict[str, int], key_fields: tuple[str, ...]) -> str:
    """Why a line is no unit (column numbers, a subtotal, a signature), or "". A name that says
    its kind ("Kecamatan Karawaci") is a unit even alone on its row."""
    index = columns["name"]
    name = _text(cells[index]) if index < len(cells) else ""
    if name and kind_from_name(name):
        return ""
    return non_data(cells, columns, key_fields)


def _read(number: int, cells: list[Any], columns: dict[str, int]) -> UnitRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    name, kind_cell = cell("name"), cell("kind")
    kind = kind_from_name(kind_cell) if kind_cell else kind_from_name(name)
    row = UnitRow(
        number=number,
        cells=cells,
        name=name,
        short_name=cell("short_name"),
        kind=kind or (kind_from_name(name) if kind_cell else ""),
        code=cell("code"),
        parent_name=cell("parent"),
        parent_code=cell("parent_code"),
    )
    if not name:
        row.errors.append(_("The name is empty."))
    if not row.kind:
        row.errors.append(
            _("The kind of “%(name)s” is not known: write it in the Jenis column (Dinas, Badan, "
              "Kecamatan, Kelurahan, Bagian, Bidang, Seksi, UPTD, ...).")
            % {"name": kind_cell or name}
        )  # fmt: skip
    row.errors.extend(
        too_long({"name": name, "short_name": row.short_name, "code": row.code}, UNIT_LIMITS,
                 UNIT_LABELS)
    )  # fmt: skip
    return row


def _resolve_parent(
    row: UnitRow,
    file_by_code: dict[str, list[UnitRow]],
    file_by_name: dict[str, list[UnitRow]],
    by_code: dict[str, Unit],
    index: UnitIndex,
) -> None:
    """The parent named by code or by name: a row of the file (before or after this one) first,
    then a stored unit, matched as the employee import matches units."""
    if row.parent_code:
        in_file = file_by_code.get(row.parent_code.casefold(), [])
        if in_file:
            row.parent_row = in_file[0]
        elif row.parent_code.casefold() in by_code:
            row.parent_unit = by_code[row.parent_code.casefold()]
        else:
            row.errors.append(
                _("No unit has the parent code “%(code)s”.") % {"code": row.parent_code}
            )
        return
    if not row.parent_name:
        if row.kind in SUB_KINDS:
            row.errors.append(
                _("A %(kind)s belongs to a parent unit: fill the Induk column.")
                % {"kind": Unit.Kind(row.kind).label}
            )
        return
    in_file = [other for other in file_by_name.get(squash(row.parent_name), []) if other is not row]
    # The same unit written twice (merged later) is one parent.
    distinct = {_written_as(other) for other in in_file}
    if len(distinct) == 1:
        row.parent_row = in_file[0]
        return
    if len(distinct) > 1:
        row.errors.append(
            _("Several rows are named “%(parent)s”: give the parent's code (Kode induk).")
            % {"parent": row.parent_name}
        )
        return
    unit, reason = index.resolve(row.parent_name, "")
    if unit is None:
        row.errors.append(_("Parent: %(reason)s") % {"reason": reason})
    else:
        row.parent_unit = unit


def _written_as(row: UnitRow) -> tuple[str, ...]:
    """A row's unit as the file writes it: its code, or its name under its parent's name."""
    if row.code:
        return (row.code.casefold(),)
    return (squash(row.name), squash(row.parent_name), row.parent_code.casefold())


def _identity(row: UnitRow) -> tuple[str, str]:
    parent = (
        f"row:{id(row.parent_row)}"
        if row.parent_row is not None
        else f"unit:{row.parent_unit.pk if row.parent_unit else ''}"
    )
    return (row.code.casefold() or squash(row.name), "" if row.code else parent)


def _merge_duplicates(rows: list[UnitRow]) -> None:
    """The same unit twice (same code, or same name under the same parent): merged when the
    rows agree, both rejected when they do not."""
    first: dict[tuple[str, str], UnitRow] = {}
    for row in rows:
        if row.errors:
            continue
        key = _identity(row)
        if key not in first:
            first[key] = row
            continue
        earlier = first[key]
        same = (
            squash(earlier.name) == squash(row.name)
            and earlier.kind == row.kind
            and (earlier.parent_row, earlier.parent_unit) == (row.parent_row, row.parent_unit)
        )
        if same:
            row.merged_into = earlier
        else:
            reason = _("Rows %(rows)s give the same unit (code or name) differently.") % {
                "rows": f"{earlier.number}, {row.number}"
            }
            earlier.errors.append(reason)
            row.errors.append(reason)


def _reject_cycles_and_orphans(rows: list[UnitRow]) -> None:
    """A row under a rejected row is rejected; rows that are each other's parents too."""
    changed = True
    while changed:
        changed = False
        for row in rows:
            if row.errors:
                continue
            parent = row.parent_row
            if parent is not None and parent.merged_into is not None:
                row.parent_row = parent = parent.merged_into
            if parent is not None and parent.errors:
                row.errors.append(
                    _("Its parent (row %(row)d) is rejected.") % {"row": parent.number}
                )
                changed = True
            elif parent is not None and _in_cycle(row):
                row.errors.append(_("The unit is its own ancestor through the Induk column."))
                changed = True


def _in_cycle(row: UnitRow) -> bool:
    seen = {id(row)}
    parent = row.parent_row
    while parent is not None:
        if id(parent) in seen:
            return True
        seen.add(id(parent))
        parent = parent.parent_row
    return False


def _match(row: UnitRow, by_code: dict[str, Unit], stored: list[Unit]) -> Unit | None:
    """The stored unit a row is: same code, or same name under the same (stored) parent."""
    if row.code and row.code.casefold() in by_code:
        return by_code[row.code.casefold()]
    if row.parent_row is not None:
        parent_unit = row.parent_row.existing
        if parent_unit is None:
            return None  # under a new unit: new as well
    else:
        parent_unit = row.parent_unit
    parent_id = parent_unit.pk if parent_unit else None
    name = squash(row.name)
    matches = [
        unit
        for unit in stored
        if unit.parent_id == parent_id and name in (squash(unit.name), squash(unit.short_name))
    ]
    return matches[0] if len(matches) == 1 else None


def _ordered(rows: list[UnitRow]) -> list[UnitRow]:
    """Parents before their children, whatever the order of the file."""
    done: set[int] = set()
    ordered: list[UnitRow] = []

    def visit(row: UnitRow) -> None:
        if id(row) in done:
            return
        done.add(id(row))
        if row.parent_row is not None:
            visit(row.parent_row)
        ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


def _plan_rows(
    rows: list[UnitRow], stored: list[Unit], by_code: dict[str, Unit]
) -> list[PlannedRow]:
    codes = CodeMaker({unit.code for unit in stored} | {row.code for row in rows if row.code})
    names = {unit.pk: unit.name for unit in stored}
    planned: list[PlannedRow] = []
    for row in rows:
        if row.errors:
            planned.append(
                PlannedRow(
                    outcome=ImportRow.Outcome.REJECTED,
                    first_row=row.number,
                    row_numbers=[row.number],
                    data={"name": row.name, "nip": row.code},
                    reasons=row.errors,
                    cells=[_cell_text(cell) for cell in row.cells],
                )
            )
    # Parents first: a row is matched once its parent row is.
    for row in _ordered([row for row in rows if not row.errors and row.merged_into is None]):
        row.existing = _match(row, by_code, stored)
        parent_code = (
            row.parent_row.code
            if row.parent_row is not None
            else (row.parent_unit.code if row.parent_unit else None)
        )
        if not row.code:
            row.code = row.existing.code if row.existing else codes.next(parent_code)
            generated = row.existing is None
        else:
            generated = False
        data = {
            "name": row.name,
            "short_name": row.short_name,
            "kind": row.kind,
            "code": row.code,
            "code_generated": generated,
            "parent_id": row.parent_unit.pk if row.parent_unit else None,
            "parent_row": row.parent_row.number if row.parent_row else None,
            "parent_name": row.parent_label,
        }
        outcome, differences = ImportRow.Outcome.NEW, {}
        if row.existing is not None:
            unit = row.existing
            data["unit_id"] = unit.pk
            differences = _differences(unit, row, names)
            outcome = ImportRow.Outcome.UPDATED if differences else ImportRow.Outcome.UNCHANGED
        planned.append(
            PlannedRow(
                outcome=outcome,
                key=f"unit:{row.code.casefold()}"[:40],
                first_row=row.number,
                row_numbers=[row.number],
                data=data,
                differences=differences,
            )
        )
    return planned


def _differences(unit: Unit, row: UnitRow, names: dict[int, str]) -> dict[str, list[Any]]:
    differences: dict[str, list[Any]] = {}
    if unit.name != row.name and squash(unit.name) != squash(row.name):
        differences["name"] = [unit.name, row.name]
    if row.short_name and unit.short_name != row.short_name:
        differences["short_name"] = [unit.short_name, row.short_name]
    if row.code and unit.code != row.code:
        differences["code"] = [unit.code, row.code]
    if unit.kind != row.kind:
        differences["kind"] = [unit.kind, row.kind]
    if row.parent_row is not None:
        new_parent = row.parent_row.existing.pk if row.parent_row.existing else None
    else:
        new_parent = row.parent_unit.pk if row.parent_unit else None
    if row.parent_row is not None and row.parent_row.existing is None:
        differences["parent"] = [names.get(unit.parent_id or 0, ""), row.parent_row.name]
    elif unit.parent_id != new_parent:
        differences["parent"] = [names.get(unit.parent_id or 0, ""), row.parent_label]
    if unit.active_to is not None:
        differences["active_to"] = [unit.active_to.isoformat(), None]
    return differences
