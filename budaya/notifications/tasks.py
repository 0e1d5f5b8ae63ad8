"""Background tasks of the notifications (the task runner: budaya/tasks.py, production's
database queue, so a queued e-mail survives a restart)."""

from __future__ import annotations

from django.tasks import task

from budaya.notifications import services


@task
def send_email(email_id: int) -> None:
    services.send_email(email_id)
