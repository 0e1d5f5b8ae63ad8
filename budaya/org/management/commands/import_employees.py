"""manage.py import_employees --government SLUG PATH [--dry-run] [--full-roster]

The operator's way to the same import as the upload page: read the roster, show what would
happen row by row, and (without --dry-run) write it all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org import services
from budaya.org.models import EmployeeImport, Government, ImportRow


class Command(BaseCommand):
    help = "Import employees from a BKD/SIASN roster (XLSX or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--government", required=True, help="the government's slug")
        parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
        parser.add_argument(
            "--full-roster",
            action="store_true",
            help="employees missing from the file are flagged as possibly left",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            government = Government.objects.get(slug=options["government"])
        except Government.DoesNotExist:
            raise CommandError(f"No government with slug {options['government']!r}") from None

        with path.open("rb") as handle:
            job = services.start_employee_import(
                government=government,
                upload=File(handle, name=path.name),
                full_roster=options["full_roster"],
                actor=None,
                background=False,
            )
        job.refresh_from_db()
        if job.status == EmployeeImport.Status.FAILED:
            raise CommandError(job.error)
        self._print_plan(job)
        if options["dry_run"]:
            services.cancel_employee_import(job, None)
            self.stdout.write("Dry run: nothing was written.")
            return
        services.confirm_employee_import(job, None, background=False)
        job.refresh_from_db()
        if job.status != EmployeeImport.Status.APPLIED:
            raise CommandError(job.error or f"The import ended as {job.status}.")
        self.stdout.write(self.style.SUCCESS(f"Imported ({job.counts['rows']} rows read)."))

    def _print_plan(self, job: EmployeeImport) -> None:
        counts = job.counts
        self.stdout.write(
            f"{job.original_name}: header on row {job.report['header_row']}, "
            f"{counts['rows']} rows read\n"
            f"  new: {counts['new']}, updated: {counts['updated']}, "
            f"unchanged: {counts['unchanged']}, rejected: {counts['rejected']}, "
            f"duplicates merged: {counts['merged']}, possibly left: {counts['possibly_left']}"
        )
        rejected = job.rows.filter(outcome=ImportRow.Outcome.REJECTED).order_by("first_row")
        for row in rejected.iterator(chunk_size=1000):
            numbers = ", ".join(str(number) for number in row.row_numbers)
            self.stdout.write(f"  row {numbers}: {' '.join(row.reasons)}")
