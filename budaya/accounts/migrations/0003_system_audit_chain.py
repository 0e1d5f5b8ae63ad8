"""The system chain gets its own tables (entries that belong to no government), and each
government's chain head names its government: groundwork for a never-null distribution column."""

import django.db.models.deletion
from django.conf import settings
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
    _run(schema_editor, _create("accounts_systemauditentry"))


def drop(apps, schema_editor):
    _run(schema_editor, _drop("accounts_systemauditentry"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_audit_append_only'),
        ('org', '0005_import_rows'),
    ]

    operations = [
        migrations.CreateModel(
            name='SystemAuditChain',
            fields=[
                ('key', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('length', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(default='', max_length=64)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='SystemAuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.CharField(editable=False, max_length=40)),
                ('sequence', models.BigIntegerField(editable=False)),
                ('actor_repr', models.CharField(blank=True, max_length=150, verbose_name='actor')),
                ('at', models.DateTimeField(verbose_name='time')),
                ('remote_addr', models.GenericIPAddressField(blank=True, null=True, verbose_name='address')),
                ('action', models.CharField(choices=[('create', 'Create'), ('update', 'Update'), ('delete', 'Delete'), ('grant', 'Grant role'), ('revoke', 'Revoke role'), ('invite', 'Invite'), ('enable_2fa', 'Enable two-factor sign-in'), ('disable_2fa', 'Disable two-factor sign-in'), ('other', 'Other')], max_length=20, verbose_name='action')),
                ('object_type', models.CharField(max_length=100, verbose_name='object type')),
                ('object_id', models.CharField(max_length=64, verbose_name='object id')),
                ('object_repr', models.CharField(max_length=255, verbose_name='object')),
                ('before', models.JSONField(blank=True, null=True, verbose_name='before')),
                ('after', models.JSONField(blank=True, null=True, verbose_name='after')),
                ('previous_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': 'system audit entry',
                'verbose_name_plural': 'system audit entries',
                'ordering': ['-at', '-pk'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='auditchain',
            name='government',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.government', verbose_name='government'),
        ),
        migrations.AddField(
            model_name='systemauditentry',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor'),
        ),
        migrations.AddIndex(
            model_name='systemauditentry',
            index=models.Index(fields=['object_type', 'object_id'], name='system_audit_object'),
        ),
        migrations.AddConstraint(
            model_name='systemauditentry',
            constraint=models.UniqueConstraint(fields=('sequence',), name='system_audit_sequence'),
        ),
        migrations.AddConstraint(
            model_name='systemauditentry',
            constraint=models.UniqueConstraint(fields=('hash',), name='system_audit_hash'),
        ),
            migrations.RunPython(install, drop),
    ]
