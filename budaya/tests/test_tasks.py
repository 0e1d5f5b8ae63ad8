"""The embedded task runner runs a task off the request thread and it completes."""

import threading

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
