from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org.models import Government
from budaya.rulebook import services
from budaya.rulebook.models import RulebookVersion


class Command(BaseCommand):
    help = (
        "Write a government's rulebook (the current version, or --number N) to standard output "
        "as YAML (docs/rulebook.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("government", help="The government's short address name (slug).")
        parser.add_argument("--number", type=int, help="A version number.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            government = Government.objects.get(slug=options["government"])
        except Government.DoesNotExist as error:
            raise CommandError(f"No government {options['government']!r}.") from error
        try:
            text = services.export_rulebook(government=government, number=options["number"])
        except RulebookVersion.DoesNotExist as error:
            raise CommandError(f"{government} has no such rulebook version.") from error
        self.stdout.write(text, ending="")
