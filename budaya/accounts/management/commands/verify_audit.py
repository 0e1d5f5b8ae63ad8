"""manage.py verify_audit: every chain of the audit trail, its links, hashes and MACs (with the
keys of BUDAYA_AUDIT_KEYS), against the checkpoints outside the database (issue 17); exit status
1 and the first break (chain, government, position, entry, reason) when something is wrong."""

from typing import Any

from django.core.management.base import BaseCommand

from budaya.accounts import audit


class Command(BaseCommand):
    help = (
        "Check every chain of the audit trail (links, hashes, MACs) and the daily checkpoints "
        "of its heads; report the first break."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = audit.verify_all()
        if found.broken is not None:
            self.stderr.write(f"The audit trail is broken: {found.broken}")
            raise SystemExit(1)
        self.stdout.write(
            f"The audit trail is whole: {found.entries} entries in {found.chains} chains."
        )
        if found.checkpoints:
            self.stdout.write(f"{found.checkpoints} checkpoints outside the database match.")
        for note in found.notes:
            self.stdout.write(note)
