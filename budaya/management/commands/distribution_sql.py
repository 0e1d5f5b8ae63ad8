from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from budaya import distribution


class Command(BaseCommand):
    help = (
        "Print the DDL that turns the migrated PostgreSQL schema into the Citus layout: "
        "primary and foreign keys with government_id, reference and distributed tables "
        "(docs/scaling.md). Run it with psql in one transaction; it changes nothing itself."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            statements = distribution.statements(connection)
        except distribution.DistributionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("BEGIN;")
        for statement in statements:
            self.stdout.write(statement)
        self.stdout.write("COMMIT;")
