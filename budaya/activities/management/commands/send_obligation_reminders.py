"""manage.py send_obligation_reminders: e-mail each agency what falls due soon (run daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from budaya.activities.services import send_obligation_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders of recurring obligations whose date is within their reminder "
        "window and that the agency has not recorded yet: one e-mail per occurrence and agency "
        "to its unit head and unit team, never twice. Safe to run several times a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date as YYYY-MM-DD.") from error
        sent = send_obligation_reminders(today)
        if options["verbosity"] >= 1:
            for line in sent:
                self.stdout.write(f"  {line}")
            self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders sent."))
