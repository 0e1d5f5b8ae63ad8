"""The embedded task runner runs a task off the request thread and it completes."""

import os
import threading

import pytest
from django.tasks import task

from budaya.tasks import ThreadBackend

finished = threading.Event()
seen_threads: list[str] = []


@task
def remember_thread(value: int) -> int:
    seen_threads.append(threading.current_thread().name)
    finished.set()
    return value * 2


def test_thread_backend_runs_the_task_in_a_worker_thread():
    backend = ThreadBackend("test", {"OPTIONS": {"workers": 1}})
    result = backend.enqueue(remember_thread, (21,), {})
    assert finished.wait(timeout=10)
    backend.executor.shutdown(wait=True)
    assert seen_threads and seen_threads[0].startswith("budaya-task")
    assert seen_threads[0] != threading.current_thread().name
    assert result.return_value == 42


# --- Which process runs a job, and is it alive (issue 23) --------------------------------------


def test_a_runner_on_this_host_is_alive_while_its_process_is(tmp_path):
    import datetime
    import socket
    import subprocess
    import sys

    from budaya.tasks import _process_start, runner_alive, this_runner

    assert runner_alive(this_runner(), heartbeat_at=None)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    runner = f"{socket.gethostname()}:{child.pid}:{_process_start(child.pid)}"
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    assert runner_alive(runner, heartbeat_at=long_ago)  # the process counts, not the beat
    child.kill()
    child.wait()
    assert not runner_alive(runner, heartbeat_at=None)
    # Another process that got the same id after a restart is not the job's runner.
    assert not runner_alive(f"{socket.gethostname()}:{os.getpid()}:1", heartbeat_at=None)


def test_a_runner_on_another_host_is_alive_while_its_heartbeat_is_fresh(settings):
    import datetime

    from django.utils import timezone

    from budaya.tasks import runner_alive

    settings.BUDAYA_TASK_STALE_AFTER = 60
    now = timezone.now()
    assert runner_alive("worker-2:4242:99", heartbeat_at=now - datetime.timedelta(seconds=30))
    assert not runner_alive("worker-2:4242:99", heartbeat_at=now - datetime.timedelta(seconds=90))
    assert not runner_alive("worker-2:4242:99", heartbeat_at=None)


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from its own thread
def test_the_heartbeat_is_written_while_a_job_runs(settings, government):
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from budaya.org.models import EmployeeImport
    from budaya.tasks import running

    settings.BUDAYA_TASK_HEARTBEAT = 0.05
    job = EmployeeImport.objects.create(
        government=government, file=SimpleUploadedFile("a.csv", b"x"), original_name="a.csv"
    )
    with running(job):
        first = EmployeeImport.objects.get(pk=job.pk).heartbeat_at
        deadline = time.monotonic() + 10
        while EmployeeImport.objects.get(pk=job.pk).heartbeat_at == first:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.05)
