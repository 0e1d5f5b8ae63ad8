"""An agency's team records a formulation step and a scorecard result in Chromium, and the
programme shows its progress (issue 7 item 1)."""

import datetime

import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.frameworks import services as framework_services
from budaya.frameworks.models import Adoption
from budaya.programme import services
from budaya.programme.models import ScorecardItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_team_records_a_step_and_a_result_and_sees_the_progress(
    page, sign_in, make_user, government, agency
):
    version = {v.framework.slug: v for v in framework_services.load_shipped_frameworks()}["prima"]
    Adoption.objects.create(
        government=government, version=version, adopted_from=datetime.date(2018, 7, 2)
    )
    year = datetime.date.today().year
    programme = services.create_programme(government=government, unit=agency, year=year)
    ScorecardItem.objects.create(
        government=government,
        programme=programme,
        value=version.values.first(),
        key_behaviour="Hadir apel pagi tepat waktu",
        metric="Persentase pegawai hadir apel",
        target=80,
        measure_unit="%",
    )
    sign_in(make_user("tim.dinas", Role.UNIT_TEAM, government, agency))

    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Program"
    ).click()
    page.get_by_role("link", name="Dinas Pendidikan").click()
    expect(page.get_by_role("heading", name="Perumusan nilai", exact=True)).to_be_visible()

    page.get_by_role("link", name="a. Perencanaan").click()
    page.get_by_label("Catatan").fill("Tim budaya kerja dibentuk dengan SK Kepala Dinas.")
    page.get_by_label("Selesai", exact=True).check()
    page.get_by_role("button", name="Simpan langkah").click()
    expect(page.get_by_text("Langkah telah disimpan.")).to_be_visible()
    formulation = page.locator(".stage-cards .card", has_text="Perumusan nilai")
    assert "1/5" in formulation.inner_text()

    page.get_by_role("link", name="Buka scorecard").click()
    page.locator("summary", has_text="Catat hasil").click()
    page.get_by_label("Bulan").fill(f"{year}-01")
    page.get_by_label("Hasil").fill("60")
    page.get_by_role("button", name="Simpan hasil").click()
    expect(page.get_by_text("Hasil telah dicatat.")).to_be_visible()
    assert page.locator(".attainment").inner_text() == "75%"
    assert page.locator(".scorecard-item progress").get_attribute("value") == "75"

    page.get_by_role("link", name=str(programme)).click()
    scorecard = page.locator(".stage-cards .card", has_text="Scorecard")
    assert "1/1" in scorecard.inner_text()
