"""manage.py generate_scale: synthetic governments at city, province or national scale."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org.models import Government
from budaya.scale import (
    DEFAULT_PASSWORD,
    SCALES,
    generate_government,
    identities,
    latest_versions,
    shipped_rulebooks,
    usernames,
)

MIN_PASSWORD_LENGTH = 12


class Command(BaseCommand):
    help = (
        "Generate synthetic governments at the sizes of the product's table 'Scale': city (1 "
        "government of 60 agencies, 15,000 employees, 20,000 activities a year), province (25 "
        "such governments, 10,000 employees and 16,000 activities each) or national (550, "
        "6,364 employees and 10,909 activities each). Governments are named skala-kota-01, "
        "skala-provinsi-01..25, skala-nasional-001..550; one that exists is skipped, so an "
        "interrupted run is resumed by running it again. Logins per government: admin.<slug>, "
        "sekda.<slug>, kepaladaerah.<slug>, kepala.<slug>, tim.<slug> and "
        "kepala.<slug>.<agency code>, all with the same password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), required=True)
        parser.add_argument(
            "--governments",
            type=int,
            default=None,
            help="Generate only the first N governments of the scale (each of full size).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the random data.")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f'Password of every generated login (default "{DEFAULT_PASSWORD}").',
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even under the production settings (it creates logins with a known "
            "password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            str(settings.SETTINGS_MODULE).endswith(".production")
            and not options["allow_production"]
        ):
            raise CommandError(
                "Refusing to generate logins with a known password under the production "
                "settings; pass --allow-production for a benchmark server."
            )
        if options["governments"] is not None and options["governments"] < 1:
            raise CommandError("--governments must be at least 1.")
        if len(options["password"]) < MIN_PASSWORD_LENGTH:
            raise CommandError(f"--password needs at least {MIN_PASSWORD_LENGTH} characters.")
        scale = SCALES[options["scale"]]
        wanted = identities(scale, options["governments"])
        existing = set(
            Government.objects.filter(slug__in=[i.slug for i in wanted]).values_list(
                "slug", flat=True
            )
        )
        verbose = options["verbosity"] >= 1
        progress = self.stdout.write if verbose else None
        versions = latest_versions()
        frameworks = sorted(shipped_rulebooks())
        started = time.monotonic()
        made = 0
        for index, identity in enumerate(wanted):
            if identity.slug in existing:
                if verbose:
                    self.stdout.write(f"{identity.slug} exists: skipped.")
                continue
            if verbose:
                self.stdout.write(
                    f"{identity.name} ({identity.slug}), {index + 1} of {len(wanted)}: "
                    f"{scale.agencies} agencies, {scale.employees} employees, "
                    f"{scale.activities} activities"
                )
            generate_government(
                slug=identity.slug,
                name=identity.name,
                kind=identity.kind,
                agencies=scale.agencies,
                employees=scale.employees,
                activities=scale.activities,
                framework=frameworks[index % len(frameworks)],
                seed=options["seed"],
                password=options["password"],
                versions=versions,
                progress=progress,
                province=identity.province,
            )
            made += 1
        if verbose:
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"{made} government(s) generated in {elapsed:.1f} s; "
                    f"{len(wanted) - made} skipped."
                )
            )
            example = usernames(wanted[0].slug)
            self.stdout.write(
                f"Sign in as {', '.join(example.values())} (and likewise for the other "
                f"governments) with the password {options['password']!r}."
            )
