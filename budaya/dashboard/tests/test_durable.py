"""A leadership report asked for before a restart is still made (issue 20 item 4, issue 23's
production path): the request queues it in the database and goes away; a worker started
afterwards (``manage.py db_worker`` on the database queue) makes it, once."""

from __future__ import annotations

import datetime

import pytest

from budaya.accounts.models import Role
from budaya.dashboard import services
from budaya.dashboard.models import LeadershipReport
from budaya.monev.models import Period

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "django_tasks_db.DatabaseBackend"


def test_a_report_asked_for_before_a_restart_is_made_by_the_next_worker(
    task_backend, db_worker, world
):
    task_backend(QUEUE)
    period = Period.objects.create(
        government=world.government,
        kind=Period.Kind.BERKALA,
        year=2025,
        title="Monev 2025",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 8, 31),
    )
    report = services.request_report(
        period=period, actor=world.user(Role.LEADERSHIP), base_url="http://budaya.example"
    )
    # Queued in the database; no process has made it (the web process is gone).
    report.refresh_from_db()
    assert report.status == LeadershipReport.Status.QUEUED and report.waiting
    assert db_worker("--batch").wait(timeout=240) == 0
    report.refresh_from_db()
    assert report.status == LeadershipReport.Status.READY, report.error
    assert report.verify() and report.pages >= 1
