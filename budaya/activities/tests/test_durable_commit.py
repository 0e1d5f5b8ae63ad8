"""The hot write's commit (issue 25 item 2, ``budaya/commits.py``): its row locks are released
before its WAL flush, and the service returns, so the page says "recorded", only once the WAL is
on disk past its commit. Inside a caller's transaction nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from budaya import commits
from budaya.activities.models import Activity
from budaya.activities.services import create_activity

pytestmark = pytest.mark.django_db(transaction=True)


def _record(world, forms, day=1):
    return create_activity(
        government=world.government,
        data={
            "unit": world.agency,
            "form": forms["apel-pagi"],
            "date": datetime.date(2025, 3, day),
            "title": "Apel pagi",
            "status": "done",
        },
        actor=None,
    )


def _lsn(function):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}()")
        return cursor.fetchone()[0]


def _lsn_ge(left, right):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::pg_lsn >= %s::pg_lsn", [left, right])
        return cursor.fetchone()[0]


def test_a_recording_commits_without_waiting_then_waits_for_its_flush(world, serang_rules):
    forms, _t, _a = serang_rules
    with CaptureQueriesContext(connection) as queries:
        _record(world, forms)
    sql = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "sqlite":  # one writer at a time, each commit its own: unchanged
        assert not [text for text in sql if "synchronous_commit" in text or "emit" in text]
        return
    # The first round trip under the locks starts by letting its commit go without the flush...
    (first,) = [text for text in sql if "synchronous_commit" in text]
    assert first.startswith("SET LOCAL synchronous_commit TO off; INSERT INTO")
    assert "FOR UPDATE" in first  # ...and holds the chain's lock, as before
    # ...and the service's last statement, after the commit, waits for the flush.
    assert sql[-1] == "SELECT pg_logical_emit_message(true, 'budaya', '')"
    # The setting was the transaction's own: the connection commits synchronously again.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_the_service_returns_only_once_its_commit_is_on_disk(world, serang_rules, monkeypatch):
    """The WAL position just after the commit (before the flush is asked for) is flushed by the
    time the service returns."""
    forms, _t, _a = serang_rules
    committed: list[str] = []
    wait = commits.wait_for_flush

    def after_commit() -> None:
        committed.append(_lsn("pg_current_wal_insert_lsn"))
        wait()

    monkeypatch.setattr(commits, "wait_for_flush", after_commit)
    _record(world, forms)
    if connection.vendor == "sqlite":  # its commit is durable when it returns: nothing after
        assert committed == []
        return
    assert _lsn_ge(_lsn("pg_current_wal_flush_lsn"), committed[0])


def test_inside_a_callers_transaction_the_commit_is_the_callers(world, serang_rules):
    """A recording inside another transaction (a command, an import) neither changes how that
    transaction commits nor asks for a flush of its own."""
    forms, _t, _a = serang_rules
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        _record(world, forms)
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [text for text in sql if "synchronous_commit" in text]
    assert not [text for text in sql if "pg_logical_emit_message" in text]
    assert Activity.objects.filter(government=world.government).count() == 1


def test_a_write_that_fails_asks_for_no_flush_and_keeps_nothing(world, serang_rules):
    forms, _t, _a = serang_rules
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ValueError),
        commits.released_early() as first,
    ):
        _record(world, forms)  # inside: its commit is this block's
        assert first == ([commits._NO_FLUSH_AT_COMMIT] if connection.vendor == "postgresql" else [])
        raise ValueError("stopped")
    assert not Activity.objects.filter(government=world.government).exists()
    assert not [text["sql"] for text in queries.captured_queries if "emit_message" in text["sql"]]
