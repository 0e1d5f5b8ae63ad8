"""Writes of governments, units and employees: one transaction each, with its audit entry."""

from __future__ import annotations

import datetime
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.org import tasks as org_tasks
from budaya.org.forms import GovernmentForm
from budaya.org.importing import EMPLOYEE_FIELDS, Change, ImportPlan, RosterError, plan_import
from budaya.org.models import (
    ColumnMapping,
    Employee,
    EmployeeImport,
    Government,
    Transfer,
    Unit,
    UnitHistory,
)

AUDITED_FIELDS = [
    "name",
    "slug",
    "kind",
    "kemendagri_code",
    "head_title",
    "timezone",
    "logo",
]


@transaction.atomic
def create_government(
    form: GovernmentForm, actor: Any = None, request: HttpRequest | None = None
) -> Government:
    government = form.save()
    audit.record(
        actor,
        AuditAction.CREATE,
        government,
        after=audit.snapshot(government, AUDITED_FIELDS),
        request=request,
    )
    return government


@transaction.atomic
def update_government(
    form: GovernmentForm, actor: Any = None, request: HttpRequest | None = None
) -> Government:
    # The row as stored, not as the bound form already changed it in memory.
    stored = Government.objects.select_for_update().get(pk=form.instance.pk)
    before = audit.snapshot(stored, AUDITED_FIELDS)
    government = form.save()
    old, new = audit.changed(before, audit.snapshot(government, AUDITED_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, government, before=old, after=new, request=request)
    return government


# --- Employee import (issue 4) ----------------------------------------------------------------

REPORT_SAMPLE = 200  # rows of each kind kept for the preview page; every rejected row is kept
BATCH = 1000


class ImportStateError(Exception):
    """The import is not in the state the action needs (confirmed twice, cancelled, ...)."""


def remembered_mapping(government_id: int) -> dict[str, str]:
    return dict(
        ColumnMapping.objects.filter(government_id=government_id).values_list("field", "header")
    )


@transaction.atomic
def save_column_mapping(
    government: Government, mapping: dict[str, str], actor: Any, request: HttpRequest | None = None
) -> None:
    """Remember the headers of this government's export; an empty header forgets the field."""
    before = remembered_mapping(government.pk)
    for field, header in mapping.items():
        header = header.strip()
        if header:
            ColumnMapping.objects.update_or_create(
                government=government, field=field, defaults={"header": header}
            )
        else:
            ColumnMapping.objects.filter(government=government, field=field).delete()
    after = remembered_mapping(government.pk)
    if before != after:
        audit.record(
            actor,
            AuditAction.UPDATE,
            government,
            before={"column_mapping": before},
            after={"column_mapping": after},
            request=request,
        )


@transaction.atomic
def start_employee_import(
    *,
    government: Government,
    upload: Any,
    full_roster: bool,
    actor: Any,
    request: HttpRequest | None = None,
    background: bool = True,
) -> EmployeeImport:
    """Store the upload and plan it (in the background): a dry run, nothing else is written."""
    job = EmployeeImport.objects.create(
        government=government,
        file=upload,
        original_name=Path(upload.name).name[:255],
        full_roster=full_roster,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        job,
        after=audit.snapshot(job, ["original_name", "full_roster"]),
        request=request,
    )
    _after_commit(org_tasks.plan_employee_import, job.pk, background)
    return job


def _after_commit(task: Any, import_id: int, background: bool) -> None:
    """Run the task once the transaction commits: queued, or right here (command line)."""
    if background:
        transaction.on_commit(lambda: task.enqueue(import_id))
    else:
        transaction.on_commit(lambda: task.call(import_id))


def _progress(import_id: int) -> Callable[[int], None]:
    def report(rows_done: int) -> None:
        EmployeeImport.objects.filter(pk=import_id).update(rows_done=rows_done)

    return report


def _plan(job: EmployeeImport) -> ImportPlan:
    suffix = Path(job.original_name).suffix.lower()
    with job.file.open("rb") as stored, tempfile.NamedTemporaryFile(suffix=suffix) as local:
        # The storage may be remote (S3): the reader works on a local copy.
        shutil.copyfileobj(stored, local)
        local.flush()
        return plan_import(
            Path(local.name),
            government_id=job.government_id,
            remembered=remembered_mapping(job.government_id),
            full_roster=job.full_roster,
            progress=_progress(job.pk),
        )


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def _report(plan: ImportPlan) -> dict[str, Any]:
    def change(item: Change) -> dict[str, Any]:
        return {
            "rows": item.row_numbers,
            "data": item.data,
            "notes": item.notes,
            "differences": item.differences,
        }

    header = plan.header
    return {
        "header_row": header.row_number,
        "header_cells": header.cells,
        "columns": {name: header.cells[index] for name, index in header.columns.items()},
        "unmapped": header.unmapped_cells(),
        "new": [change(item) for item in plan.new[:REPORT_SAMPLE]],
        "updated": [change(item) for item in plan.updated[:REPORT_SAMPLE]],
        "rejected": [
            {
                "rows": item.row_numbers,
                "reasons": item.reasons,
                "cells": [_cell_text(cell) for cell in item.raw],
            }
            for item in plan.rejected
        ],
        "merged": plan.merged,
        "possibly_left": plan.possibly_left[:REPORT_SAMPLE],
    }


def _fail(job: EmployeeImport, message: str) -> None:
    EmployeeImport.objects.filter(pk=job.pk).update(
        status=EmployeeImport.Status.FAILED, error=message
    )


def plan_employee_import(import_id: int) -> None:
    """The dry run (a background task): what the import would do, row by row."""
    job = EmployeeImport.objects.get(pk=import_id)
    try:
        plan = _plan(job)
    except RosterError as error:
        _fail(job, str(error))
        return
    EmployeeImport.objects.filter(pk=job.pk).update(
        status=EmployeeImport.Status.PLANNED,
        counts=plan.counts,
        report=_report(plan),
        rows_done=plan.rows_read,
        rows_total=plan.rows_read,
        error="",
    )


def _transition(
    job: EmployeeImport,
    to: str,
    actor: Any,
    request: HttpRequest | None,
) -> EmployeeImport:
    locked = EmployeeImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != EmployeeImport.Status.PLANNED:
        raise ImportStateError(
            _("This import is %(status)s; only an import ready to confirm can change.")
            % {"status": locked.get_status_display()}
        )
    locked.status = to
    locked.save(update_fields=["status"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        locked,
        before={"status": EmployeeImport.Status.PLANNED},
        after={"status": to},
        request=request,
    )
    return locked


@transaction.atomic
def confirm_employee_import(
    job: EmployeeImport,
    actor: Any,
    request: HttpRequest | None = None,
    *,
    background: bool = True,
) -> EmployeeImport:
    locked = _transition(job, EmployeeImport.Status.APPLYING, actor, request)
    EmployeeImport.objects.filter(pk=job.pk).update(rows_done=0, error="")
    _after_commit(org_tasks.apply_employee_import, job.pk, background)
    return locked


@transaction.atomic
def cancel_employee_import(
    job: EmployeeImport, actor: Any, request: HttpRequest | None = None
) -> EmployeeImport:
    return _transition(job, EmployeeImport.Status.CANCELLED, actor, request)


def apply_employee_import(import_id: int) -> None:
    """Write a confirmed import (a background task): all of it, or nothing.

    The file is read again, and must give the plan the user saw; if the registry changed in the
    meantime, the import goes back to the preview with the new plan instead of writing.
    """
    job = EmployeeImport.objects.select_related("created_by", "government").get(pk=import_id)
    if job.status != EmployeeImport.Status.APPLYING:
        return
    try:
        plan = _plan(job)
    except RosterError as error:
        _fail(job, str(error))
        return
    if plan.counts != job.counts:
        EmployeeImport.objects.filter(pk=job.pk).update(
            status=EmployeeImport.Status.PLANNED,
            counts=plan.counts,
            report=_report(plan),
            error=_(
                "The registry changed after the preview was made. Check this new preview and "
                "confirm again."
            ),
        )
        return
    try:
        with transaction.atomic():
            _write_plan(job, plan)
            EmployeeImport.objects.filter(pk=job.pk).update(
                status=EmployeeImport.Status.APPLIED,
                applied_at=timezone.now(),
                rows_done=plan.rows_read,
            )
    except Exception as error:
        _fail(job, _("Nothing was imported: %(error)s") % {"error": error})
        raise


def _write_plan(job: EmployeeImport, plan: ImportPlan) -> None:
    government_id = job.government_id
    created = [
        Employee(government_id=government_id, active=True, **change.data) for change in plan.new
    ]
    Employee.objects.bulk_create(created, batch_size=BATCH)

    updates = {change.employee_id: change for change in plan.updated}
    changed_fields = sorted(
        {name for change in plan.updated for name in change.differences} | {"possibly_left_since"}
    )
    updated: list[Employee] = []
    for employee in Employee.objects.filter(government_id=government_id, pk__in=list(updates)):
        for name, (_before, after) in updates[employee.pk].differences.items():
            setattr(employee, name, after)
        employee.possibly_left_since = None
        updated.append(employee)
    Employee.objects.bulk_update(updated, changed_fields, batch_size=BATCH)

    # Listed again: no longer possibly left. Missing from a full roster: flagged, never deleted.
    seen = [change.employee_id for change in plan.unchanged if change.employee_id]
    returned = list(
        Employee.objects.filter(
            government_id=government_id, pk__in=seen, possibly_left_since__isnull=False
        ).only("pk", "name", "front_title", "back_title", "possibly_left_since")
    )
    Employee.objects.filter(pk__in=[employee.pk for employee in returned]).update(
        possibly_left_since=None
    )
    today = timezone.localdate()
    flagged = list(
        Employee.objects.filter(
            government_id=government_id,
            pk__in=plan.possibly_left,
            possibly_left_since__isnull=True,
        ).only("pk", "name", "front_title", "back_title")
    )
    Employee.objects.filter(pk__in=[employee.pk for employee in flagged]).update(
        possibly_left_since=today
    )

    def changes() -> Iterator[audit.Change]:
        for employee in created:
            yield (
                AuditAction.CREATE,
                employee,
                None,
                audit.snapshot(employee, EMPLOYEE_FIELDS_AUDITED),
            )
        for employee in updated:
            differences = updates[employee.pk].differences
            yield (
                AuditAction.UPDATE,
                employee,
                {name: before for name, (before, _after) in differences.items()},
                {name: after for name, (_before, after) in differences.items()},
            )
        for employee in returned:
            before = {"possibly_left_since": employee.possibly_left_since}
            yield AuditAction.UPDATE, employee, before, {"possibly_left_since": None}
        for employee in flagged:
            before = {"possibly_left_since": None}
            yield AuditAction.UPDATE, employee, before, {"possibly_left_since": today}

    audit.record_many(job.created_by, changes(), government=job.government)
    audit.record(
        job.created_by,
        AuditAction.OTHER,
        job,
        after={"imported": plan.counts},
        object_repr=job.original_name,
    )


EMPLOYEE_FIELDS_AUDITED = [name.removesuffix("_id") for name in EMPLOYEE_FIELDS]


# --- Units ------------------------------------------------------------------------------------

UNIT_FIELDS = ["parent", "kind", "code", "name", "short_name", "active_from", "active_to"]
EMPLOYEE_FORM_FIELDS = [
    "nip", "ni_pppk", "name", "front_title", "back_title", "sex", "status", "rank", "echelon",
    "position_name", "position_kind", "unit", "active",
]  # fmt: skip


class UnitMoveError(ValueError):
    pass


@transaction.atomic
def create_unit(unit: Unit, actor: Any, request: HttpRequest | None = None) -> Unit:
    unit.save()
    audit.record(
        actor, AuditAction.CREATE, unit, after=audit.snapshot(unit, UNIT_FIELDS), request=request
    )
    return unit


@transaction.atomic
def update_unit(unit: Unit, actor: Any, request: HttpRequest | None = None) -> Unit:
    """Save a unit; a rename or a move keeps what it was in the unit's history."""
    stored = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.parent_id and (
        unit.parent_id == unit.pk
        or Unit.objects.filter(pk=unit.parent_id, path__startswith=stored.path).exists()
    ):
        raise UnitMoveError(_("A unit cannot be moved under itself or one of its own sub-units."))
    before = audit.snapshot(stored, UNIT_FIELDS)
    identity = ("name", "short_name", "code", "kind", "parent_id")
    if any(getattr(stored, name) != getattr(unit, name) for name in identity):
        UnitHistory.objects.create(
            government_id=stored.government_id,
            unit=stored,
            valid_until=timezone.localdate(),
            name=stored.name,
            short_name=stored.short_name,
            code=stored.code,
            kind=stored.kind,
            parent_id=stored.parent_id,
            changed_by=actor if getattr(actor, "pk", None) else None,
        )
    unit.save()
    if stored.parent_id != unit.parent_id:
        _repath_subtree(stored.path, unit.path)
    old, new = audit.changed(before, audit.snapshot(unit, UNIT_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, unit, before=old, after=new, request=request)
    return unit


def _repath_subtree(old_prefix: str, new_prefix: str) -> None:
    """After a move, every descendant's materialised path follows its unit."""
    descendants = list(
        Unit.objects.filter(path__startswith=old_prefix).exclude(path=old_prefix).only("path")
    )
    for descendant in descendants:
        descendant.path = new_prefix + descendant.path[len(old_prefix) :]
    Unit.objects.bulk_update(descendants, ["path"], batch_size=BATCH)


@transaction.atomic
def deactivate_unit(
    unit: Unit, active_to: datetime.date, actor: Any, request: HttpRequest | None = None
) -> Unit:
    """Units are never deleted (reports refer to them): they end on a date, with their subtree."""
    subtree = list(
        Unit.objects.select_for_update().filter(
            government_id=unit.government_id, path__startswith=unit.path, active_to__isnull=True
        )
    )
    for member in subtree:
        member.active_to = active_to
    Unit.objects.bulk_update(subtree, ["active_to"])
    audit.record_many(
        actor,
        (
            (AuditAction.UPDATE, member, {"active_to": None}, {"active_to": active_to})
            for member in subtree
        ),
        request,
        government=unit.government,
    )
    return unit


# --- Employees --------------------------------------------------------------------------------


@transaction.atomic
def create_employee(employee: Employee, actor: Any, request: HttpRequest | None = None) -> Employee:
    employee.save()
    audit.record(
        actor,
        AuditAction.CREATE,
        employee,
        after=audit.snapshot(employee, EMPLOYEE_FORM_FIELDS),
        request=request,
    )
    return employee


@transaction.atomic
def update_employee(employee: Employee, actor: Any, request: HttpRequest | None = None) -> Employee:
    stored = Employee.objects.select_for_update().get(pk=employee.pk)
    before = audit.snapshot(stored, EMPLOYEE_FORM_FIELDS)
    employee.save()
    old, new = audit.changed(before, audit.snapshot(employee, EMPLOYEE_FORM_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, employee, before=old, after=new, request=request)
    return employee


@transaction.atomic
def transfer_employee(
    employee: Employee,
    *,
    to_unit: Unit,
    effective_on: datetime.date,
    decree: str = "",
    note: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Transfer:
    """Mutasi: the employee moves to another unit of the same government; history is kept."""
    locked = Employee.objects.select_for_update().get(pk=employee.pk)
    if to_unit.government_id != locked.government_id:
        raise UnitMoveError(_("An employee can only move to a unit of the same government."))
    if to_unit.pk == locked.unit_id:
        raise UnitMoveError(_("The employee already works in this unit."))
    transfer = Transfer.objects.create(
        government_id=locked.government_id,
        employee=locked,
        from_unit_id=locked.unit_id,
        to_unit=to_unit,
        effective_on=effective_on,
        decree=decree.strip(),
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    before = {"unit": locked.unit_id}
    locked.unit = to_unit
    locked.save(update_fields=["unit"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        locked,
        before=before,
        after={"unit": to_unit.pk, "transfer": transfer.pk, "effective_on": effective_on},
        request=request,
    )
    employee.unit = to_unit
    return transfer
