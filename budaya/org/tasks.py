"""Background tasks of the organisation registry (the embedded runner: budaya.tasks)."""

from __future__ import annotations

from django.tasks import task

from budaya.org import services


@task
def plan_employee_import(import_id: int) -> None:
    services.plan_employee_import(import_id)


@task
def apply_employee_import(import_id: int) -> None:
    services.apply_employee_import(import_id)
