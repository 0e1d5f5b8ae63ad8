"""manage.py import_framework PATH [--user USERNAME] [--government SLUG] [--draft]

Load a framework file (docs/framework-format.md) with the same rules as the upload page
(issue 17): the file is imported for one owner, the installation (no ``--user``, or a system
administrator) or a government (``--user`` its city administrator, ``--government`` when the
user administers several), and refused whole when it would change another owner's framework or
regulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from budaya.accounts.models import User
from budaya.frameworks.selectors import import_owners
from budaya.frameworks.services import FrameworkFileError, import_framework
from budaya.org.models import Government


class Command(BaseCommand):
    help = "Import a value framework from a YAML file; identical content changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The framework file (YAML).")
        parser.add_argument(
            "--user", help="Act as this user (a city administrator imports for its government)."
        )
        parser.add_argument(
            "--government", help="The government the file is imported for (its slug)."
        )
        parser.add_argument(
            "--draft", action="store_true", help="Keep the new version a draft (not adoptable)."
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        user: str | None,
        government: str | None,
        draft: bool,
        **options: Any,
    ) -> None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        actor, owner = self._actor_and_owner(user, government)
        try:
            result = import_framework(
                text, owner=owner, source_name=path.name, user=actor, publish=not draft
            )
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

    def _actor_and_owner(
        self, username: str | None, slug: str | None
    ) -> tuple[User | None, Government | None]:
        if username is None:
            if slug is not None:
                raise CommandError(
                    _("To import for a government, name its city administrator with --user.")
                )
            return None, None
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user “%(user)s”.") % {"user": username})
        owners = import_owners(actor)
        chosen: list[Government | None]
        if slug is not None:
            chosen = [o for o in owners if o is not None and o.slug == slug]
        else:
            chosen = owners if len(owners) == 1 else []
        if not chosen:
            raise CommandError(
                _("%(user)s may import for: %(owners)s. Choose one with --government.")
                % {
                    "user": username,
                    "owners": ", ".join(o.slug if o else "(installation)" for o in owners) or "—",
                }
            )
        return actor, chosen[0]
