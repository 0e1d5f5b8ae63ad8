"""Writes of governments, units and employees: one transaction each, with its audit entry."""

from __future__ import annotations

import datetime
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budaya import tasks
from budaya.accounts import audit
from budaya.accounts.models import AuditAction, AuditChain, AuditEntry
from budaya.events import rows_changed
from budaya.files import display_name
from budaya.org import tasks as org_tasks
from budaya.org.forms import GovernmentForm
from budaya.org.importing import EMPLOYEE_FIELDS, PlanSummary, RosterError, plan_import
from budaya.org.models import (
    ColumnMapping,
    Employee,
    EmployeeImport,
    Government,
    ImportRow,
    Transfer,
    Unit,
    UnitHistory,
)
from budaya.org.unit_import import plan_unit_import
from budaya.org.unit_names import CodeMaker
from budaya.text import search_key

AUDITED_FIELDS = [
    "name",
    "slug",
    "kind",
    "kemendagri_code",
    "timezone",
    "logo",
    "letterhead_name",
    "address",
    "phone",
    "email",
    "website",
]


@transaction.atomic
def create_government(
    form: GovernmentForm,
    actor: Any = None,
    request: HttpRequest | None = None,
    *,
    system_chain: bool = False,
) -> Government:
    """Create a government from its validated form. ``system_chain``: the entry goes to the
    system chain (the operator's ``manage.py create_government``, issue 23), not the new
    government's own."""
    # Saved first without the logo: the logo's generated name holds the government's id.
    government = form.save(commit=False)
    logo = government.logo
    government.logo = None  # type: ignore[assignment]
    government.save()
    if logo:
        government.logo = logo
        government.save(update_fields=["logo"])
    audit.record(
        actor,
        AuditAction.CREATE,
        government,
        after=audit.snapshot(government, AUDITED_FIELDS),
        request=request,
        government=None if system_chain else True,
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
    actor: Any,
    full_roster: bool = False,
    request: HttpRequest | None = None,
    background: bool = True,
    operator: str = "",
    kind: str = EmployeeImport.Kind.EMPLOYEES,
) -> EmployeeImport:
    """Store the upload and plan it (in the background): a dry run, nothing else is written.

    ``kind`` is what the file lists: employees (a roster) or units (the unit tree, issue 23).
    ``operator`` names who ran a command-line import, which has no user.
    """
    job = EmployeeImport.objects.create(
        government=government,
        kind=kind,
        file=upload,
        original_name=display_name(upload.name or ""),
        full_roster=full_roster and kind == EmployeeImport.Kind.EMPLOYEES,
        created_by=actor if getattr(actor, "pk", None) else None,
        operator=operator[:150],
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        job,
        after=audit.snapshot(job, ["kind", "original_name", "full_roster", "operator"]),
        request=request,
    )
    _after_commit(org_tasks.plan_employee_import, job, background)
    return job


def _after_commit(task: Any, job: EmployeeImport, background: bool) -> None:
    """Run the task once the transaction commits: queued, or right here (command line)."""
    if background:
        transaction.on_commit(lambda: tasks.enqueue(task, job))
    else:
        transaction.on_commit(lambda: task.call(job.pk))


# The import page asks for the progress every second: writing it more often shows nothing more
# (on PostgreSQL each write is a commit waiting for the disk).
PROGRESS_INTERVAL = 1.0


def _progress(job: EmployeeImport) -> Callable[[int], None]:
    import_id = job.pk
    written_at: float | None = None

    def report(rows_done: int) -> None:
        nonlocal written_at
        tasks.raise_if_cancelled(job)  # every 500 rows: stop here if asked to (issue 23)
        now = time.monotonic()
        if written_at is None or now - written_at >= PROGRESS_INTERVAL:
            EmployeeImport.objects.filter(pk=import_id).update(rows_done=rows_done)
            written_at = now

    return report


def _plan(job: EmployeeImport) -> PlanSummary:
    # The stored name's extension is the one its content showed (budaya/files.py).
    suffix = Path(job.file.name or job.original_name).suffix.lower()
    with job.file.open("rb") as stored, tempfile.NamedTemporaryFile(suffix=suffix) as local:
        # The storage may be remote (S3): the reader works on a local copy.
        shutil.copyfileobj(stored, local)
        local.flush()
        planner = plan_unit_import if job.kind == EmployeeImport.Kind.UNITS else plan_import
        return planner(
            job,
            Path(local.name),
            remembered=remembered_mapping(job.government_id),
            progress=_progress(job),
        )


def _report(plan: PlanSummary) -> dict[str, Any]:
    header = plan.header
    return {
        "header_row": header.row_number,
        "header_cells": header.cells,
        "columns": {name: header.cells[index] for name, index in header.columns.items()},
        "unmapped": header.unmapped_cells(),
        "merged": plan.merged,
        "unknown_units": plan.unknown_units,
    }


def _chain_length(government_id: int, *, lock: bool = False) -> int:
    """How many audit entries the government has: every write to its registry adds one."""
    chains = AuditChain.objects.select_for_update() if lock else AuditChain.objects
    chain = chains.filter(key=f"g{government_id}").first()
    return chain.length if chain else 0


# What a plan reads of the registry: its employees (and their transfers) and its units.
REGISTRY = [audit.object_type(model) for model in (Employee, Transfer, Unit)]


def _registry_changed(job: EmployeeImport) -> bool:
    """Whether the registry was written since the plan was made (its audit entries after the
    plan's place in the chain), under the chain's lock: every writer of the registry takes it.
    Only the registry counts: in a busy government activities, reports and other imports' own
    entries are written all day, and each made every plan stale (a unit import needed a second
    confirmation after another file was merely uploaded)."""
    _chain_length(job.government_id, lock=True)
    if job.chain_length is None:
        return True
    return AuditEntry.objects.filter(
        government_id=job.government_id,
        sequence__gt=job.chain_length,
        object_type__in=REGISTRY,
    ).exists()


def _fail(job: EmployeeImport, message: str) -> None:
    EmployeeImport.objects.filter(pk=job.pk).update(
        status=EmployeeImport.Status.FAILED, error=message
    )


def _replan(job: EmployeeImport, *, error: str = "") -> bool:
    """Plan the file (again); the import is then ready to confirm. False if it cannot be read."""
    # Not one transaction: the plan is written batch by batch so the page can show the
    # progress; a plan made again starts by deleting the old one.
    length = _chain_length(job.government_id)
    try:
        plan = _plan(job)
    except RosterError as failure:
        _fail(job, str(failure))
        return False
    with transaction.atomic():
        _finish_unless_cancelled(
            job,
            status=EmployeeImport.Status.PLANNED,
            counts=plan.counts,
            report=_report(plan),
            rows_done=plan.counts["rows"],
            rows_total=plan.counts["rows"],
            chain_length=length,
            error=error,
        )
    return True


def _finish_unless_cancelled(job: EmployeeImport, **fields: Any) -> None:
    """A run's last write, in the caller's transaction, unless its user asked meanwhile to
    cancel: checked under the import's lock, which cancelling takes too, so one of the two wins
    and a cancelled import never ends planned or applied (issue 23)."""
    locked = EmployeeImport.objects.select_for_update().get(pk=job.pk)
    if locked.cancel_requested:
        raise tasks.Cancelled
    EmployeeImport.objects.filter(pk=job.pk).update(**fields)


def plan_employee_import(import_id: int) -> None:
    """The dry run (a background task): what the import would do, row by row."""
    job = EmployeeImport.objects.get(pk=import_id)
    with tasks.running(job):
        # Cancelled (or failed and tried again) while it waited in the queue: nothing to do.
        if not EmployeeImport.objects.filter(pk=job.pk, status=job.Status.PLANNING).exists():
            return
        try:
            tasks.raise_if_cancelled(job)  # asked while it waited
            _replan(job)
        except tasks.Cancelled:
            _stopped(job, EmployeeImport.Status.CANCELLED)


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


STALE_PLAN = gettext_lazy(
    "The registry changed after the preview was made. Check this new preview and confirm again."
)


@transaction.atomic
def confirm_employee_import(
    job: EmployeeImport,
    actor: Any,
    request: HttpRequest | None = None,
    *,
    background: bool = True,
) -> EmployeeImport:
    stale = _registry_changed(job)
    locked = _transition(job, EmployeeImport.Status.APPLYING, actor, request)
    # Stale already: the run plans the file again instead of writing.
    EmployeeImport.objects.filter(pk=job.pk).update(
        rows_done=0, error="", chain_length=None if stale else job.chain_length
    )
    _after_commit(org_tasks.apply_employee_import, locked, background)
    return locked


def cancel_employee_import(
    job: EmployeeImport, actor: Any, request: HttpRequest | None = None
) -> EmployeeImport:
    """Cancel an import: at once if it waits for confirmation, in the queue or for a worker
    that died; else its run is asked to stop between two batches and records the cancellation
    itself (issue 23). Applying is all or nothing, so nothing of a cancelled import is written."""
    if job.is_running:
        tasks.request_cancel(job)  # the run may be a thread of this very process
    with transaction.atomic():
        locked = EmployeeImport.objects.select_for_update().get(pk=job.pk)
        if locked.status == EmployeeImport.Status.PLANNED:
            return _transition(locked, EmployeeImport.Status.CANCELLED, actor, request)
        if not locked.is_running:
            raise ImportStateError(
                _("This import is %(status)s; it cannot be cancelled any more.")
                % {"status": locked.get_status_display()}
            )
        if locked.waiting or locked.runner_died():
            _end_run(locked, EmployeeImport.Status.CANCELLED, actor, request)
            return locked
        # Not audited here: the entry would wait for the government's audit chain, which the
        # run being stopped holds; the run writes it, with this user, when it stops.
        locked.cancel_requested = True
        locked.cancel_requested_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["cancel_requested", "cancel_requested_by"])
        return locked


WORKER_STOPPED = gettext_lazy(
    "The background worker stopped before the import was finished; nothing was written."
)


def _end_run(
    job: EmployeeImport,
    status: str,
    actor: Any,
    request: HttpRequest | None = None,
    *,
    error: str = "",
) -> None:
    """End a run that did not finish (cancelled, or its worker died); in the caller's
    transaction, the import locked. A plan left half made is dropped."""
    before = job.status
    if before == EmployeeImport.Status.PLANNING:
        ImportRow.objects.filter(employee_import=job).delete()
        job.counts, job.report = {}, {}
    job.status, job.error = status, error
    job.save(update_fields=["status", "error", "counts", "report"])
    audit.record(actor, AuditAction.UPDATE, job, {"status": before}, {"status": status}, request)


def _stopped(job: EmployeeImport, status: str) -> None:
    """The run stopped on a cancellation: recorded, with the user who asked for it."""
    with transaction.atomic():
        locked = (
            EmployeeImport.objects.select_for_update(of=("self",))
            .select_related("cancel_requested_by")
            .get(pk=job.pk)
        )
        if locked.is_running:
            _end_run(locked, status, locked.cancel_requested_by)


def fail_interrupted_imports(imports: Any = None) -> int:
    """Mark failed the imports whose worker died while planning or applying (issue 23): they
    would show "Reading the file…" for ever. Run on every import page and by manage.py daily.
    An import its user asked to cancel is cancelled instead. Returns how many were ended."""
    candidates = (EmployeeImport.objects.all() if imports is None else imports).filter(
        status__in=EmployeeImport.RUNNING
    )
    ended = 0
    for job in candidates.exclude(runner=""):
        if not job.runner_died():
            continue
        with transaction.atomic():
            locked = (
                EmployeeImport.objects.select_for_update(of=("self",))
                .select_related("cancel_requested_by")
                .get(pk=job.pk)
            )
            if not locked.is_running or locked.runner != job.runner:
                continue  # finished, or tried again, meanwhile
            if locked.cancel_requested:
                _end_run(locked, EmployeeImport.Status.CANCELLED, locked.cancel_requested_by)
            else:
                _end_run(locked, EmployeeImport.Status.FAILED, None, error=str(WORKER_STOPPED))
        ended += 1
    return ended


@transaction.atomic
def retry_employee_import(
    *,
    job: EmployeeImport,
    actor: Any,
    request: HttpRequest | None = None,
    background: bool = True,
) -> EmployeeImport:
    """Try a failed import again: the file is planned again (with the column mapping as it is
    now) and comes back to the preview; an import that failed while applying wrote nothing, and
    is confirmed again on the new preview."""
    locked = EmployeeImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != EmployeeImport.Status.FAILED:
        raise ImportStateError(
            _("This import is %(status)s; only a failed import can be tried again.")
            % {"status": locked.get_status_display()}
        )
    locked.status = EmployeeImport.Status.PLANNING
    locked.error = ""
    locked.rows_done = locked.rows_total = 0
    locked.save(update_fields=["status", "error", "rows_done", "rows_total"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        locked,
        before={"status": EmployeeImport.Status.FAILED},
        after={"status": EmployeeImport.Status.PLANNING},
        request=request,
    )
    _after_commit(org_tasks.plan_employee_import, locked, background)
    return locked


def apply_employee_import(import_id: int) -> None:
    """Write a confirmed import (a background task): all of it, or nothing.

    The plan the user confirmed is written as it stands, unless the registry changed since it
    was made (the government's audit chain grew): then the file is planned again and the import
    goes back to the preview instead of writing.
    """
    job = EmployeeImport.objects.select_related("created_by", "government").get(pk=import_id)
    with tasks.running(job):
        # Cancelled (or failed and tried again) while it waited in the queue: nothing to do.
        if not EmployeeImport.objects.filter(pk=job.pk, status=job.Status.APPLYING).exists():
            return
        try:
            tasks.raise_if_cancelled(job)  # asked while it waited
            with transaction.atomic():
                if _registry_changed(job):
                    raise _StalePlan
                written = _write_plan(job)
                _finish_unless_cancelled(
                    job,
                    status=EmployeeImport.Status.APPLIED,
                    applied_at=timezone.now(),
                    rows_done=written,
                )
        except _StalePlan:
            try:
                _replan(job, error=str(STALE_PLAN))
            except tasks.Cancelled:
                _stopped(job, EmployeeImport.Status.CANCELLED)
        except tasks.Cancelled:
            _stopped(job, EmployeeImport.Status.CANCELLED)  # rolled back: nothing written
        except Exception as error:
            _fail(job, _("Nothing was imported: %(error)s") % {"error": error})
            raise


class _StalePlan(Exception):
    pass


def _batches(
    plan: Any, outcome: str, *fields: str, order: str = "pk"
) -> Iterator[list[tuple[Any, ...]]]:
    """The ``fields`` of the plan's rows of one outcome, a batch at a time, by ``order`` (the
    plan's id, or the file's row: both unique; keyset pagination, no model instance per row)."""
    rows = plan.filter(outcome=outcome).values_list(order, *fields).order_by(order)
    last = -1
    while batch := list(rows.filter(**{f"{order}__gt": last})[:BATCH]):
        yield [row[1:] for row in batch]
        last = batch[-1][0]


# Employee's columns in the model's order, with their defaults.
EMPLOYEE_DEFAULTS = {field.attname: field.get_default() for field in Employee._meta.concrete_fields}
# What a new employee's audit entry records: the imported fields as audit.snapshot() names them
# (the unit by its id), in the model's order.
AUDITED = {
    field.name: field.attname
    for field in Employee._meta.concrete_fields
    if field.attname in EMPLOYEE_FIELDS
}
# What the plan's JSON gives a new employee: the imported fields and the name's search key.
PLANNED_COLUMNS = frozenset({*EMPLOYEE_FIELDS, "name_search"})
# Read back from each new employee: its id, what its audit entry records and how it is named.
CREATED_COLUMNS = ("id", *AUDITED.values(), "front_title", "name", "back_title")


def _new_employees_sql() -> str:
    """INSERT of a batch of the plan's new employees, their values taken from the plan's JSON by
    the database itself (PostgreSQL and SQLite from 3.38, Debian 12 has 3.40, both read
    ``data ->> 'name'``); a field the plan does not give gets the model's default. Column names
    come from the model, not from input."""
    quote = connection.ops.quote_name
    columns, values = [], []
    for attname in list(EMPLOYEE_DEFAULTS)[1:]:  # all but the id
        columns.append(quote(attname))
        if attname == "government_id":
            values.append("%(government)s")
        elif attname == "unit_id":
            values.append("CAST(data ->> 'unit_id' AS bigint)")
        elif attname in PLANNED_COLUMNS:
            values.append(f"COALESCE(data ->> '{attname}', %({attname})s)")
        else:
            values.append(f"%({attname})s")
    returning = ", ".join(quote(name) for name in CREATED_COLUMNS)
    return (
        f"INSERT INTO {quote(Employee._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {quote(ImportRow._meta.db_table)} "
        "WHERE employee_import_id = %(import)s AND outcome = %(new)s "
        "AND first_row > %(after)s AND first_row <= %(last)s ORDER BY first_row "
        f"RETURNING {returning}"
    )


def _create_employees(
    job: EmployeeImport, after: int, last: int
) -> list[tuple[_Inserted, dict[str, Any]]]:
    """Insert the plan's new employees of the rows after ``after`` up to ``last`` (one INSERT
    from the plan, nothing sent back and forth), in file order; each with what its audit
    entry records."""
    with connection.cursor() as cursor:
        cursor.execute(
            _new_employees_sql(),
            {
                **EMPLOYEE_DEFAULTS,
                "government": job.government_id,
                "import": job.pk,
                "new": ImportRow.Outcome.NEW,
                "after": after,
                "last": last,
            },
        )
        rows = sorted(cursor.fetchall())  # ids follow the file's order
    audited = len(AUDITED)
    return [
        (
            _Inserted(row[0], *row[audited + 1 :]),
            dict(zip(AUDITED, row[1 : audited + 1], strict=True)),
        )
        for row in rows
    ]


class _Inserted:
    """A new employee as its audit entry names it (kind, id, full name as ``Employee.__str__``
    gives it): thousands of them, so no model instance each."""

    __slots__ = ("back_title", "front_title", "name", "pk")
    _meta = Employee._meta
    full_name = Employee.full_name
    __str__ = Employee.__str__

    def __init__(self, pk: int, front_title: str, name: str, back_title: str) -> None:
        self.pk, self.front_title, self.name, self.back_title = pk, front_title, name, back_title


def _write_plan(job: EmployeeImport) -> int:
    """Write the plan in batches; each batch with its audit entries. Returns the rows written."""
    if job.kind == EmployeeImport.Kind.UNITS:
        return _write_unit_plan(job)
    plan = ImportRow.objects.filter(employee_import=job)
    actor, government = job.created_by, job.government
    today = timezone.localdate()
    written = 0
    for batch in _batches(plan, ImportRow.Outcome.NEW, "first_row", order="first_row"):
        tasks.raise_if_cancelled(job)  # between batches (issue 23); the caller rolls back
        created = _create_employees(job, after=batch[0][0] - 1, last=batch[-1][0])
        if len(created) != len(batch):  # the plan changed under the write: write nothing
            raise RuntimeError(f"{len(created)} employees written for {len(batch)} planned")
        audit.record_many(
            actor,
            ((AuditAction.CREATE, employee, None, after) for employee, after in created),
            government=government,
        )
        written += len(created)
    for batch in _batches(plan, ImportRow.Outcome.UPDATED, "employee_id", "differences"):
        tasks.raise_if_cancelled(job)
        changes = dict(batch)
        employees = list(Employee.objects.filter(pk__in=list(changes)))
        fields: set[str] = set()
        transfers = []
        for employee in employees:
            for name, (before, after) in changes[employee.pk].items():
                setattr(employee, name, after)
                fields.add(name)
                if name == "unit_id":  # a move between units is a transfer (issue 23)
                    transfers.append(
                        Transfer(
                            government_id=employee.government_id,
                            employee=employee,
                            from_unit_id=before,
                            to_unit_id=after,
                            effective_on=today,
                            note=_("Import of %(file)s") % {"file": job.original_name},
                            created_by=actor,
                        )
                    )
            if "name" in changes[employee.pk]:
                employee.name_search = search_key(employee.name)[:255]
                fields.add("name_search")
        Employee.objects.bulk_update(employees, sorted(fields))
        Transfer.objects.bulk_create(transfers)
        audit.record_many(
            actor,
            (
                (
                    AuditAction.UPDATE,
                    employee,
                    {name: before for name, (before, _after) in changes[employee.pk].items()},
                    {name: after for name, (_before, after) in changes[employee.pk].items()},
                )
                for employee in employees
            ),
            government=government,
        )
        written += len(batch)
    for batch in _batches(plan, ImportRow.Outcome.LEFT, "employee_id"):
        flagged = list(
            Employee.objects.filter(
                pk__in=[employee_id for (employee_id,) in batch], possibly_left_since__isnull=True
            ).only("pk", "name", "front_title", "back_title")
        )
        Employee.objects.filter(pk__in=[employee.pk for employee in flagged]).update(
            possibly_left_since=today
        )
        audit.record_many(
            actor,
            (
                (
                    AuditAction.UPDATE,
                    employee,
                    {"possibly_left_since": None},
                    {"possibly_left_since": today},
                )
                for employee in flagged
            ),
            government=government,
        )
    audit.record(
        actor,
        AuditAction.OTHER,
        job,
        after={"imported": job.counts},
        object_repr=job.original_name,
    )
    return written


def _write_unit_plan(job: EmployeeImport) -> int:
    """The unit tree: parents before children (a parent may come later in the file), each unit
    created or changed through the same services as the unit form, audited and with history."""
    actor = job.created_by
    plan = ImportRow.objects.filter(
        employee_import=job, outcome__in=[ImportRow.Outcome.NEW, ImportRow.Outcome.UPDATED]
    ).values_list("first_row", "outcome", "data")
    rows = {first_row: (outcome, data) for first_row, outcome, data in plan}
    made: dict[int, Unit] = {}

    def unit_of(first_row: int) -> Unit:
        if first_row in made:
            return made[first_row]
        outcome, data = rows[first_row]
        parent: Unit | None = None
        if data["parent_row"] is not None:
            parent_row = data["parent_row"]
            parent = unit_of(parent_row) if parent_row in rows else _unit_of_row(job, parent_row)
        elif data["parent_id"] is not None:
            parent = Unit.objects.get(government_id=job.government_id, pk=data["parent_id"])
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "code": data["code"],
            "parent": parent,
        }
        if data["short_name"]:
            fields["short_name"] = data["short_name"]
        if outcome == ImportRow.Outcome.NEW:
            unit = create_unit(Unit(government_id=job.government_id, **fields), actor)
        else:
            unit = Unit.objects.get(government_id=job.government_id, pk=data["unit_id"])
            for name, value in fields.items():
                setattr(unit, name, value)
            unit.active_to = None
            unit = update_unit(unit, actor)
        made[first_row] = unit
        return unit

    for first_row in sorted(rows):
        unit_of(first_row)
    audit.record(
        actor, AuditAction.OTHER, job, after={"imported": job.counts}, object_repr=job.original_name
    )
    return len(made)


def _unit_of_row(job: EmployeeImport, first_row: int) -> Unit:
    """The stored unit an unchanged row of the plan stands for (a parent left as it is)."""
    data = ImportRow.objects.get(employee_import=job, first_row=first_row).data
    return Unit.objects.get(government_id=job.government_id, pk=data["unit_id"])


@transaction.atomic
def create_missing_units(
    *, job: EmployeeImport, actor: Any, request: HttpRequest | None = None
) -> list[Unit]:
    """The units an employee import's preview could not match, created in one click with the
    parent proposed (issue 23), then the roster planned again against them."""
    locked = EmployeeImport.objects.select_for_update().get(pk=job.pk)
    if (
        locked.status != EmployeeImport.Status.PLANNED
        or locked.kind != EmployeeImport.Kind.EMPLOYEES
    ):
        raise ImportStateError(_("Only an employee import ready to confirm can add its units."))
    proposals = [p for p in (locked.report or {}).get("unknown_units", []) if not p["problem"]]
    codes = CodeMaker(
        set(Unit.objects.filter(government_id=job.government_id).values_list("code", flat=True))
    )
    created: dict[str, Unit] = {}
    for proposal in sorted(proposals, key=lambda p: p["parent_new"]):  # agencies first
        parent = None
        if proposal["parent_id"] is not None:
            parent = Unit.objects.get(government_id=job.government_id, pk=proposal["parent_id"])
        elif proposal["parent_new"]:
            parent = created.get(proposal["parent_name"])
            if parent is None:
                continue  # its agency could not be created
        unit = Unit(
            government_id=job.government_id,
            name=proposal["name"],
            kind=proposal["kind"],
            parent=parent,
            code=codes.next(parent.code if parent else None),
        )
        created[proposal["name"]] = create_unit(unit, actor, request)
    locked.status = EmployeeImport.Status.PLANNING
    locked.save(update_fields=["status"])
    _after_commit(org_tasks.plan_employee_import, locked, background=True)
    return list(created.values())


# --- Units ------------------------------------------------------------------------------------

UNIT_FIELDS = ["parent", "kind", "code", "name", "short_name", "active_from", "active_to"]
LETTERHEAD_FIELDS = ["address", "phone", "email", "website"]
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
def update_unit_letterhead(
    *,
    unit: Unit,
    address: str,
    phone: str,
    email: str,
    website: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Unit:
    """The unit's lines of its documents' letterhead (issue 19), audited with before and after."""
    stored = Unit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(stored, LETTERHEAD_FIELDS)
    stored.address, stored.phone, stored.email, stored.website = address, phone, email, website
    stored.save(update_fields=LETTERHEAD_FIELDS)
    old, new = audit.changed(before, audit.snapshot(stored, LETTERHEAD_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, stored, before=old, after=new, request=request)
    return stored


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
    rows_changed.send(Unit, government_id=unit.government_id)
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
