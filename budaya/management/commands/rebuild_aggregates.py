"""manage.py rebuild_aggregates: recompute the maintained aggregates from the rows they count.

The services keep the aggregates (``activities.ActivityMonth`` and ``ActivityValueMonth``,
``monev.ReportSummary``, and from them the rollups of the province and national views,
``dashboard.GovernmentMonth`` and ``dashboard.GovernmentPeriod``) with every write; run this
after writing rows around the services (a bulk load, a restore of part of a database).
``--check`` changes nothing: it recounts the activity aggregates from the log and lists every
row that differs from the maintained one (exit status 1 when one does; issue 25). Each
government is rebuilt in its own transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.activities import aggregates as activity_aggregates
from budaya.dashboard import rollup
from budaya.monev import aggregates as monev_aggregates
from budaya.org.models import Government


class Command(BaseCommand):
    help = (
        "Recompute the activity months and the monitoring summaries from their rows, and the "
        "governments' rollups of the province and national views from them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--government", help="Only this government (its slug).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare the activity aggregates with a recount; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        governments = Government.objects.order_by("slug")
        if options["government"]:
            governments = governments.filter(slug=options["government"])
            if not governments.exists():
                raise CommandError(f"No government {options['government']!r}.")
        if options["check"]:
            differences = [
                f"{government.slug}: {line}"
                for government in governments
                for line in activity_aggregates.drift(government)
            ]
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"{len(differences)} aggregate rows differ from a recount.")
            self.stdout.write("The activity aggregates equal a recount of the log.")
            return
        for government in governments:
            months = activity_aggregates.rebuild(government)
            summaries = monev_aggregates.rebuild(government)
            # Last: the province and national views sum the two above (issue 20 item 5).
            rolled_months, rolled_periods = rollup.rebuild(government)
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{government.slug}: {months} activity months, {summaries} report summaries, "
                    f"{rolled_months} government months, {rolled_periods} government periods"
                )
