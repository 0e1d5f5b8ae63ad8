"""Inserts of thousands of rows below the ORM (an employee import, its plan, its audit entries).

``bulk_create`` spends most of its time compiling SQL, one ``prepare_value`` per value: on a
15,000-row import that is seconds. These write the values as given, so the caller passes them
ready for the database (``json_value`` for JSON columns, ids for foreign keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def json_value(value: Any) -> Any:
    """A value for a JSON column, as JSONField (without an encoder) would store it."""
    return connection.ops.adapt_json_value(value, None)


def insert(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """One multi-row INSERT (a single round trip on SQLite and PostgreSQL alike).

    With ``returning``, those columns of the rows written, in no promised order: match them by
    a key, not by position.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Identifiers come from the calling code, never from input; every value is a parameter.
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES " + ", ".join([row] * len(rows))  # noqa: S608
    if returning:
        sql += " RETURNING " + ", ".join(quote(name) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for values in rows for value in values])
        return [tuple(found) for found in cursor.fetchall()] if returning else []
