"""An agency's team records a step of its rulebook and a scorecard result in Chromium, and the
programme shows its progress (issue 7 item 1); Serang's programme page shows Serang's own stages
at 1280 and 360 px (issue 18). BUDAYA_SCREENSHOTS=DIR keeps a screenshot of each page."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.frameworks import services as framework_services
from budaya.frameworks.models import Adoption
from budaya.org.models import Unit
from budaya.programme import services
from budaya.programme.models import ScorecardItem
from budaya.rulebook import services as rulebooks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("BUDAYA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _adopt(government, slug: str):
    version = {v.framework.slug: v for v in framework_services.load_shipped_frameworks()}[slug]
    Adoption.objects.create(
        government=government, version=version, adopted_from=datetime.date(2018, 7, 2)
    )
    return version


def test_a_unit_team_records_a_step_and_a_result_and_sees_the_progress(
    page, sign_in, make_user, government, agency
):
    rulebooks.load_shipped(government=government, name="kota-tangerang")
    version = _adopt(government, "prima")
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
    expect(page.get_by_role("heading", name="Perumusan Nilai-Nilai T Lampiran II")).to_be_visible()

    page.get_by_role("link", name="Perencanaan", exact=True).click()
    expect(page.get_by_text("T Lampiran II angka II.1 huruf a")).to_be_visible()
    page.get_by_label("Catatan").fill("Tim budaya kerja dibentuk dengan SK Kepala Dinas.")
    page.get_by_label("Selesai", exact=True).check()
    page.get_by_role("button", name="Simpan langkah").click()
    expect(page.get_by_text("Langkah telah disimpan.")).to_be_visible()
    formulation = page.locator(".stage-cards .card", has_text="Perumusan Nilai-Nilai")
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
    assert "75%" in page.locator(".scorecard-summary").inner_text()


def test_serangs_programme_page_shows_its_own_stages_at_1280_and_360_px(
    page, sign_in, make_user, other_government
):
    rulebooks.load_shipped(government=other_government, name="kota-serang")
    _adopt(other_government, "berakhlak")
    agency = Unit.objects.create(
        government=other_government, kind=Unit.Kind.DINAS, code="1.02", name="Dinas Kesehatan"
    )
    year = datetime.date.today().year
    programme = services.create_programme(government=other_government, unit=agency, year=year)
    sign_in(make_user("tim.dinkes", Role.UNIT_TEAM, other_government, agency))
    for width, height in ((1280, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(programme.get_absolute_url())
        # S Lampiran C.1: teams first; C.2: declaration, socialisation and internalisation,
        # monitoring over the three areas a–c.
        headings = page.get_by_role("heading", level=2).all_inner_texts()
        stages = [h for h in headings if "S Lampiran C." in h]
        assert [h.split(" S Lampiran")[0] for h in stages] == [
            "Perencanaan",
            "Pelaksanaan di Lingkungan Perangkat Daerah",
            "Monitoring dan evaluasi",
        ]
        for step in (
            "Membentuk tim pada tingkat Perangkat Daerah",
            "Deklarasi nilai-nilai BerAKHLAK",
        ):
            expect(page.get_by_role("link", name=step, exact=True)).to_be_visible()
        body = page.locator("body").inner_text()
        assert "T Lampiran" not in body and "Syarat-syarat keberhasilan" not in body
        assert "Buku aturan tidak menetapkan daftar periksa untuk program ini." in body
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        _shot(page, f"programme-serang-{width}")
