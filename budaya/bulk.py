"""Inserts of thousands of rows below the ORM (an employee import's plan, its audit entries).

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

from django.db import connection, transaction


def json_value(value: Any, encoder: type[json.JSONEncoder] | None = None) -> str:
    """A value for a JSON column, as JSONField (with that encoder) would store it: its JSON text.

    Django's own adaptation on PostgreSQL is a wrapper that encodes again each time it is
    written; text is what a COPY sends anyway, and a constant ("[]") is then encoded once.
    """
    return json.dumps(value, cls=encoder)


def insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """One multi-row INSERT on SQLite, one COPY on PostgreSQL (a single round trip each)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            return
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        # Identifiers come from the calling code, never from input; every value is a parameter.
        with transaction.atomic():  # one transaction for the batch, not one per row
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES {row}", rows)  # noqa: S608
