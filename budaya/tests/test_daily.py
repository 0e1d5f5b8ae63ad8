"""manage.py daily runs the calendar's jobs and is safe to run twice."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from budaya.teams.models import Designation

pytestmark = pytest.mark.django_db


def test_daily_expires_ended_designations_once(government, employee):
    designation = Designation.objects.create(
        government=government,
        kind=Designation.Kind.ROLE_MODEL,
        subject=Designation.Subject.EMPLOYEE,
        employee=employee,
        unit=employee.unit,
        period_start=datetime.date(2025, 2, 1),
        period_end=datetime.date(2026, 1, 31),
        reasons="Teladan disiplin",
        status=Designation.Status.PUBLISHED,
    )
    out = StringIO()
    call_command("daily", today="2026-02-01", stdout=out)
    designation.refresh_from_db()
    assert designation.status == Designation.Status.EXPIRED
    assert "1 designations expired" in out.getvalue()
    again = StringIO()
    call_command("daily", today="2026-02-01", stdout=again)
    assert "0 designations expired" in again.getvalue()


def test_daily_fails_an_import_whose_worker_died(government, city_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from budaya.org.models import EmployeeImport

    job = EmployeeImport.objects.create(
        government=government,
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        status=EmployeeImport.Status.APPLYING,
        runner="worker-2:4242:99",  # another host, not heard of for a day
        heartbeat_at=datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC),
    )
    out = StringIO()
    with translation.override("id"):  # as cron runs it: the site's language
        call_command("daily", today="2026-02-01", stdout=out)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.FAILED and "tidak ada yang ditulis" in job.error
    assert "1 interrupted imports failed" in out.getvalue()
