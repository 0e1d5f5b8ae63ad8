"""manage.py import_units --government SLUG PATH [--dry-run] [--operator NAME]

The unit tree from the agency structure list (issue 23, part 2), as on the upload page: read it,
show what would happen row by row, and (without --dry-run) write it all or nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budaya.org.management.commands.import_employees import add_import_arguments, import_file
from budaya.org.models import EmployeeImport


class Command(BaseCommand):
    help = "Import the unit tree (name, kind, parent, optional code) from an XLSX or CSV list."

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        import_file(self, options, EmployeeImport.Kind.UNITS)
