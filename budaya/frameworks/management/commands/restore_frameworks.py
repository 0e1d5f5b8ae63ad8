"""manage.py restore_frameworks [--check]: the shipped files restore the shipped versions.

Issue 17's repair path: for each file of budaya/frameworks/data, the version with the file's
content hash is rebuilt from the file when its stored text no longer gives that hash (or loaded
when missing), the regulations it names get the file's facts and their shipped owners
(data/owners.json), and the framework's name and description are those of its latest published
version again. Every repair is audited; ``--check`` only lists what would be repaired.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.frameworks.services import first_mismatch, restore_shipped_frameworks


class Command(BaseCommand):
    help = "Restore the shipped framework versions and their regulations from the shipped files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="List what would be repaired; change nothing."
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        results = restore_shipped_frameworks(check_only=check)
        repairs = 0
        for result in results:
            for repair in result.repairs:
                repairs += 1
                self.stdout.write(f"{result.path}: {repair}")
        if check:
            self.stdout.write(f"{repairs} repairs needed." if repairs else "Nothing to repair.")
            if repairs:
                raise CommandError("The shipped frameworks differ from the shipped files.")
            return
        self.stdout.write(f"{repairs} repairs made." if repairs else "Nothing to repair.")
        broken = first_mismatch()
        if broken is not None:
            # Not a shipped text: restore cannot rebuild it from a file it does not have.
            self.stderr.write(
                f"Still changed: {broken.framework.slug} version {broken.number} "
                "(not a shipped version; import its file again as a new version)."
            )
