"""manage.py import_framework PATH: load a framework file (docs/framework-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from budaya.frameworks.services import FrameworkFileError, import_framework


class Command(BaseCommand):
    help = "Import a value framework from a YAML file; identical content changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The framework file (YAML).")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        try:
            result = import_framework(text, source_name=path.name)
        except FrameworkFileError as error:
            for message in error.messages:
                self.stderr.write(f"{path}: {message}")
            raise CommandError(
                _("%(path)s was refused; nothing was imported.") % {"path": path}
            ) from error
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(_("%(version)s was imported.") % {"version": result.version})
            )
        else:
            self.stdout.write(
                _("Nothing changed: the file is identical to %(version)s.")
                % {"version": result.version}
            )
