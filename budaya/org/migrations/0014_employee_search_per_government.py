"""The employee search's trigrams kept per government (issue 25, item 3): the trigram indexes of
0013 held every government's names, so one government's search read the others' matches. They
are replaced by trigram indexes over the names marked with their government
(``budaya.org.search``), and the NIP prefix indexes are led by the government."""

import importlib

from django.db import migrations

OLD = [
    "employee_name_search_trgm",
    "employee_position_trgm",
    "employee_nip_prefix",
    "employee_ni_pppk_prefix",
]


def forward(apps, schema_editor):
    from budaya.org import search

    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    search.install(schema_editor.connection)


def backward(apps, schema_editor):
    from budaya.org import search

    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*search.INDEX_NAMES, "employee_nip_prefix", "employee_ni_pppk_prefix"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    importlib.import_module("budaya.org.migrations.0013_employee_list_indexes").create(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0013_employee_list_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
