"""The employees list read from an index (government, name, pk), and on PostgreSQL the search's
`LIKE '%...%'` on the normalised name and the position answered by trigram indexes (pg_trgm,
where the server has the extension), the NIP prefixes by pattern indexes (issue 25)."""

from django.db import DatabaseError, migrations, models, transaction

TRIGRAM_INDEXES = [
    "CREATE INDEX IF NOT EXISTS employee_name_search_trgm ON org_employee "
    "USING gin (name_search gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS employee_position_trgm ON org_employee "
    "USING gin (upper(position_name) gin_trgm_ops)",
]
PREFIX_INDEXES = [
    "CREATE INDEX IF NOT EXISTS employee_nip_prefix ON org_employee (nip varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS employee_ni_pppk_prefix ON org_employee "
    "(ni_pppk varchar_pattern_ops)",
]
NAMES = [
    "employee_name_search_trgm",
    "employee_position_trgm",
    "employee_nip_prefix",
    "employee_ni_pppk_prefix",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:  # a role that may not create the extension searches without the trigram indexes
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        statements = PREFIX_INDEXES
    else:
        statements = [*TRIGRAM_INDEXES, *PREFIX_INDEXES]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0012_letterhead"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="employee",
            index=models.Index(fields=["government", "name", "id"], name="employee_by_name"),
        ),
        migrations.RunPython(create, drop),
    ]
