"""manage.py create_government: the system administrator sets up a new government (issue 23).

    manage.py create_government --name "Kabupaten Contoh" --kind kabupaten \\
        --kemendagri-code 36.03 --slug kabupaten-contoh --time-zone WIB

Validated as the web form validates it; recorded in the system audit chain. A slug that exists
already is refused and nothing changes, so running the same line twice is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org import services
from budaya.org.forms import GovernmentForm
from budaya.org.models import Government

# The time zones by the names everyone uses (WIB, WITA, WIT), or by their IANA names.
TIME_ZONES = {choice.name: choice.value for choice in Government.TimeZone}


class Command(BaseCommand):
    help = "Create a government (a tenant): name, kind, Kemendagri code, slug and time zone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help='e.g. "Kabupaten Contoh"')
        parser.add_argument(
            "--kind", required=True, choices=Government.Kind.values, help="kota, kabupaten, ..."
        )
        parser.add_argument("--kemendagri-code", required=True, help="e.g. 36.03 (36 a province)")
        parser.add_argument("--slug", required=True, help="its address: /governments/SLUG/")
        parser.add_argument(
            "--time-zone",
            default="WIB",
            help="WIB, WITA or WIT (or Asia/Jakarta, Asia/Makassar, Asia/Jayapura)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        existing = Government.objects.filter(slug=slug).first()
        if existing is not None:
            raise CommandError(
                f"A government with the slug {slug!r} exists already ({existing.name}); "
                "nothing was changed."
            )
        zone = options["time_zone"]
        form = GovernmentForm(
            data={
                "name": options["name"],
                "slug": slug,
                "kind": options["kind"],
                "kemendagri_code": options["kemendagri_code"],
                "timezone": TIME_ZONES.get(zone.upper(), zone),
            }
        )
        if not form.is_valid():
            names = {"timezone": "time-zone", "kemendagri_code": "kemendagri-code"}
            problems = [
                f"--{names.get(field, field.replace('_', '-'))}: {' '.join(map(str, messages))}"
                for field, messages in form.errors.items()
            ]
            raise CommandError("Nothing was created:\n" + "\n".join(problems))
        government = services.create_government(form, system_chain=True)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Created {government.name} ({government.get_kind_display()}, "
                f"{government.kemendagri_code}, {government.timezone}) at "
                f"/governments/{government.slug}/."
            )
