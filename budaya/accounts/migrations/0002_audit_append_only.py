"""Audit entries are append-only below the ORM too: the database refuses UPDATE and DELETE."""

from django.db import migrations


def install(apps, schema_editor):
    from budaya.accounts.audit import install_triggers

    install_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    from budaya.accounts.audit import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(install, drop)]
