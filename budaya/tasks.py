"""Background work: one abstraction for every long job (issue 23: durable background work).

Long work (an employee import of 15,000 rows) must not hold a request open. Two ways to run it,
both through Django's tasks framework (``TASKS`` in the settings):

- the embedded default (``make run``): ``ThreadBackend`` below runs each task in one of a few
  threads of the web process; no broker or worker to run;
- production: django-tasks-db's ``DatabaseBackend`` keeps the queue in the database and a
  separate worker process (``manage.py db_worker``, docs/operations.md) runs it.

Either way the process running a job can die (a restart, the out-of-memory killer, a deploy). A
job that would then say "Reading the file…" forever is worse than a failed one, so every job is a
``BackgroundJob``: it records which process runs it (host, process id and the process's start
time) and, from that process, a heartbeat every few seconds. ``runner_alive`` tells a live runner
from a dead one: on the same host by the process itself, on another host by the heartbeat. The
job's own service marks a job whose runner died as failed, with a retry.

A job can be cancelled: ``request_cancel`` records the wish, and the job calls
``raise_if_cancelled`` between batches.

Tests use Django's ImmediateBackend, so a task has finished when ``enqueue`` returns.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections, models
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.base import Task, TaskResult, TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


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
            # Each worker thread has its own database connection; never leave it dangling
            # (a pooled thread may wait for its next task for hours).
            connections.close_all()

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


# --- Which process runs a job, and is it still alive ----------------------------------------


def _process_start(pid: int) -> str | None:
    """When the process started (clock ticks since boot, from /proc), "" where /proc is not
    available but the process exists, None if there is no such process. With the start time a
    process id reused by a new process after a restart is not taken for the old one."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command name (field 2) may hold spaces and parentheses: count after its ")".
            return stat.read().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return None
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""


def this_runner() -> str:
    """This process, as a job records its runner: host, process id and start time."""
    pid = os.getpid()  # after a fork (gunicorn), the child's own id
    return f"{socket.gethostname()}:{pid}:{_process_start(pid) or ''}"


def runner_alive(runner: str, heartbeat_at: datetime.datetime | None) -> bool:
    """Whether the process recorded as ``runner`` is still there to finish its job."""
    host, pid, started = runner.rsplit(":", 2)
    if host == socket.gethostname():
        # The process itself, not its heartbeat: a long transaction on SQLite holds the writes
        # of the heartbeat back, and a killed process is seen at once.
        return _process_start(int(pid)) == started
    stale_after = datetime.timedelta(seconds=settings.BUDAYA_TASK_STALE_AFTER)
    return heartbeat_at is not None and timezone.now() - heartbeat_at < stale_after


class BackgroundJob(models.Model):
    """A row whose work runs in the background: who runs it, when it was last seen alive, and
    whether it was asked to stop. The subclass keeps its own status (its state machine)."""

    # host:pid:start of the process running the job; empty while it waits in the queue.
    runner = models.CharField(max_length=200, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_requested = models.BooleanField(default=False, editable=False)
    cancel_requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("cancelled by"),
    )

    class Meta:
        abstract = True

    @property
    def waiting(self) -> bool:
        """Queued, not yet taken by a worker."""
        return not self.runner

    def runner_died(self) -> bool:
        return bool(self.runner) and not runner_alive(self.runner, self.heartbeat_at)


def enqueue(task: Task, job: BackgroundJob) -> None:
    """Queue ``task(job.pk)``. The thread runner runs it in this very process, so the job is
    this process's from now on: if the process dies before a thread takes it, that is seen."""
    runner = this_runner() if isinstance(task.get_backend(), ThreadBackend) else ""
    with _lock:
        _cancelled.discard(_key(job))  # a cancellation of an earlier run is not this run's
    type(job)._default_manager.filter(pk=job.pk).update(
        runner=runner,
        heartbeat_at=timezone.now() if runner else None,
        cancel_requested=False,
        cancel_requested_by=None,
    )
    task.enqueue(job.pk)


# Jobs running in this process, beaten for by one thread; and cancellations asked here (the
# thread runner runs in the web process: the flag is seen even while SQLite holds the write
# lock of a long transaction).
_running: dict[tuple[type[models.Model], int], int] = {}
_cancelled: set[tuple[str, int]] = set()
_lock = threading.Lock()
_beating: threading.Thread | None = None
_wake = threading.Event()


def _key(job: models.Model) -> tuple[str, int]:
    return job._meta.label, job.pk


def _beat() -> None:
    while True:
        # Woken early when a job starts, so the first beat does not wait for a long sleep.
        _wake.wait(settings.BUDAYA_TASK_HEARTBEAT)
        _wake.clear()
        with _lock:
            jobs = list(_running)
        runner = this_runner()
        for model, pk in jobs:
            try:
                model._default_manager.filter(pk=pk, runner=runner).update(
                    heartbeat_at=timezone.now()
                )
            except DatabaseError:  # busy (SQLite's write lock) or away: the next beat tries
                logger.warning("Heartbeat of %s %s missed", model._meta.label, pk)
        connection.close()


@contextmanager
def running(job: BackgroundJob) -> Iterator[None]:
    """Run the job's work in this process: the job records it (committed at once) and is
    beaten for until the work returns or raises."""
    global _beating
    model = type(job)
    model._default_manager.filter(pk=job.pk).update(
        runner=this_runner(), heartbeat_at=timezone.now()
    )
    with _lock:
        _running[(model, job.pk)] = _running.get((model, job.pk), 0) + 1
        if _beating is None or not _beating.is_alive():
            _beating = threading.Thread(target=_beat, name="budaya-heartbeat", daemon=True)
            _beating.start()
    _wake.set()
    try:
        yield
    finally:
        with _lock:
            _running[(model, job.pk)] -= 1
            if not _running[(model, job.pk)]:
                del _running[(model, job.pk)]
            _cancelled.discard(_key(job))


class Cancelled(Exception):
    """The job was asked to stop."""


def request_cancel(job: BackgroundJob) -> None:
    """Ask this process's run of the job to stop (the service records the wish in the row)."""
    with _lock:
        _cancelled.add(_key(job))


def raise_if_cancelled(job: BackgroundJob) -> None:
    """Between batches: stop if the job was asked to, here or in the database."""
    with _lock:
        if _key(job) in _cancelled:
            raise Cancelled
    if type(job)._default_manager.filter(pk=job.pk, cancel_requested=True).exists():
        raise Cancelled
