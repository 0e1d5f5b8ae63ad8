"""Queued e-mails survive a restart (issue 20, issue 23's production path): the event is
recorded, the process that recorded it goes away before anything is sent, and a worker
started afterwards (``manage.py db_worker`` on the database queue) sends it, once."""

from __future__ import annotations

import pytest

from budaya.accounts.models import Role
from budaya.events import announce
from budaya.notifications.models import Email, Notification

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "django_tasks_db.DatabaseBackend"


def test_an_event_recorded_before_a_crash_is_still_sent(task_backend, db_worker, world):
    task_backend(QUEUE)
    team = world.user(Role.UNIT_TEAM)
    team.email = "tim@example.id"
    team.save()
    announce(
        kind="monev.report.returned",
        government_id=world.government.pk,
        recipient_ids=[team.pk],
        url="/monev/",
        key="report:7:returned",
        context={"period": "Monev 2025", "reason": "Lampirkan daftar hadir"},
    )
    # Recorded and queued in the database; no process has sent it (the web process is gone).
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    assert Notification.objects.filter(recipient=team).count() == 1
    # A worker started after the restart finds the task in the queue and sends it.
    assert db_worker("--batch").wait(timeout=120) == 0
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 1)
    # The same event announced again: nothing more to send.
    announce(
        kind="monev.report.returned",
        government_id=world.government.pk,
        recipient_ids=[team.pk],
        url="/monev/",
        key="report:7:returned",
    )
    assert Email.objects.count() == 1
