"""Every tenant table of accounts has a government: role grants, audit entries, chain heads.
Unique keys of audit entries hold the government (Citus: docs/scaling.md); the user's link to an
employee has no database constraint (a reference table may not point into a distributed one)."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    # SQLite rebuilds the altered table, which drops its triggers: put them back.
    from budaya.accounts.audit import TABLE, install_triggers

    install_triggers(schema_editor.connection, TABLE)


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
