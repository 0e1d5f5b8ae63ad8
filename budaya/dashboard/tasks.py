"""Background tasks of the dashboard (the task runner: budaya/tasks.py; in production the
database queue, so a requested report survives a restart)."""

from __future__ import annotations

from django.tasks import task

from budaya.dashboard import services


@task
def make_leadership_report(report_id: int) -> None:
    services.make_report(report_id)
