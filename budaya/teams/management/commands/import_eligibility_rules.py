"""manage.py import_eligibility_rules: load a government's team kinds, roles and rules from YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org.models import Government
from budaya.teams import rulesfile, services


class Command(BaseCommand):
    help = (
        "Import team kinds, roles (with duties) and eligibility rules for one government from a "
        "YAML file in the format budaya-eligibility-rules/1 (docs/teams.md). Kinds and roles are "
        "matched by code and updated; the government's rules are replaced by those of the file. "
        "Instead of a file, --defaults loads the shipped rules of the regulation the government "
        "adopted (Perwal Tangerang 62/2018 or Perwal Serang 34/2023)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("government", help="Short address name (slug) of the government.")
        parser.add_argument("file", nargs="?", help="The YAML file.")
        parser.add_argument(
            "--defaults",
            action="store_true",
            help="Load the shipped rules of the adopted regulation.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        government = Government.objects.filter(slug=options["government"]).first()
        if government is None:
            raise CommandError(f"No government has the slug {options['government']!r}.")
        if options["defaults"]:
            preset = rulesfile.preset_for(government)
            if preset is None:
                raise CommandError("No shipped rules match the regulation this government adopted.")
            parsed = rulesfile.load_preset(preset)
        else:
            if not options["file"]:
                raise CommandError("Give a file, or --defaults.")
            try:
                text = Path(options["file"]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['file']}: {error}") from error
            try:
                parsed = rulesfile.parse(text)
            except rulesfile.RulesFileError as error:
                raise CommandError("\n".join(error.messages)) from error
        summary = (
            f"{len(parsed.team_kinds)} team kinds, {len(parsed.roles)} roles, "
            f"{len(parsed.rules)} rules"
        )
        if options["dry_run"]:
            self.stdout.write(f"The file is valid: {summary}. Nothing was written (--dry-run).")
            return
        services.import_rules(government, parsed)
        self.stdout.write(self.style.SUCCESS(f"{government}: imported {summary}."))
