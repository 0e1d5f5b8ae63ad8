"""The employee search's indexes led by the government (issue 25 item 3), on PostgreSQL.

Among the 25 governments of a province in one database, a search of one government's employees
read the trigram index of the names, which holds every government's: 3,077 matches of "aditya"
for the government's 176, or the planner scanned the government's 15,000 employees one by one
(9.6 ms where the city alone took 0.9). The search is now a union of one query per way of
matching (``org.selectors.employees_of``), each answered from an index whose first column is the
government: trigram indexes with the government in them (the btree_gin extension, as pg_trgm
trusted since PostgreSQL 13), and the NIP prefixes by (government, number). Where an extension
cannot be created, the indexes of 0013 stay.
"""

from importlib import import_module

from django.db import DatabaseError, migrations, transaction

OLD_TRIGRAM = ["employee_name_search_trgm", "employee_position_trgm"]
NEW_TRIGRAM = [
    "CREATE INDEX IF NOT EXISTS employee_name_search_by_government ON org_employee "
    "USING gin (government_id, name_search gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS employee_position_by_government ON org_employee "
    "USING gin (government_id, upper(position_name) gin_trgm_ops)",
]
OLD_PREFIX = ["employee_nip_prefix", "employee_ni_pppk_prefix"]
NEW_PREFIX = [
    "CREATE INDEX IF NOT EXISTS employee_nip_by_government ON org_employee "
    "(government_id, nip varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS employee_ni_pppk_by_government ON org_employee "
    "(government_id, ni_pppk varchar_pattern_ops)",
]
NEW_NAMES = [
    "employee_name_search_by_government",
    "employee_position_by_government",
    "employee_nip_by_government",
    "employee_ni_pppk_by_government",
]


def _has_extension(schema_editor, name):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
        return cursor.fetchone() is not None


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_PREFIX:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in NEW_PREFIX:
        schema_editor.execute(statement)
    if not _has_extension(schema_editor, "pg_trgm"):
        return  # 0013 could not create it: no trigram index to replace
    try:  # a role that may not create the extension keeps the trigram indexes of 0013
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError:
        return
    for statement in NEW_TRIGRAM:
        schema_editor.execute(statement)
    for name in OLD_TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop(apps, schema_editor):
    """Back to the indexes of 0013."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NEW_NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    import_module("budaya.org.migrations.0013_employee_list_indexes").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0013_employee_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
