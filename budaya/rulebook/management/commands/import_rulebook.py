from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org.models import Government
from budaya.rulebook import services


class Command(BaseCommand):
    help = (
        "Check a rulebook file and write it as the government's next version (docs/rulebook.md). "
        "With --dry-run, show what would change and write nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--government", required=True, help="The government's slug.")
        parser.add_argument("file", help="The rulebook file (YAML); - reads standard input.")
        parser.add_argument("--dry-run", action="store_true", help="Check and compare only.")
        parser.add_argument("--note", default="", help="Why the rulebook changes.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            government = Government.objects.get(slug=options["government"])
        except Government.DoesNotExist as error:
            raise CommandError(f"No government {options['government']!r}.") from error
        name = options["file"]
        if name == "-":
            import sys

            text, source_name = sys.stdin.read(), "stdin"
        else:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {name}: {error}") from error
            source_name = path.name
        try:
            result = services.import_rulebook(
                government=government,
                text=text,
                dry_run=options["dry_run"],
                note=options["note"],
                source_name=source_name,
            )
        except services.RulebookFileError as error:
            raise CommandError("\n".join(error.messages)) from error
        for line in result.diff:
            marker = {"add": "+", "remove": "-", "hunk": "", "context": " "}[line.kind]
            self.stdout.write(f"{marker}{line.text}")
        if options["dry_run"]:
            if result.unchanged:
                self.stdout.write(f"Dry run: identical to version {result.previous.number}.")  # type: ignore[union-attr]
            else:
                number = (result.previous.number if result.previous else 0) + 1
                self.stdout.write(f"Dry run: would become version {number}; nothing written.")
        elif result.created and result.version is not None:
            self.stdout.write(f"{government}: rulebook version {result.version.number} written.")
        elif result.version is not None:
            self.stdout.write(f"{government}: identical to version {result.version.number}.")
