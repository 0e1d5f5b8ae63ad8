"""Rows without a government leave the tenant tables.

System-level audit entries (and their chain head) move to the system chain's tables with every
hashed value unchanged, so ``verify_audit`` still holds; each government's chain head gets its
government; a system administrator's grant becomes the superuser flag it already implied.
"""

from django.db import migrations

FIELDS = (
    "chain",
    "sequence",
    "actor_id",
    "actor_repr",
    "at",
    "remote_addr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "previous_hash",
    "hash",
)


def forward(apps, schema_editor):
    from budaya.accounts.audit import TABLE, drop_triggers, install_triggers

    AuditEntry = apps.get_model("accounts", "AuditEntry")
    SystemAuditEntry = apps.get_model("accounts", "SystemAuditEntry")
    AuditChain = apps.get_model("accounts", "AuditChain")
    SystemAuditChain = apps.get_model("accounts", "SystemAuditChain")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    User = apps.get_model("accounts", "User")

    system = AuditEntry.objects.filter(government__isnull=True).order_by("sequence")
    SystemAuditEntry.objects.bulk_create(
        SystemAuditEntry(**{name: getattr(entry, name) for name in FIELDS})
        for entry in system.iterator()
    )
    # The append-only triggers refuse the move; they are back before the migration commits.
    drop_triggers(schema_editor.connection, TABLE)
    system.delete()
    install_triggers(schema_editor.connection, TABLE)

    for head in AuditChain.objects.all():
        if head.key.startswith("g"):
            AuditChain.objects.filter(pk=head.pk).update(government_id=int(head.key[1:]))
        else:
            SystemAuditChain.objects.create(
                key=head.key, length=head.length, last_hash=head.last_hash
            )
            head.delete()

    administrators = RoleGrant.objects.filter(government__isnull=True)
    User.objects.filter(pk__in=administrators.values("user_id")).update(is_superuser=True)
    administrators.delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_system_audit_chain")]

    operations = [migrations.RunPython(forward)]
