"""The embedded task runner: Django tasks run in a background thread of the web process.

Long work (an employee import of 15,000 rows) must not hold a request open, and the embedded
setup has no separate worker or broker. This backend runs each task in one of a few threads of
the same process; the task records its own progress in the database, which the page polls.
Tests use Django's ImmediateBackend, so a task has finished when `enqueue` returns.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.base import Task, TaskResult, TaskResultStatus
from django.utils.crypto import get_random_string


class ThreadBackend(ImmediateBackend):
    """ImmediateBackend's execution, moved off the request thread."""

    supports_get_result = False

    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        workers = int(params.get("OPTIONS", {}).get("workers", 2))
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="budaya-task")

    def _run(self, task_result: TaskResult) -> None:
        try:
            self._execute_task(task_result)  # type: ignore[attr-defined]
        finally:
            # Each worker thread has its own database connection; never leave it dangling.
            close_old_connections()

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        task_result: TaskResult = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self.executor.submit(self._run, task_result)
        return task_result
