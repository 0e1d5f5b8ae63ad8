"""manage.py checkpoint_audit: append the head of every audit chain that moved to its
checkpoint file outside the database (issue 17). ``manage.py daily`` does it once a day; run
this more often (cron, hourly) to narrow the window in which the last entries of a chain could
be removed unnoticed."""

from typing import Any

from django.core.management.base import BaseCommand

from budaya.accounts import checkpoints


class Command(BaseCommand):
    help = "Checkpoint the head of every audit chain that moved, outside the database."

    def handle(self, *args: Any, **options: Any) -> None:
        points = checkpoints.take()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(points)} audit chains checkpointed in {checkpoints.where()}.")
