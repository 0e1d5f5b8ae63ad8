"""Imports in the background (issue 23): a worker killed in the middle leaves the import failed,
with a retry that runs to the end; a running or queued import can be cancelled, writing nothing.

These tests run the production path: tasks queued in the database (django-tasks-db) and a real
``manage.py db_worker`` process, killed with SIGKILL like the out-of-memory killer would.
"""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budaya.accounts.models import AuditEntry
from budaya.org import services
from budaya.org.models import Employee, EmployeeImport, ImportRow
from budaya.tasks import request_cancel

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "django_tasks_db.DatabaseBackend"
ROWS = 20_000  # a few seconds of planning: time to kill the worker in the middle


def big_roster(rows: int) -> SimpleUploadedFile:
    """A CSV roster of ``rows`` valid, distinct civil servants of Dinas Pendidikan."""
    lines = ["NIP;Nama;L/P;Gol;Jabatan;Unit Kerja"]
    for number in range(rows):
        born = datetime.date(1965, 1, 1) + datetime.timedelta(days=number % 7000)
        nip = f"{born:%Y%m%d}202001{1 + number % 2}{1 + number // 7000:03d}"
        sex = "L" if number % 2 == 0 else "P"
        lines.append(f"{nip};Pegawai Nomor {number};{sex};III/a;Analis;Dinas Pendidikan")
    return SimpleUploadedFile("besar.csv", "\n".join(lines).encode())


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def url(name, job):
    return reverse(f"org:{name}", args=[job.government.slug, job.pk])


def status(job) -> str:
    return EmployeeImport.objects.get(pk=job.pk).status


def test_a_killed_worker_leaves_the_import_failed_and_trying_again_imports_it(
    task_backend, db_worker, government, agency, city_admin, client
):
    task_backend(QUEUE)
    job = services.start_employee_import(
        government=government, upload=big_roster(ROWS), full_roster=False, actor=city_admin
    )
    worker = db_worker()
    wait_for(lambda: EmployeeImport.objects.get(pk=job.pk).rows_done > 0)
    worker.kill()  # SIGKILL: no handler, no cleanup
    worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.PLANNING and 0 < job.rows_done < ROWS

    # Whoever opens the import page next finds it failed, with a retry; no progress bar.
    client.force_login(city_admin)
    page = client.get(url("import_detail", job)).content.decode()
    assert "Proses latar belakang berhenti sebelum impor selesai" in page
    assert ">Coba lagi</button>" in page and "every 1s" not in page
    assert status(job) == EmployeeImport.Status.FAILED
    assert not ImportRow.objects.filter(employee_import=job).exists()  # the half plan dropped

    client.post(url("import_retry", job))
    assert status(job) == EmployeeImport.Status.PLANNING
    assert db_worker("--batch").wait(timeout=300) == 0
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.PLANNED and job.counts["new"] == ROWS

    client.post(url("import_confirm", job))
    assert db_worker("--batch").wait(timeout=300) == 0
    assert status(job) == EmployeeImport.Status.APPLIED
    assert Employee.objects.filter(government=government).count() == ROWS


def test_a_running_import_is_cancelled_between_batches_and_nothing_is_left(
    task_backend, db_worker, government, agency, city_admin, client
):
    task_backend(QUEUE)
    job = services.start_employee_import(
        government=government, upload=big_roster(ROWS), full_roster=False, actor=city_admin
    )
    db_worker()
    wait_for(lambda: EmployeeImport.objects.get(pk=job.pk).rows_done > 0)
    client.force_login(city_admin)
    response = client.post(url("import_cancel", job), follow=True)
    assert "Impor sedang dibatalkan" in response.content.decode()
    wait_for(lambda: status(job) == EmployeeImport.Status.CANCELLED)
    page = client.get(url("import_detail", job)).content.decode()
    assert "Dibatalkan: tidak ada yang ditulis" in page and "every 1s" not in page
    assert not ImportRow.objects.filter(employee_import=job).exists()
    # The run recorded the cancellation with the user who asked for it.
    entry = AuditEntry.objects.filter(object_id=str(job.pk), after__status="cancelled").get()
    assert entry.actor_id == city_admin.pk


def test_an_import_waiting_in_the_queue_is_cancelled_at_once_and_never_run(
    task_backend, db_worker, government, agency, city_admin, client
):
    task_backend(QUEUE)
    job = services.start_employee_import(
        government=government, upload=big_roster(10), full_roster=False, actor=city_admin
    )
    client.force_login(city_admin)
    page = client.get(url("import_detail", job)).content.decode()
    assert "Menunggu proses latar belakang" in page
    response = client.post(url("import_cancel", job), follow=True)
    assert "Impor dibatalkan; tidak ada yang ditulis" in response.content.decode()
    assert db_worker("--batch").wait(timeout=120) == 0  # the queued task finds it cancelled
    assert status(job) == EmployeeImport.Status.CANCELLED
    assert not ImportRow.objects.filter(employee_import=job).exists()


def test_cancelling_while_applying_writes_nothing(government, agency, city_admin, monkeypatch):
    """The write is one transaction: a cancellation seen after its first batch rolls it back."""
    job = services.start_employee_import(
        government=government, upload=big_roster(3), full_roster=False, actor=city_admin
    )
    monkeypatch.setattr(services, "BATCH", 1)
    create = services._create_employees

    def create_then_cancel(job, after, last):
        created = create(job, after, last)
        request_cancel(job)  # as the web process would, while the run is in its write
        return created

    monkeypatch.setattr(services, "_create_employees", create_then_cancel)
    services.confirm_employee_import(EmployeeImport.objects.get(pk=job.pk), city_admin)
    assert status(job) == EmployeeImport.Status.CANCELLED
    assert Employee.objects.count() == 0


def _asked_to_cancel_after(monkeypatch, step, user):
    """Replace ``services.<step>`` by itself followed by a cancellation written as another
    process (the web page) writes it: the flag in the database, after the run's last check."""
    original = getattr(services, step)

    def then_cancel(job, *args):
        done = original(job, *args)
        EmployeeImport.objects.filter(pk=job.pk).update(
            cancel_requested=True, cancel_requested_by=user
        )
        return done

    monkeypatch.setattr(services, step, then_cancel)


def test_a_cancellation_after_the_last_batch_of_the_plan_still_cancels(
    government, agency, city_admin, monkeypatch
):
    """Found by CI: the user pressed Batalkan while the last batch was read; the plan then ended
    ready to confirm, as if nobody had asked. The last write checks under the import's lock."""
    _asked_to_cancel_after(monkeypatch, "_plan", city_admin)
    job = services.start_employee_import(
        government=government, upload=big_roster(3), full_roster=False, actor=city_admin
    )
    assert status(job) == EmployeeImport.Status.CANCELLED
    assert not ImportRow.objects.filter(employee_import=job).exists()
    entry = AuditEntry.objects.filter(object_id=str(job.pk)).order_by("pk").last()
    assert entry.actor == city_admin and entry.after == {"status": "cancelled"}


def test_a_cancellation_after_the_last_batch_of_the_write_writes_nothing(
    government, agency, city_admin, monkeypatch
):
    job = services.start_employee_import(
        government=government, upload=big_roster(3), full_roster=False, actor=city_admin
    )
    _asked_to_cancel_after(monkeypatch, "_write_plan", city_admin)
    services.confirm_employee_import(EmployeeImport.objects.get(pk=job.pk), city_admin)
    assert status(job) == EmployeeImport.Status.CANCELLED
    assert Employee.objects.count() == 0


def test_the_list_of_imports_shows_an_import_whose_worker_died_as_failed(
    government, city_admin, client
):
    job = EmployeeImport.objects.create(
        government=government,
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        status=EmployeeImport.Status.PLANNING,
        runner="worker-2:4242:99",  # another host, silent for an hour
        heartbeat_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    client.force_login(city_admin)
    page = client.get(reverse("org:import_list", args=[government.slug])).content.decode()
    assert "<td>Gagal</td>" in page and "Membaca berkas" not in page
    assert status(job) == EmployeeImport.Status.FAILED
