"""manage.py verify_reports: every submitted report version and every city report against its
own SHA-256, the hash recorded in its audit entry, and (for a version) the hash of it recorded
in each city report that holds it (exit status 1 on any mismatch).

A stored hash recomputed after a change would match the changed text; the audit entry written
at submission is keyed (issue 17, ``verify_audit``), and the city report holds the hash it
consolidated, so a rewritten version is found by either."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from budaya.accounts.audit import object_type
from budaya.accounts.models import AuditAction, AuditEntry
from budaya.monev.models import CityReport, ReportVersion


def _recorded(model: Any) -> dict[str, list[Any]]:
    """Per object id, the SHA-256 values the creating audit entries recorded."""
    found: dict[str, list[Any]] = defaultdict(list)
    for object_id, after in AuditEntry.objects.filter(
        object_type=object_type(model), action=AuditAction.CREATE
    ).values_list("object_id", "after"):
        found[object_id].append((after or {}).get("sha256"))
    return found


def _problem(stored: str, text: str, recorded: list[Any]) -> str | None:
    if hashlib.sha256(text.encode()).hexdigest() != stored:
        return "content does not match its hash"
    if not recorded:
        return "no audit entry records its creation"
    if any(value != stored for value in recorded):
        return "hash differs from the one its audit entry recorded"
    return None


class Command(BaseCommand):
    help = (
        "Check that no submitted monitoring report version or city report has changed: their "
        "hashes against their content, their audit entries and the city reports."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        broken: list[str] = []
        count = 0
        version_hashes = _recorded(ReportVersion)
        city_hashes = _recorded(CityReport)
        # What each city report holds: (government, period, unit code, version) -> hashes.
        held: dict[tuple[int, int, str, int], list[tuple[int, str]]] = defaultdict(list)
        for city in CityReport.objects.select_related("government").iterator():
            count += 1
            problem = _problem(city.sha256, city.canonical, city_hashes.get(str(city.pk), []))
            if problem:
                broken.append(f"{city.government.slug}: city report {city.pk}: {problem}")
                continue
            for item in json.loads(city.canonical)["reports"]:
                key = (city.government_id, city.period_id, item["unit"]["code"], item["version"])
                held[key].append((city.pk, item["sha256"]))
        for version in ReportVersion.objects.select_related(
            "report__unit", "government"
        ).iterator():
            count += 1
            where = (
                f"{version.government.slug}: {version.report.unit.name}, "
                f"report {version.report_id} version {version.number}"
            )
            problem = _problem(
                version.sha256, version.canonical, version_hashes.get(str(version.pk), [])
            )
            key = (
                version.government_id,
                version.report.period_id,
                version.report.unit.code,
                version.number,
            )
            for city_id, sha256 in held.get(key, []):
                if problem is None and sha256 != version.sha256:
                    problem = f"hash differs from the one city report {city_id} holds"
            if problem:
                broken.append(f"{where}: {problem}")
        if broken:
            raise CommandError("Changed since submission:\n" + "\n".join(broken))
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{count} submitted versions and city reports match their hashes, their audit "
                "entries and the city reports."
            )
