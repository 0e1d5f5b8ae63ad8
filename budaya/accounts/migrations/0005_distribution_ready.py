"""Every tenant table of accounts has a government: role grants, audit entries, chain heads.
Unique keys of audit entries hold the government (Citus: docs/scaling.md); the user's link to an
employee has no database constraint (a reference table may not point into a distributed one)."""

import django.db.models.deletion
from django.db import migrations, models


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


def install(apps, schema_editor):
    # SQLite rebuilds the altered table, which drops its triggers: put them back.
    _run(schema_editor, _create("accounts_auditentry"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_system_rows_out_of_tenant_tables'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='auditentry',
            name='audit_sequence_per_chain',
        ),
        migrations.RemoveConstraint(
            model_name='rolegrant',
            name='role_grant_needs_government',
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='government',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.government', verbose_name='government'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='rolegrant',
            name='government',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='org.government', verbose_name='government'),
        ),
        migrations.AlterField(
            model_name='user',
            name='employee',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='user', to='org.employee', verbose_name='employee'),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('government', 'sequence'), name='audit_sequence_per_government'),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('government', 'hash'), name='audit_hash_per_government'),
        ),
        migrations.AlterField(
            model_name='auditchain',
            name='government',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.government', verbose_name='government'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.CheckConstraint(condition=models.Q(('role', 'system_admin'), _negated=True), name='role_grant_not_system_admin'),
        ),
            migrations.RunPython(install, migrations.RunPython.noop),
    ]
