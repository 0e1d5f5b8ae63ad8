"""The country on Citus: which tables are distributed by government and which are shared, and
the DDL that turns the migrated schema into the distributed one (``manage.py distribution_sql``,
docs/scaling.md).

A tenant table has a non-null ``government`` (column ``government_id``, the distribution
column); every other table is listed in ``REFERENCE`` and replicated to every node. Citus then
requires (``budaya/tests/test_distribution.py`` checks the models against these rules):

1. every primary key and unique key of a distributed table holds ``government_id``: Django keeps
   ``id`` as its primary key, so the DDL makes it ``(government_id, id)`` in the database;
2. a foreign key between two distributed tables holds ``government_id`` on both sides: the DDL
   replaces ``(x_id) -> (id)`` by ``(government_id, x_id) -> (government_id, id)``, so a row and
   the row it points to always share a government (and a shard);
3. a distributed table may point at a reference table, never the reverse;
4. ``government_id`` is never null.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

DISTRIBUTION_FIELD = "government"
DISTRIBUTION_COLUMN = "government_id"

# Shared by every government, small and read everywhere: Citus reference tables. ``app.model``
# of every model without a government, Django's own and the many-to-many tables it creates.
REFERENCE = frozenset(
    {
        "admin.logentry",
        "auth.permission",
        "auth.group",
        "auth.group_permissions",
        "contenttypes.contenttype",
        "sessions.session",
        "accounts.user",
        "accounts.user_groups",
        "accounts.user_user_permissions",
        "accounts.twofactordevice",
        "accounts.recoverycode",
        # Sign-in attempts on unknown identifiers and on accounts of no government (issue 17).
        "accounts.systemsigninattempt",
        # The system chain of the audit trail: changes that belong to no government.
        "accounts.systemauditchain",
        "accounts.systemauditentry",
        "org.government",
        # A user's choice of delivery (issue 20): like the user, of no single government.
        "notifications.preference",
        # The queue of background tasks (django-tasks-db; issue 23): no government, a few rows
        # a day. Under Citus a local table of the coordinator would spare its writes the
        # replication; a reference table is correct and simpler.
        "django_tasks_database.dbtaskresult",
        "frameworks.regulation",
        "frameworks.valueframework",
        "frameworks.frameworkversion",
        "frameworks.corevalue",
        "frameworks.behaviourguide",
        "frameworks.behaviourmanifestation",
        # The national Indeks BerAKHLAK by year, a reference figure (issue 22).
        "surveys.nationalindex",
    }
)


# The first distributed table, which every other one is co-located with: the agencies.
ANCHOR = "org.unit"


def every_model() -> list[type[models.Model]]:
    """Every model with a table, the implicit many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def is_tenant(model: type[models.Model]) -> bool:
    """Whether the model carries a government: a concrete foreign key to ``org.Government``."""
    try:
        field = model._meta.get_field(DISTRIBUTION_FIELD)
    except FieldDoesNotExist:
        return False
    return bool(
        field.concrete
        and field.many_to_one
        and field.related_model is not None
        and field.related_model._meta.label_lower == "org.government"
    )


def foreign_keys(model: type[models.Model]) -> Iterator[models.ForeignKey[Any, Any]]:
    """The model's foreign keys that exist in the database (``db_constraint``)."""
    for field in model._meta.local_concrete_fields:
        if isinstance(field, models.ForeignKey) and field.db_constraint:  # type: ignore[attr-defined]
            yield field


def is_composite(field: models.ForeignKey[Any, Any]) -> bool:
    """A key between two tenant tables other than the government itself: composite in Citus."""
    return (
        field.name != DISTRIBUTION_FIELD
        and is_tenant(field.model)
        and is_tenant(field.related_model)  # type: ignore[arg-type]
    )


class DistributionError(Exception):
    """The schema breaks a rule the distributed layout needs."""


@dataclass(frozen=True)
class Plan:
    reference: list[type[models.Model]]
    distributed: list[type[models.Model]]


def plan() -> Plan:
    """Every table, reference ones first, each after the tables it points at."""
    tables = every_model()
    unknown = [m._meta.label_lower for m in tables if not is_tenant(m) and not _is_reference(m)]
    if unknown:
        raise DistributionError(f"neither tenant nor reference: {', '.join(sorted(unknown))}")
    graph: dict[type[models.Model], set[type[models.Model]]] = {}
    for model in tables:
        targets = {field.related_model for field in foreign_keys(model)}
        graph[model] = {t for t in targets if t is not model and isinstance(t, type)}
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    order: list[type[models.Model]] = []
    while sorter.is_active():
        # Deterministic: the anchor as soon as it is ready, then by name.
        ready = sorted(
            sorter.get_ready(), key=lambda m: (m._meta.label_lower != ANCHOR, m._meta.label_lower)
        )
        order.extend(ready)
        sorter.done(*ready)
    reference = [m for m in order if not is_tenant(m)]
    distributed = [m for m in order if is_tenant(m)]
    return Plan(reference, distributed)


def _is_reference(model: type[models.Model]) -> bool:
    return model._meta.label_lower in REFERENCE


def statements(connection: Any) -> list[str]:
    """The DDL, in order, against the database of ``connection`` (PostgreSQL, migrated).

    Foreign keys are dropped first and added back last, composite between tenant tables, so
    that ``create_distributed_table`` meets no key to a table not yet distributed. Constraint
    names are read from the database (migrations may have named them otherwise).
    """
    if connection.vendor != "postgresql":
        raise DistributionError("the distributed layout is PostgreSQL's (Citus)")
    layout = plan()
    models_in_order = [*layout.reference, *layout.distributed]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        constraints = {
            model: connection.introspection.get_constraints(cursor, model._meta.db_table)
            for model in models_in_order
        }
    drops: list[str] = []
    adds: list[str] = []
    with connection.schema_editor(collect_sql=True) as editor:
        for model in models_in_order:
            for field in foreign_keys(model):
                name = _foreign_key_name(constraints[model], field)
                table = quote(model._meta.db_table)
                drops.append(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)};")
                adds.append(_add_foreign_key(editor, quote, name, field))
    keys: list[str] = []
    for model in layout.distributed:
        keys.extend(_primary_key(quote, model, constraints[model]))
    citus = [f"SELECT create_reference_table('{m._meta.db_table}');" for m in layout.reference]
    anchor, *colocated = [model._meta.db_table for model in layout.distributed]
    citus.append(f"SELECT create_distributed_table('{anchor}', '{DISTRIBUTION_COLUMN}');")
    citus.extend(
        f"SELECT create_distributed_table('{table}', '{DISTRIBUTION_COLUMN}', "
        f"colocate_with => '{anchor}');"
        for table in colocated
    )
    return [*drops, *keys, *citus, *adds]


def _foreign_key_name(found: dict[str, Any], field: models.ForeignKey[Any, Any]) -> str:
    target = (field.target_field.model._meta.db_table, field.target_field.column)
    for name, constraint in found.items():
        if constraint["columns"] == [field.column] and constraint["foreign_key"] == target:
            return name
    raise DistributionError(f"{_label(field)}: no foreign key in the database")


def _add_foreign_key(editor: Any, quote: Any, name: str, field: models.ForeignKey[Any, Any]) -> str:
    target = field.target_field
    columns, to_columns = [field.column], [target.column]
    if is_composite(field):
        if not target.primary_key:
            raise DistributionError(f"{_label(field)}: not to a primary key")
        columns.insert(0, DISTRIBUTION_COLUMN)
        to_columns.insert(0, DISTRIBUTION_COLUMN)
    on_delete = editor._create_on_delete_sql(field.model, field)
    if is_composite(field) and "SET" in on_delete:
        # SET NULL would null the distribution column too; Citus refuses it.
        raise DistributionError(f"{_label(field)}: ON DELETE SET in the database")
    sql = editor.sql_create_fk % {
        "table": quote(field.model._meta.db_table),
        "name": quote(name),
        "column": ", ".join(quote(column) for column in columns),
        "to_table": quote(target.model._meta.db_table),
        "to_column": ", ".join(quote(column) for column in to_columns),
        "on_delete_db": on_delete,
        "deferrable": editor.connection.ops.deferrable_sql(),
    }
    return f"{sql};"


def _primary_key(quote: Any, model: type[models.Model], found: dict[str, Any]) -> list[str]:
    table = quote(model._meta.db_table)
    for name, constraint in found.items():
        unique = constraint["unique"] and not constraint["primary_key"]
        if unique and DISTRIBUTION_COLUMN not in constraint["columns"]:
            raise DistributionError(f"{table}: unique key {name} without {DISTRIBUTION_COLUMN}")
    (name,) = [name for name, constraint in found.items() if constraint["primary_key"]]
    columns = f"{quote(DISTRIBUTION_COLUMN)}, {quote(model._meta.pk.column)}"  # type: ignore[union-attr]
    return [
        f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)};",
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} PRIMARY KEY ({columns});",
    ]


def _label(field: models.Field[Any, Any]) -> str:
    return f"{field.model._meta.label}.{field.name}"
