from typing import Any

from django.core.management.base import BaseCommand

from budaya.accounts import audit


class Command(BaseCommand):
    help = "Check every hash chain of the audit trail; report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit.verify()
        if broken is not None:
            self.stderr.write(f"The audit trail is broken: {broken}")
            raise SystemExit(1)
        entries = sum(model._default_manager.count() for _head, model in audit.CHAINS)
        chains = sum(head._default_manager.count() for head, _model in audit.CHAINS)
        self.stdout.write(f"The audit trail is whole: {entries} entries in {chains} chains.")
