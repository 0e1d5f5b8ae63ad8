"""manage.py daily: the work that falls due by the calendar, for every government.

Run it once a day (cron: ``0 6 * * * cd /srv/budaya && .venv/bin/python manage.py daily``);
running it again the same day does nothing more. ``make run`` runs it at start.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from budaya.accounts import checkpoints
from budaya.activities.services import send_obligation_reminders
from budaya.org.models import Government
from budaya.teams.services import expire_ended, expire_ineligible


class Command(BaseCommand):
    help = (
        "Daily jobs: reminders of recurring obligations and monitoring deadlines that fall due "
        "(each sent once); role-model and change-agent designations whose period has ended or "
        "that the government's rulebook no longer allows; decrees nearing their age limit and "
        "members who left a team; the notification digests and the e-mails left in the "
        "outbox; imports and leadership reports whose background worker died are marked failed "
        "(with a retry); the rollups of the province and national views recomputed; a "
        "checkpoint of every audit chain's head, outside the database."
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
        reminders = send_obligation_reminders(today)
        # Monitoring reports: reminders 30, 7 and 1 days before a period's deadline, each once.
        from budaya.monev.services import send_deadline_reminders

        reminders += send_deadline_reminders(today)
        # Open surveys closing within three days: a reminder to those who have not answered.
        from budaya.surveys.services import send_reminders

        survey_reminders = send_reminders(today)
        expired = sum(expire_ended(government, today) for government in Government.objects.all())
        # Designations published before their rulebook refused them (issue 18); an import does
        # the same at once.
        expired += sum(expire_ineligible(government) for government in Government.objects.all())
        # Teams (issue 20): decrees nearing their age limit, members who left; announced once.
        from budaya.teams.reminders import announce_departures, announce_expiring_decrees

        teams = announce_expiring_decrees(today) + announce_departures(today)
        # Notifications: the daily digests, and any e-mail whose time came and that no worker
        # sent (the queue lost it, a worker died).
        from budaya.notifications.services import send_digests, send_due

        digests = send_digests(today)
        resent = send_due()
        # Imports whose worker died are failed with a retry, even if nobody opens their page
        # (issue 23); the import pages do the same when they are opened.
        from budaya.org.services import fail_interrupted_imports

        interrupted = fail_interrupted_imports()
        # Leadership reports whose worker died, the same way (issue 20 item 4): failed with a
        # retry, shown so on the dashboard and the report's page.
        from budaya.dashboard.models import LeadershipReport
        from budaya.dashboard.services import fail_interrupted

        interrupted_reports = fail_interrupted(LeadershipReport.objects.all())
        # The rollups of the province and national views, recomputed from the maintained
        # aggregates: a refresh lost with its process, or agencies opened or closed (issue 20).
        from budaya.dashboard import rollup

        for government in Government.objects.all():
            rollup.rebuild(government)
        # Last, after today's entries: the head of every audit chain that moved, appended to its
        # checkpoint file (issue 17: a chain cut short and rewound is then found).
        points = checkpoints.take()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{today}: {len(reminders)} obligation reminders sent, "
                f"{survey_reminders} survey reminders sent, "
                f"{expired} designations expired, {teams} team notices, {digests} digests, "
                f"{resent} e-mails sent from the outbox, {interrupted} interrupted imports failed, "
                f"{interrupted_reports} interrupted leadership reports failed, "
                f"{len(points)} audit chains checkpointed."
            )
