"""Inserts of thousands of rows below the ORM (an employee import's plan, its audit entries).

``bulk_create`` spends most of its time compiling SQL, one ``prepare_value`` per value: on a
15,000-row import that is seconds. These write the values as given, so the caller passes them
ready for the database (``json_value`` for JSON columns, ids for foreign keys): on SQLite one
prepared INSERT run for every row in one transaction, on PostgreSQL a COPY (a multi-row INSERT
there is quoted value by value on the client and parsed again by the server, several times
slower).
"""

from __future__ import annotations

import functools
import itertools
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

import orjson
from django.db import connection, models, transaction
from django.db.models import QuerySet, sql


def json_value(value: Any) -> str:
    """A value for a JSON column: its JSON text, as JSONField would store it (the same values
    read back). Encoded by orjson, several times faster than ``json`` for the thousands of
    rows of an import's plan; Django's adaptation on PostgreSQL would also encode it again each
    time it is written. Not for text that is hashed (the audit trail's canonical JSON)."""
    return orjson.dumps(value).decode()


# Up to this many rows, PostgreSQL gets a multi-row INSERT instead of a COPY.
FEW = 20

# Rows per executemany on SQLite when they come from an iterator.
CHUNK = 1000

# One SQL statement and its parameters.
Statement = tuple[str, Sequence[Any]]


def _results(statements: Sequence[Statement]) -> Iterator[list[tuple[Any, ...]] | None]:
    """Each statement's rows, in order (None for one that returns none): in one round trip on
    PostgreSQL (see ``together``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            cursor.execute(
                "; ".join(sql for sql, _ in statements),
                [value for _, parameters in statements for value in parameters],
            )
            while True:
                yield list(cursor.fetchall()) if cursor.description else None
                if not cursor.nextset():
                    return
        for sql, parameters in statements:
            cursor.execute(sql, parameters)
            yield list(cursor.fetchall()) if cursor.description else None


def together(statements: Sequence[Statement]) -> list[tuple[Any, ...]]:
    """The statements in order, and the rows the last one returns (none if it returns none).

    On PostgreSQL they go in one round trip: Django's cursor binds parameters on the client
    (psycopg's ``ClientCursor``), so several statements joined by ``;`` travel as one query and
    run in order in the caller's transaction, as if sent one by one. Inside a row lock held to
    the commit (a month's cell, an audit chain: issue 25's hot write), each round trip saved is
    time every other writer of that row no longer waits. SQLite takes one statement per call:
    there they run one after the other (its writers are serial anyway)."""
    rows = None
    for rows in _results(statements):  # noqa: B007 - the last one's
        pass
    return rows or []


def new_rows(objs: Sequence[models.Model], *, returning: bool = True) -> Statement:
    """The INSERT of the new ``objs`` (of one model) as ``Model.save`` would write them (each
    field's ``pre_save``: the times of ``auto_now``), not run; ``returning``: their keys
    returned, in order. Its text is made once per model and number of rows: compiling an
    ``InsertQuery`` for each write is most of what an ORM insert costs (issue 25's hot write
    makes four)."""
    model = type(objs[0])
    text, fields = _insert_text(model, connection.vendor, len(objs), returning)
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    return text, values


@functools.cache
def _insert_text(
    model: type[models.Model], vendor: str, count: int, returning: bool
) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    meta = model._meta
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not field.generated
    )
    q = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    text = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(str(f.column)) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([row] * count)}"
    )
    if returning:
        text += f" RETURNING {q(str(meta.pk.column))}"  # type: ignore[union-attr]
    return text, fields


def save_new(*groups: Sequence[models.Model]) -> None:
    """The new objects of each group (one model each) inserted, in one round trip on
    PostgreSQL, and given their keys: for a write whose first rows reference nothing made in the
    same write (an activity and its evidence, before what links them)."""
    groups = tuple(group for group in groups if group)
    for group, rows in zip(groups, _results([new_rows(group) for group in groups]), strict=True):
        assert rows is not None
        for obj, (key,) in zip(group, rows, strict=True):
            obj.pk = key
            obj._state.adding, obj._state.db = False, connection.alias


def update_statement(queryset: QuerySet[Any], **values: Any) -> Statement:
    """The statement ``queryset.update(**values)`` runs, not run: for ``together``."""
    query = cast(sql.UpdateQuery, queryset.query.chain(sql.UpdateQuery))
    query.add_update_values(values)
    query.annotations = {}
    text, parameters = query.get_compiler(queryset.db).as_sql()
    return text, parameters


def insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    then: Sequence[Statement] = (),
) -> int:
    """The rows, in one transaction: a COPY on PostgreSQL; on SQLite one prepared single-row
    INSERT for them all (``executemany``). A multi-row INSERT there would be a new statement for
    each number of rows, and sqlite3 keeps each in its cache, a megabyte or two apiece: memory
    that grew with the number of batches of an import. ``then``: statements run after the rows
    (in the same round trip as a few rows' INSERT on PostgreSQL, see ``together``). Returns the
    number of rows written.

    ``rows`` may be an iterator: it is consumed as the rows are sent, so that the database
    server stores the first rows of a COPY while the caller still makes the next ones (issue
    23: an import's audit entries, hashed one by one, cost the server as much as the hashing
    costs Python; streamed, the two overlap on two cores instead of following each other)."""
    if isinstance(rows, Sequence) and len(rows) <= FEW:
        if not rows:
            together(then)
            return 0
        if connection.vendor == "postgresql":
            # A few rows (a recording's audit entries, issue 25): one INSERT, one round trip
            # with what follows it; a COPY takes two.
            together([_insert_rows(table, columns, rows), *then])
            return len(rows)
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    written = 0

    def counted() -> Iterator[Sequence[Any]]:
        nonlocal written
        for values in rows:
            written += 1
            yield values

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for values in counted():
                    copy.write_row(values)
        else:
            row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            # Identifiers come from the calling code, never from input; every value is a
            # parameter. One transaction for the batch, not one per row; inside the caller's,
            # no savepoint.
            # In chunks of a known length (Django's query log counts them).
            with transaction.atomic(savepoint=False):
                for chunk in itertools.batched(counted(), CHUNK, strict=False):
                    cursor.executemany(
                        f"INSERT INTO {quote(table)} ({names}) VALUES {row}",  # noqa: S608
                        chunk,
                    )
    together(then)
    return written


def _insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Statement:
    """One multi-row INSERT of ``rows``."""
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(name) for name in columns)}) VALUES "  # noqa: S608
        + ", ".join([row] * len(rows)),
        [value for values in rows for value in values],
    )


class Committer:
    """Batches of rows for one table, each inserted (``insert``) and committed on its own: by a
    thread with a connection of its own on PostgreSQL, so that the server stores one batch
    while the caller makes the next; at once in the caller's connection on SQLite (one
    process: nothing to overlap) and inside a transaction (the thread's connection would not
    see what the transaction wrote, nor be undone with it).

    For work that is not one transaction and whose rows nothing reads until ``wait`` or the
    end (issue 23: an import's dry run, whose plan the page shows when it is all there). At most
    two batches wait for the thread: memory stays bounded when the server is the slower side.
    An error of the thread is raised in the caller at its next ``insert``, ``wait`` or the end.
    """

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table, self.columns = table, columns
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[Sequence[Sequence[Any]] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None

    def __enter__(self) -> Committer:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name="budaya-committer")
            self._thread.start()
        return self

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        if self._thread is None:
            insert(self.table, self.columns, rows)
            return
        self._raise()
        self._queue.put(rows)

    def wait(self) -> None:
        """Until every batch given so far is committed."""
        if self._thread is not None:
            self._queue.join()
            self._raise()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join()
        if kind is None:  # else the caller's own error goes on, not the thread's
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while (rows := self._queue.get()) is not None:
                try:
                    if self._error is None:  # after an error the rest is dropped
                        insert(self.table, self.columns, rows)
                except BaseException as error:  # raised in the caller
                    self._error = error
                finally:
                    self._queue.task_done()
            self._queue.task_done()
        finally:
            connection.close()  # this thread's own
