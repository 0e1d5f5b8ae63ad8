"""Hot writes whose row locks are released at the commit, before its disk write (issue 25).

A recording holds its month's cell and its government's audit chain from their first statement
to the commit (every writer of the government waits for the chain), and PostgreSQL releases a
transaction's row locks only once its commit record is on disk: with ``synchronous_commit`` on,
each writer's WAL flush (an ``fdatasync``, several milliseconds on a virtual disk) is inside
every other writer's wait, so one government's writes were serial flushes.

``released_early()`` wraps the writer's transaction. Inside it, the first statement the writer
sends (``statements``, to be joined with its first round trip: ``bulk.together``) makes this
transaction's commit not wait for the flush, so the locks go as soon as the commit record is
written. After the commit, before the caller goes on, one statement of its own makes the WAL
durable up to and past that record: a transactional ``pg_logical_emit_message`` in its own
transaction, whose synchronous commit flushes the whole WAL before it (the WAL is one sequence,
so the flush covers every earlier commit). The writers' flushes then overlap and are shared
(PostgreSQL's group commit) instead of being taken one by one under the chain's lock.

What it keeps: nothing is acknowledged before it is on disk (the caller returns, and the page
says "recorded", only after the flush); if the flush fails the caller gets the error. What it
changes: for those few milliseconds another session may read the committed rows before they are
durable, as with any asynchronous commit; if the server stopped then, they would be gone on
restart together with everything committed after them, and no writer would have been told
they were kept (a later writer's own flush covers its predecessor's commit, so an audit entry
chained onto a lost one is lost with it). Only the outermost transaction on PostgreSQL: inside
a caller's transaction, or on SQLite (one writer at a time anyway), it is a plain ``atomic``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction

from budaya.bulk import Statement

_NO_FLUSH_AT_COMMIT: Statement = ("SET LOCAL synchronous_commit TO off", [])
# A WAL record in a transaction of its own, committed synchronously: its commit flushes the WAL
# up to itself. (A statement that writes nothing would commit without a flush.)
_FLUSH: Statement = ("SELECT pg_logical_emit_message(true, 'budaya', '')", [])


@contextlib.contextmanager
def released_early() -> Iterator[list[Statement]]:
    """``transaction.atomic()`` whose commit releases the row locks before its WAL flush, and
    which waits for the flush on the way out. Yields the statements to send first in it (none
    where the commit is not this block's, or not on PostgreSQL)."""
    own = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()
    )
    with transaction.atomic():
        yield [_NO_FLUSH_AT_COMMIT] if own else []
    if own:
        wait_for_flush()


def wait_for_flush() -> None:
    """Returns once the WAL is on disk up to now (PostgreSQL): every commit before it durable."""
    with connection.cursor() as cursor:
        cursor.execute(*_FLUSH)
