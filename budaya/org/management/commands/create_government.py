"""manage.py create_government: the system administrator sets up a new government (issue 23).

    manage.py create_government --name "Kabupaten Contoh" --kind kabupaten \\
        --kemendagri-code 36.03 --slug kabupaten-contoh --time-zone WIB

Validated as the web form validates it; recorded in the system audit chain. A slug that exists
already is refused and nothing changes, so running the same line twice is harmless.

With ``--admin-username`` and ``--admin-email`` (and optionally ``--admin-first-name``,
``--admin-last-name``) it also invites the government's first administrator: the account is made
without a password and with the city administrator's role, the link to choose a password (valid
once, for PASSWORD_RESET_TIMEOUT) is printed and e-mailed, and the invitation and the grant are
audited in the government's chain with the operator's name (``--operator``). Everything or
nothing: a user name or address that is taken leaves no government behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from budaya.accounts import services as accounts
from budaya.accounts.forms import USERNAME
from budaya.accounts.models import User
from budaya.org import services
from budaya.org.forms import GovernmentForm
from budaya.org.management.commands.import_employees import add_operator_argument
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
        parser.add_argument("--admin-username", help="the first administrator's user name")
        parser.add_argument("--admin-email", help="the first administrator's e-mail address")
        parser.add_argument("--admin-first-name", default="", help="(default: the user name)")
        parser.add_argument("--admin-last-name", default="")
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help=f"the address in the invitation link ({settings.SITE_URL}, SITE_URL)",
        )
        add_operator_argument(parser)

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
        admin = self._administrator(options)
        with transaction.atomic():
            government = services.create_government(form, system_chain=True)
            if admin:
                user, link = accounts.invite_first_administrator(
                    government=government, site_url=options["site_url"], **admin
                )
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Created {government.name} ({government.get_kind_display()}, "
                f"{government.kemendagri_code}, {government.timezone}) at "
                f"/governments/{government.slug}/."
            )
        if admin:
            # Printed whatever the verbosity: the operator may have no mail server yet.
            self.stdout.write(
                f"Invited {user.get_username()} <{user.email}> as its administrator. "
                f"The link to choose a password (sent by e-mail too, valid once):\n{link}"
            )

    def _administrator(self, options: dict[str, Any]) -> dict[str, str] | None:
        """The first administrator's details, checked before anything is created."""
        username, email = options["admin_username"], options["admin_email"]
        if not username and not email:
            return None
        if not username or not email:
            raise CommandError("--admin-username and --admin-email go together.")
        problems = []
        checks: list[tuple[str, str, Callable[[str], None], str, str]] = [
            ("--admin-username", username, USERNAME, "username", "is taken"),
            ("--admin-email", email, validate_email, "email", "belongs to another account"),
        ]
        for option, value, validate, field, taken in checks:
            try:
                validate(value)
            except ValidationError as error:
                problems.append(f"{option}: {' '.join(error.messages)}")
            if User.objects.filter(**{f"{field}__iexact": value}).exists():
                problems.append(f"{option}: {value!r} {taken}.")
        if problems:
            raise CommandError("Nothing was created:\n" + "\n".join(problems))
        return {
            "username": username,
            "email": email,
            "first_name": options["admin_first_name"] or username,
            "last_name": options["admin_last_name"],
            "operator": options["operator"],
        }
