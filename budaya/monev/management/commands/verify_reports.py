"""manage.py verify_reports: recompute the SHA-256 of every submitted report version and every
city report and compare it with the stored one (exit status 1 on any mismatch)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from budaya.monev.models import CityReport, ReportVersion


class Command(BaseCommand):
    help = "Check that no submitted monitoring report version or city report has changed."

    def handle(self, *args: Any, **options: Any) -> None:
        broken: list[str] = []
        count = 0
        for version in ReportVersion.objects.select_related(
            "report__unit", "government"
        ).iterator():
            count += 1
            if not version.verify():
                broken.append(
                    f"{version.government.slug}: {version.report.unit.name}, "
                    f"report {version.report_id} version {version.number}"
                )
        for city in CityReport.objects.select_related("government").iterator():
            count += 1
            if not city.verify():
                broken.append(f"{city.government.slug}: city report {city.pk}")
        if broken:
            raise CommandError("Changed since submission:\n" + "\n".join(broken))
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} submitted versions and city reports match their hashes.")
