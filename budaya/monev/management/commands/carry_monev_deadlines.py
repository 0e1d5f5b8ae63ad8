"""manage.py carry_monev_deadlines [--dry-run]: a default deadline saved before issue 18 (the
``MonevSetting`` row of a government, no longer read) becomes the government's rulebook's
``monev.deadline``, as the monitoring page's deadline form would write it: the rulebook's next
version, the government's choice, with its audit entry in the government's chain. Run once
after upgrading; a government whose rulebook already says the same day is left alone, so a
second run writes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from budaya.monev import services
from budaya.monev.models import MonevSetting
from budaya.rulebook.selectors import current_rulebook


class Command(BaseCommand):
    help = "Carry the default deadlines saved before the rulebook into each government's rulebook."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would change only")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        changed = 0
        for setting in MonevSetting.objects.select_related("government").order_by(
            "government__name"
        ):
            government = setting.government
            deadline = current_rulebook(government).monev.deadline
            saved = (setting.deadline_month, setting.deadline_day)
            if (deadline.month, deadline.day) == saved:
                self.stdout.write(
                    f"{government.name}: the rulebook already says {saved[1]}-{saved[0]}."
                )
                continue
            changed += 1
            if dry_run:
                self.stdout.write(
                    f"{government.name}: would write {saved[1]}-{saved[0]} "
                    f"(the rulebook says {deadline.day}-{deadline.month})."
                )
                continue
            number = services.set_deadline(
                government,
                saved[0],
                saved[1],
                actor=None,
                note=_("Carried from the monitoring setting saved before the rulebook."),
            )
            self.stdout.write(
                f"{government.name}: {saved[1]}-{saved[0]}, rulebook version {number}."
            )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{changed} government(s) {verb}.")
