"""manage.py import_units --government SLUG PATH [--dry-run] [--operator NAME]

The unit tree from the agency structure list (issue 23, part 2), as on the upload page: read it,
show what would happen row by row, and (without --dry-run) write it all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org import services
from budaya.org.management.commands.import_employees import (
    add_operator_argument,
    government_of,
    run_to_the_end,
)


class Command(BaseCommand):
    help = "Import the unit tree (name, kind, parent, optional code) from an XLSX or CSV list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--government", required=True, help="the government's slug")
        parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
        add_operator_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        government = government_of(options["government"])
        with path.open("rb") as handle:
            job = services.start_unit_import(
                government=government,
                upload=File(handle, name=path.name),
                actor=None,
                background=False,
                operator=options["operator"],
            )
        run_to_the_end(self, job, dry_run=options["dry_run"])
