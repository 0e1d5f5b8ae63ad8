"""manage.py rekey_audit: sign every chain with the current audit key (issue 17).

Entries are never rewritten (they are append-only). Since each entry's hash covers the one
before it, one entry signed with the current key vouches for the whole chain up to it: this
appends such an entry to every chain whose last entry is not signed with the current key. Run
it once after setting the first key (entries written before it have no MAC) and, on rotation,
after putting the new key first and before removing the old one (docs/security.md).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, AuditChain, SystemAuditChain
from budaya.org.models import Government


class Command(BaseCommand):
    help = (
        "Append an entry signed with the current audit key to every chain not yet signed with it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # What is signed must be whole first: signing a rewritten chain would vouch for it.
        found = audit.verify_all(require_keyed=False)
        if found.broken is not None:
            raise CommandError(f"The audit trail is broken, nothing signed: {found.broken}")
        current = audit.audit_keys().current
        signed = 0
        for head_model, entries_model in audit.CHAINS:
            for head in head_model._default_manager.filter(length__gt=0).order_by("key"):
                last = (
                    entries_model._default_manager.filter(chain=head.key, sequence=head.length)
                    .values_list("key_id", flat=True)
                    .first()
                )
                if last == current:
                    continue
                after = {"audit_key": current, "signs_up_to": head.length}
                with transaction.atomic():
                    if isinstance(head, AuditChain):
                        government = Government.objects.get(pk=head.government_id)
                        audit.record(
                            None, AuditAction.OTHER, government, after=after, government=government
                        )
                    else:
                        system = SystemAuditChain.objects.get(pk=head.pk)
                        audit.record(None, AuditAction.OTHER, system, after=after, government=None)
                signed += 1
        self.stdout.write(f"{signed} chains signed with the audit key {current!r}.")
