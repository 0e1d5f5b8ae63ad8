"""Rows without a government leave the tenant tables.

System-level audit entries (and their chain head) move to the system chain's tables with every
hashed value unchanged, so ``verify_audit`` still holds; each government's chain head gets its
government; a system administrator's grant becomes the superuser flag it already implied.
"""

from django.db import migrations


# Frozen copy of the append-only triggers as this migration made them (issue 17: a migration
# never imports live code, which changes after it). Later migrations and every migrate's
# post_migrate handler (budaya.accounts.apps) make them again.
def _create(table):
    return {
        "sqlite": [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        ],
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ],
    }


def _drop(table):
    return {
        "sqlite": [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ],
        "postgresql": [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()",
        ],
    }


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)

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
    _run(schema_editor, _drop("accounts_auditentry"))
    system.delete()
    _run(schema_editor, _create("accounts_auditentry"))

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
