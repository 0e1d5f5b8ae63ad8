"""manage.py export_eligibility_rules: a government's team kinds, roles and rules as YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org.models import Government
from budaya.teams import rulesfile


class Command(BaseCommand):
    help = (
        "Write one government's team kinds, roles (with duties) and eligibility rules as YAML "
        "in the format budaya-eligibility-rules/1 (docs/teams.md), to standard output or a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("government", help="Short address name (slug) of the government.")
        parser.add_argument("-o", "--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        government = Government.objects.filter(slug=options["government"]).first()
        if government is None:
            raise CommandError(f"No government has the slug {options['government']!r}.")
        text = rulesfile.export(government)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Written to {options['output']}."))
        else:
            self.stdout.write(text, ending="")
