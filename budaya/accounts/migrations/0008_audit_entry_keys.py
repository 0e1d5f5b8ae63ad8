"""Audit entries are keyed (issue 17): the id of the key and the HMAC of each entry.

Entries already there keep an empty key id (the key is not in the database, so a migration
cannot sign them): ``verify_audit`` checks them by their hashes and by the first keyed entry
after them (``manage.py rekey_audit`` appends one). SQLite rebuilds both tables for the new
columns, which drops their triggers: they are made again here, and TRUNCATE is refused on
PostgreSQL from now on (frozen SQL; the post_migrate handler of budaya.accounts makes the same).
"""

from django.db import migrations, models

TABLES = ("accounts_auditentry", "accounts_systemauditentry")


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
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()",
        ],
    }


def install(apps, schema_editor):
    for table in TABLES:
        for statement in _create(table).get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)


def drop_truncate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_sign_in_attempts_recovery_codes_encrypted_totp'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='systemauditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='systemauditentry',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.RunPython(install, drop_truncate_triggers),
    ]
