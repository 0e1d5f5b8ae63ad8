"""manage.py seed_demo: the demo governments, agencies, employees and logins (``make run``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budaya.org.demo.seed import (
    DEFAULT_DEMO_PASSWORD,
    DEFAULT_STAFF_PER_AGENCY,
    DEMO_PASSWORD_ENV,
    MIN_PASSWORD_LENGTH,
    SeedResult,
    demo_password,
    seed_demo,
)

DEMO_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Create the demo data that is missing: Kota Tangerang and Kota Serang with their "
        "agencies, fictional employees, framework adoptions and one login per role. Safe to run "
        "again: existing rows are left unchanged. Every demo login has the same password, taken "
        f"from the environment variable {DEMO_PASSWORD_ENV} (at least {MIN_PASSWORD_LENGTH} "
        f'characters), by default "{DEFAULT_DEMO_PASSWORD}".'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--staff-per-agency",
            type=int,
            default=DEFAULT_STAFF_PER_AGENCY,
            help="Employees per agency besides the heads of its units "
            f"(default {DEFAULT_STAFF_PER_AGENCY}). Raising it later only adds people.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Also set the demo password on existing demo logins whose password differs.",
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
                "Refusing to seed demo logins with a known password under the production "
                "settings; pass --allow-production for a public demo server."
            )
        if options["staff_per_agency"] < 0:
            raise CommandError("--staff-per-agency cannot be negative.")
        password = demo_password()
        if len(password) < MIN_PASSWORD_LENGTH:
            raise CommandError(
                f"{DEMO_PASSWORD_ENV} must have at least {MIN_PASSWORD_LENGTH} characters."
            )
        result = seed_demo(
            password=password,
            staff_per_agency=options["staff_per_agency"],
            reset_passwords=options["reset_passwords"],
        )
        if options["verbosity"] >= 1:
            self.stdout.write(self._report(result, password))

    def _report(self, result: SeedResult, password: str) -> str:
        lines = [self.style.SUCCESS("Demo data ready.")]
        for summary in result.governments:
            lines.append(
                f"  {summary.name}: {summary.units} units ({summary.units_created} new), "
                f"{summary.employees} employees ({summary.employees_created} new); "
                f"value framework: {summary.framework}"
            )
        lines.extend(f"  {line}" for line in result.other_apps)
        lines.append("")
        header = ("Username", "Role", "Government", "Agency")
        rows = [
            (
                login.username + ("" if login.password_matches else " *"),
                login.role,
                login.government or "-",
                login.agency or "-",
            )
            for login in result.logins
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines.append(self.style.MIGRATE_HEADING(_row(header, widths)))
        lines.append(_row(tuple("-" * width for width in widths), widths))
        lines.extend(_row(row, widths) for row in rows)
        lines.append("")
        source = (
            f"from {DEMO_PASSWORD_ENV}"
            if password != DEFAULT_DEMO_PASSWORD
            else f"the default; set {DEMO_PASSWORD_ENV} to choose another"
        )
        lines.append(f"Password for every demo login: {password}  ({source})")
        if not all(login.password_matches for login in result.logins):
            lines.append(
                self.style.WARNING(
                    "* this login has another password (changed since it was created); "
                    "run seed_demo --reset-passwords to set the demo password again."
                )
            )
        lines.append(f"Sign in at {DEMO_URL}")
        return "\n".join(lines)


def _row(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
