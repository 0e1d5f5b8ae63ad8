"""Inserts of thousands of rows below the ORM (an employee import, its plan, its audit entries).

``bulk_create`` spends most of its time compiling SQL, one ``prepare_value`` per value: on a
15,000-row import that is seconds. These write the values as given, so the caller passes them
ready for the database (``json_value`` for JSON columns, ids for foreign keys): on SQLite one
multi-row INSERT, on PostgreSQL a COPY (a multi-row INSERT there is quoted value by value on
the client and parsed again by the server, several times slower).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def json_value(value: Any, encoder: type[json.JSONEncoder] | None = None) -> str:
    """A value for a JSON column, as JSONField (with that encoder) would store it: its JSON text.

    Django's own adaptation on PostgreSQL is a wrapper that encodes again each time it is
    written; text is what a COPY sends anyway, and a constant ("[]") is then encoded once.
    """
    return json.dumps(value, cls=encoder)


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
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows, returning)
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


def _copy(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    """PostgreSQL's COPY. It returns nothing, so the ids (``returning`` needs "id") are taken
    from the table's sequence first and written with the rows."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            columns = ["id", *columns]
            rows = [(pk, *values) for (pk,), values in zip(cursor.fetchall(), rows, strict=True)]
        names = ", ".join(quote(name) for name in columns)
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
    positions = [list(columns).index(name) for name in returning]
    return [tuple(values[position] for position in positions) for values in rows]
