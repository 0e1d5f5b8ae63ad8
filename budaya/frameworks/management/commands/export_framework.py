"""manage.py export_framework SLUG [--version N] [--output FILE]: write a framework file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from budaya.frameworks.models import FrameworkVersion
from budaya.frameworks.services import export_framework


class Command(BaseCommand):
    help = "Export a value framework version as YAML (the latest version unless --version)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version is the framework version; it replaces Django's "show the program version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The framework's identifier, e.g. berakhlak.")
        parser.add_argument("--version", dest="number", type=int, help="The version number.")
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(
        self, *args: Any, slug: str, number: int | None, output: Path | None, **options: Any
    ) -> None:
        try:
            text = export_framework(slug, number)
        except FrameworkVersion.DoesNotExist as error:
            raise CommandError(
                _("No framework “%(slug)s” with that version.") % {"slug": slug}
            ) from error
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(_("Written to %(path)s.") % {"path": output})
        else:
            self.stdout.write(text, ending="")
