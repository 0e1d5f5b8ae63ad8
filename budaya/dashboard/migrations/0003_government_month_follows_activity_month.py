"""``GovernmentMonth`` kept by the database from ``ActivityMonth`` (issue 25 item 2): a row
trigger moves a government's month with every change of one of its cells' ``done``, in the
statement that made it (``budaya/dashboard/rollup.py``); the hot write's own upsert of the month
goes. The application's code, as in 0001; ``DashboardConfig`` installs the trigger again after
every migrate."""

from django.db import migrations


def install(apps, schema_editor):
    """The trigger, then every government's months recomputed from its cells: from here on the
    trigger only moves them."""
    from budaya.dashboard import rollup
    from budaya.org.models import Government

    rollup.install_trigger(schema_editor.connection)
    for government in Government.objects.all():
        rollup.rebuild(government)


def drop(apps, schema_editor):
    from budaya.dashboard import rollup

    rollup.drop_trigger(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_leadership_report"),
        ("activities", "0006_activity_value_month_and_choices"),
    ]

    operations = [migrations.RunPython(install, drop)]
