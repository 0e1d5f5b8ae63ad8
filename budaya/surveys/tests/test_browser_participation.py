"""In Chromium, on the demo (issue 22, Deliver 1 and 7): the head of government sees every
agency's participation on the dashboard on a desktop and a phone, opens who has not yet signed,
reads the agency's survey evidence on its monitoring report, and a role-model nomination shows
the nominee's 360 results by rater group. BUDAYA_SCREENSHOTS=DIR keeps a screenshot of each."""

from __future__ import annotations

import datetime
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from budaya.accounts.models import User
from budaya.monev.models import Report
from budaya.org.models import Employee
from budaya.surveys.models import Survey
from budaya.teams.models import Designation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("BUDAYA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def head(settings, tmp_path) -> User:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    user = User.objects.get(username="walikota.serang")
    user.set_password("budaya-kerja-demo-1")
    user.save()
    return user


def test_participation_and_results_where_leaders_and_reports_use_them(page, head):
    government = User.objects.get(pk=head.pk).role_grants.first().government
    page.goto("/login/")
    page.get_by_label("Nama pengguna").fill(head.username)
    page.get_by_label("Sandi").fill("budaya-kerja-demo-1")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    for width, height in ((1280, 900), (360, 780)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/dashboard/")
        expect(page.get_by_role("heading", name="Peran setiap pegawai")).to_be_visible()
        expect(page.get_by_role("img", name="Partisipasi per perangkat daerah")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        _shot(page, f"dashboard-participation-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".participation-table tbody tr").first.locator("a").first.click()
    page.wait_for_url("**/participation/**")
    expect(page.get_by_role("heading", name="Belum menandatangani komitmen")).to_be_visible()
    _shot(page, "participation-drill")

    # The agency's monitoring report: its survey evidence (S Tabel 2 indicator 4 a).
    report = Report.objects.filter(government=government).order_by("pk").first()
    assert report is not None
    page.goto(reverse("monev:report", args=[government.slug, report.pk]))
    if page.locator("#survey-evidence-section").count():
        expect(page.locator("#survey-evidence-section")).to_be_visible()
        for width, height in ((1280, 900), (360, 780)):
            page.set_viewport_size({"width": width, "height": height})
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            _shot(page, f"report-surveys-{width}")

    # A role-model nomination of the head rated in the demo's closed 360 round.
    rated = Survey.objects.filter(
        government=government, kind=Survey.Kind.ROUND_360, status=Survey.Status.CLOSED
    ).first()
    assert rated is not None and rated.subject_id is not None
    subject = Employee.objects.get(pk=rated.subject_id)
    today = datetime.date.today()
    designation = Designation.objects.create(
        government=government,
        kind=Designation.Kind.ROLE_MODEL,
        subject=Designation.Subject.EMPLOYEE,
        employee=subject,
        unit=subject.unit,
        period_start=today,
        period_end=today + datetime.timedelta(days=365),
        reasons="Teladan dalam pelayanan",
    )
    for width, height in ((1280, 900), (360, 780)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(reverse("teams:designation_detail", args=[government.slug, designation.pk]))
        expect(page.get_by_role("heading", name="Hasil 360 calon")).to_be_visible()
        expect(page.get_by_role("link", name=rated.title)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        _shot(page, f"role-model-{width}")
