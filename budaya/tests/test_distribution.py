"""Distribution readiness (Citus, distribution column ``government_id``; docs/scaling.md).

Every model is a tenant table (non-null government, unique keys with the government, keys to
other tenant tables that can become composite) or a reference table listed in
``budaya.distribution.REFERENCE`` (no key into tenant data). On PostgreSQL the generated DDL is
applied and the demo is written through the services under the composite keys.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, models

from budaya import distribution
from budaya.org.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _unique_keys(model: type[models.Model]) -> list[tuple[str, list[str]]]:
    """(what, field names) of every unique key: fields, unique_together, unique constraints."""
    meta = model._meta
    keys = [
        (f"field {field.name}", [field.name])
        for field in meta.local_concrete_fields
        if field.unique and not field.primary_key
    ]
    keys += [(f"unique_together {names}", list(names)) for names in meta.unique_together]
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            if constraint.expressions:
                keys.append((f"constraint {constraint.name} (expressions)", []))
            else:
                keys.append((f"constraint {constraint.name}", list(constraint.fields)))
    return keys


def _tenant_problems(model: type[models.Model]) -> list[str]:
    label = _label(model)
    problems = []
    if model._meta.get_field(distribution.DISTRIBUTION_FIELD).null:
        problems.append(f"{label}: government may be null (rule 4)")
    for what, fields in _unique_keys(model):
        if distribution.DISTRIBUTION_FIELD not in fields:
            problems.append(f"{label}: {what} without government (rule 1)")
    for field in distribution.foreign_keys(model):
        target = field.related_model
        if distribution.is_composite(field) and not field.target_field.primary_key:
            problems.append(f"{label}.{field.name}: to a tenant table, not to its key (rule 2)")
        if not distribution.is_tenant(target) and _label(target) not in distribution.REFERENCE:  # type: ignore[arg-type]
            problems.append(f"{label}.{field.name}: to a table neither tenant nor reference")
    return problems


def _reference_problems(model: type[models.Model]) -> list[str]:
    return [
        f"{_label(model)}.{field.name}: a reference table's key into tenant data (rule 3)"
        for field in distribution.foreign_keys(model)
        if distribution.is_tenant(field.related_model)  # type: ignore[arg-type]
    ]


def test_every_model_is_a_distribution_ready_tenant_table_or_a_listed_reference_table():
    problems: list[str] = []
    seen = set()
    for model in distribution.every_model():
        label = _label(model)
        seen.add(label)
        listed = label in distribution.REFERENCE
        if distribution.is_tenant(model):
            if listed:
                problems.append(f"{label}: has a government but is listed as reference")
            problems.extend(_tenant_problems(model))
        elif listed:
            problems.extend(_reference_problems(model))
        else:
            problems.append(
                f"{label}: neither a tenant table (add a non-null government, e.g. inherit "
                "org.models.TenantModel) nor listed in budaya.distribution.REFERENCE"
            )
    problems.extend(
        f"{label}: listed as reference but no such model"
        for label in sorted(distribution.REFERENCE - seen)
    )
    assert problems == []


def test_the_tenant_tables_are_the_government_data_and_the_shared_data_is_reference():
    layout = distribution.plan()
    distributed = {_label(model) for model in layout.distributed}
    reference = {_label(model) for model in layout.reference}
    # Spot checks of the classification the docs describe.
    assert {"org.unit", "org.employee", "accounts.rolegrant", "accounts.auditentry"} <= distributed
    assert {"activities.activity", "monev.report", "teams.decree"} <= distributed
    assert {"org.government", "accounts.user", "frameworks.corevalue"} <= reference
    assert {"accounts.systemauditentry", "contenttypes.contenttype"} <= reference
    assert _label(layout.distributed[0]) == distribution.ANCHOR
    # Each table comes after every table it points at (Citus needs the target first).
    order = [*layout.reference, *layout.distributed]
    position = {model: index for index, model in enumerate(order)}
    for model in order:
        for field in distribution.foreign_keys(model):
            target = field.related_model
            assert target is model or position[target] < position[model], (model, field.name)


def _apply_distribution_ddl() -> list[str]:
    """The generated DDL in the test's transaction, Citus's functions as no-op stand-ins."""
    statements = distribution.statements(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.create_reference_table(regclass) RETURNS void "
            "LANGUAGE sql AS ''"
        )
        cursor.execute(
            "CREATE FUNCTION pg_temp.create_distributed_table(regclass, text, "
            "colocate_with text DEFAULT 'default') RETURNS void LANGUAGE sql AS ''"
        )
        for statement in statements:
            cursor.execute(re.sub(r"^SELECT (create_\w+_table)", r"SELECT pg_temp.\1", statement))
        # Keys are checked at each write, not at a commit this test never reaches.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return statements


def _catalogue_problems() -> list[str]:
    """The Citus rules read back from PostgreSQL's catalogue after the DDL."""
    layout = distribution.plan()
    distributed = {model._meta.db_table for model in layout.distributed}
    reference = {model._meta.db_table for model in layout.reference}
    problems = []
    with connection.cursor() as cursor:
        for table in sorted(distributed | reference):
            constraints = connection.introspection.get_constraints(cursor, table)
            for name, constraint in constraints.items():
                columns = constraint["columns"]
                target = constraint["foreign_key"]
                if table in distributed:
                    if constraint["unique"] and distribution.DISTRIBUTION_COLUMN not in columns:
                        problems.append(f"{table}.{name}: unique without government_id")
                    if target and target[0] in distributed and columns[0] != "government_id":
                        problems.append(f"{table}.{name}: key to {target[0]} not composite")
                elif target and target[0] in distributed:
                    problems.append(f"{table}.{name}: reference table points at {target[0]}")
            cursor.execute(
                "SELECT is_nullable FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'government_id'",
                [table],
            )
            nullable = cursor.fetchone()
            if table in distributed and nullable != ("NO",):
                problems.append(f"{table}: government_id nullable or missing")
    return problems


def test_the_generated_ddl_distributes_the_schema_and_the_writes_keep_its_keys():
    layout = distribution.plan()
    if connection.vendor != "postgresql":
        # The DDL is PostgreSQL's; the command says so rather than printing something wrong.
        with pytest.raises(distribution.DistributionError):
            distribution.statements(connection)
        return
    statements = _apply_distribution_ddl()
    calls = [s for s in statements if s.startswith("SELECT create_")]
    assert len(calls) == len(layout.reference) + len(layout.distributed)
    assert calls[len(layout.reference)] == (
        "SELECT create_distributed_table('org_unit', 'government_id');"
    )
    assert _catalogue_problems() == []

    # The application's writes under the composite keys: the demo of every app, written
    # through the services (governments, agencies, employees, logins, teams and decrees,
    # programmes, activities with evidence, monev reports in every state).
    seed_demo(password="distribution-test-password", staff_per_agency=2)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("The audit trail is whole")
    written = set()
    with connection.cursor() as cursor:
        for model in layout.distributed:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {model._meta.db_table})")  # noqa: S608
            if cursor.fetchone()[0]:
                written.add(_label(model))
    # Rows that passed the composite keys, in the tables of each kind of write.
    assert {
        "org.unit",
        "org.employee",
        "accounts.rolegrant",
        "accounts.auditentry",
        "accounts.auditchain",
        "teams.team",
        "teams.membership",
        "teams.decree",
        "programme.programme",
        "activities.activity",
        "activities.activityevidence",
        "activities.evidence",
        "monev.report",
        "monev.reportrow",
        "monev.reportversion",
        "monev.transition",
    } <= written
