from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from budaya.accounts.permissions import matrix_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Write docs/permissions.md (role x action matrix) from the permission registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Exit 1 when the file is stale; write nothing."
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        text = matrix_markdown()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                self.stderr.write(f"{DOC} is stale: run manage.py permissions_doc")
                raise SystemExit(1)
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}")
