"""manage.py send_notifications: send every e-mail of the outbox whose time has come (issue 20).

The worker sends each e-mail when it is queued and retries it on time; this sweep, run every few
minutes by cron (docs/operations.md), sends what a lost queue or a dead worker left behind.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from budaya.notifications.services import send_due


class Command(BaseCommand):
    help = "Send the e-mails of the outbox whose time has come (queued, or due for a retry)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} e-mails sent.")
