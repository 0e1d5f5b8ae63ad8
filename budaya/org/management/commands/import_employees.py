"""manage.py import_employees --government SLUG PATH [--dry-run] [--full-roster]

The operator's way to the same import as the upload page: read the roster, show what would
happen row by row, and (without --dry-run) write it all or nothing.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org import services
from budaya.org.models import EmployeeImport, Government, ImportRow


class Command(BaseCommand):
    help = "Import employees from a BKD/SIASN roster (XLSX or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)
        parser.add_argument(
            "--full-roster",
            action="store_true",
            help="employees missing from the file are flagged as possibly left",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import_file(self, options, EmployeeImport.Kind.EMPLOYEES)


def add_import_arguments(parser: CommandParser) -> None:
    """The arguments every import command takes: the file, the government, --dry-run and
    --operator."""
    parser.add_argument("path", type=Path)
    parser.add_argument("--government", required=True, help="the government's slug")
    parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    add_operator_argument(parser)


def import_file(command: BaseCommand, options: dict[str, Any], kind: str) -> None:
    """Plan the file in this process, print the plan, then cancel it or write it."""
    path: Path = options["path"]
    if not path.is_file():
        raise CommandError(f"No file at {path}")
    government = government_of(options["government"])
    with path.open("rb") as handle:
        job = services.start_employee_import(
            government=government,
            upload=File(handle, name=path.name),
            full_roster=options.get("full_roster", False),
            actor=None,
            background=False,
            operator=options["operator"],
            kind=kind,
        )
    run_to_the_end(command, job, dry_run=options["dry_run"])


def add_operator_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--operator",
        default=_login_name(),
        help="who runs the import, shown on its page (default: the login name)",
    )


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def government_of(slug: str) -> Government:
    try:
        return Government.objects.get(slug=slug)
    except Government.DoesNotExist:
        raise CommandError(f"No government with slug {slug!r}") from None


def run_to_the_end(command: BaseCommand, job: EmployeeImport, *, dry_run: bool) -> None:
    """Print the plan of an import planned in this process, then cancel it (dry run) or write it."""
    job.refresh_from_db()
    if job.status == EmployeeImport.Status.FAILED:
        raise CommandError(job.error)
    print_plan(command, job)
    if dry_run:
        services.cancel_employee_import(job, None)
        command.stdout.write("Dry run: nothing was written.")
        return
    services.confirm_employee_import(job, None, background=False)
    job.refresh_from_db()
    if job.status != EmployeeImport.Status.APPLIED:
        raise CommandError(job.error or f"The import ended as {job.status}.")
    command.stdout.write(command.style.SUCCESS(f"Imported ({job.counts['rows']} rows read)."))


def print_plan(command: BaseCommand, job: EmployeeImport) -> None:
    counts = job.counts
    command.stdout.write(
        f"{job.original_name}: header on row {job.report['header_row']}, "
        f"{counts['rows']} rows read\n"
        f"  new: {counts['new']}, updated: {counts['updated']}, "
        f"unchanged: {counts['unchanged']}, rejected: {counts['rejected']}, "
        f"not data: {counts.get('skipped', 0)}, duplicates merged: {counts['merged']}, "
        f"possibly left: {counts['possibly_left']}, numbers to check: {counts.get('to_check', 0)}"
    )
    for outcome in (ImportRow.Outcome.REJECTED, ImportRow.Outcome.SKIPPED):
        rows = job.rows.filter(outcome=outcome).order_by("first_row")
        for row in rows.iterator(chunk_size=1000):
            numbers = ", ".join(str(number) for number in row.row_numbers)
            who = " ".join(filter(None, (row.data.get("nip"), row.data.get("name"))))
            label = "row" if outcome == ImportRow.Outcome.REJECTED else "not data, row"
            command.stdout.write(
                f"  {label} {numbers}{f' ({who})' if who else ''}: {' '.join(row.reasons)}"
            )
    for merged in job.report.get("merged", []):
        numbers = ", ".join(str(number) for number in merged["rows"])
        notes = " ".join(merged["notes"])
        command.stdout.write(
            f"  merged rows {numbers} ({merged['key']} {merged['name']}) {notes}".rstrip()
        )
