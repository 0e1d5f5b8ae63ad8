"""In Chromium: the third government's administrator (a kabupaten, its rulebook written from the
starter, its framework loaded from a file) forms a team, drafts its decree and nominates a role
model; no page or document names another government, "Wali Kota" or "kota" (issue 18, item 4).
Screenshots at 1280 and 360 px go to BUDAYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from budaya.tests.test_third_government import FORBIDDEN, make_third_government

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("BUDAYA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _clean(page, where: str) -> None:
    text = page.locator("body").inner_text() + " " + page.title()
    found = sorted({match.group(0) for match in FORBIDDEN.finditer(text)})
    assert found == [], f"{where} says {found}"


def test_the_third_government_walks_through_its_teams(page, sign_in, make_user):
    third = make_third_government(make_user)
    sign_in(third.admin)
    expect(page.get_by_text("Kepala daerah: Bupati")).to_be_visible()
    expect(page.locator("footer")).to_contain_text(
        "Budaya Pemerintahan · Pemerintah Kabupaten Contoh"
    )
    _clean(page, "home")
    _shot(page, "third-home-1280")

    nav = page.get_by_role("navigation", name="Navigasi utama")
    nav.get_by_role("link", name="Tim").click()
    _clean(page, "team list")
    page.get_by_role("link", name="Bentuk tim").click()
    page.get_by_label("Jenis").select_option(label="Tim Budaya Pemerintahan Perangkat Daerah")
    page.locator("#id_unit").select_option(label="Dinas Kesehatan")
    page.get_by_label("Nama").fill("Tim Sehat Bersama")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Tim Sehat Bersama")).to_be_visible()
    page.get_by_role("link", name="Tambah anggota").click()
    page.locator("#id_employee").select_option(label="Budi Pejabat (III.a, Sekretaris Dinas)")
    page.locator("#id_role").select_option(label="Ketua")
    page.get_by_role("button", name="Tambah").click()
    expect(page.locator("svg.team-chart-svg")).to_contain_text("Budi Pejabat")
    _clean(page, "team page")
    _shot(page, "third-team-1280")

    page.get_by_role("link", name="Susun draf keputusan").click()
    _clean(page, "decree form")
    page.get_by_role("button", name="Simpan draf").click()
    _clean(page, "decree page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh draf (DOCX)").click()
    document = Document(str(download.value.path()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "budaya pemerintahan" in text
    assert not FORBIDDEN.search(text), text

    page.goto(f"/teams/{third.government.slug}/role-models/new/")
    page.get_by_label("Siapa").select_option("unit")
    page.locator("#id_unit").select_option(label="Dinas Kesehatan")
    page.locator("#id_period_start").fill("2025-01-01")
    page.locator("#id_period_end").fill("2025-12-31")
    page.locator("#id_reasons").fill("Unit kerja teladan.")
    page.get_by_role("button", name="Usulkan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diusulkan")
    _clean(page, "nomination")
    _shot(page, "third-nomination-1280")

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/teams/{third.government.slug}/role-models/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    _clean(page, "role models")
    _shot(page, "third-role-models-360")
    page.goto("/")
    _shot(page, "third-home-360")


def test_the_third_government_monitors_up_to_its_bupati(page, sign_in, make_user):
    """Issue 18, item 4: the kabupaten records an activity, opens a period and takes an agency
    report through its own chain (the city report forwarded by its regional secretary,
    acknowledged by its Bupati) and exports it, in its own words only."""
    import io

    from pypdf import PdfReader

    from budaya.accounts.models import Role, RoleGrant
    from budaya.monev.models import CityReport, Report, State

    third = make_third_government(make_user)
    slug = third.government.slug
    team = make_user("tim.contoh", Role.UNIT_TEAM, third.government, third.agency)
    head = make_user("kepala.contoh", Role.UNIT_HEAD, third.government, third.agency)
    sekda = make_user("sekda.contoh", Role.LEADERSHIP, third.government)
    bupati = make_user("bupati.contoh", Role.LEADERSHIP, third.government)
    RoleGrant.objects.filter(user=sekda).update(office="sekda")
    RoleGrant.objects.filter(user=bupati).update(office="head")
    page.on("dialog", lambda dialog: dialog.accept())

    def _as(user) -> None:
        page.context.clear_cookies()
        sign_in(user)

    def _click(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).click()
        page.wait_for_load_state()

    # The agency team records an activity.
    _as(team)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Kegiatan"
    ).click()
    _clean(page, "activities")
    page.get_by_role("link", name="Catat kegiatan").first.click()
    _clean(page, "activity form")
    page.get_by_label("Tanggal").fill("2026-03-10")
    page.get_by_label("Bentuk atau metode").select_option(label="Sosialisasi")
    page.locator("input[name=values]").first.check()
    page.get_by_label("Jumlah peserta").fill("20")
    _click("Simpan")
    page.get_by_text("Kegiatan telah dicatat.").wait_for()
    _clean(page, "activity recorded")

    # The administrator opens the period.
    _as(third.admin)
    page.goto(f"/monev/{slug}/")
    _clean(page, "monitoring periods")
    page.get_by_role("link", name="Buka periode").click()
    page.get_by_label("Tahun").fill("2026")
    page.get_by_label("Judul").fill("Monev Budaya Pemerintahan 2026")
    page.locator("#id_starts_on").fill("2026-01-01")
    page.locator("#id_ends_on").fill("2026-12-31")
    _click("Buka")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monev Budaya Pemerintahan 2026")
    _clean(page, "board")
    board = page.url

    # The team prepares the report from its activity; the head approves and submits.
    _as(team)
    page.goto(board)
    _click("Susun laporan Dinas Kesehatan")
    page.locator("select[name^=group_]").first.select_option(index=1)
    _click("Tambahkan kelompok yang dipilih")
    report = Report.objects.get(government=third.government)
    report_url = f"/monev/{slug}/reports/{report.pk}/"
    _as(head)
    page.goto(report_url)
    _clean(page, "agency report")
    _click("Setujui")
    _click(re.compile("^Sampaikan ke "))
    # The administrator accepts and consolidates, and fills in the city report's signatory.
    _as(third.admin)
    page.goto(report_url)
    _click("Terima")
    page.goto(board)
    _click("Himpun 1 laporan yang diterima")
    city = CityReport.objects.get(government=third.government)
    city_url = f"/monev/{slug}/city/{city.pk}/"
    signature = page.locator("form[action$='/signatory/']")
    signature.locator("input[name=signatory_name]").fill("Budi Pejabat")
    signature.get_by_role("button", name="Simpan").click()
    page.get_by_text("Penanda tangan disimpan.").wait_for()
    _clean(page, "city report")
    _shot(page, "third-city-report-1280")

    # Its regional secretary forwards to its Bupati, who acknowledges.
    _as(sekda)
    page.goto(city_url)
    _clean(page, "city report to forward")
    _click("Teruskan kepada Bupati")
    page.get_by_text("Diteruskan kepada Bupati.").wait_for()
    _as(bupati)
    page.goto(city_url)
    _clean(page, "city report to acknowledge")
    _click("Nyatakan telah diketahui")
    page.get_by_text("Dinyatakan telah diketahui.").wait_for()
    _clean(page, "acknowledged city report")
    report.refresh_from_db()
    assert report.state == State.ACKNOWLEDGED

    # The documents it exports say nothing of another government either.
    for url in (f"/monev/{slug}/city/{city.pk}/export.pdf", f"{report_url}export.pdf"):
        answer = page.request.get(url)
        assert answer.ok, url
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
        assert not FORBIDDEN.search(text), (url, FORBIDDEN.findall(text))
    answer = page.request.get(f"/monev/{slug}/city/{city.pk}/export.docx")
    document = Document(io.BytesIO(answer.body()))
    # The signature blocks sit in a table (kept together on one page).
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])
    assert "Bupati" in text and not FORBIDDEN.search(text), FORBIDDEN.findall(text)


def test_the_third_governments_framework_library_lists_only_its_own(page, sign_in, make_user):
    """Issue 18, item 4: beside the two cities' shipped texts (PRIMA, BerAKHLAK as a Perwal Kota
    set it), the kabupaten's library, adoption choices and a city's framework page name no city."""
    from budaya.frameworks import services as framework_services

    third = make_third_government(make_user)
    framework_services.load_shipped_frameworks()
    sign_in(third.admin)
    page.goto("/frameworks/")
    expect(page.get_by_role("heading", name="CERDAS")).to_be_visible()
    _clean(page, "framework library")
    _shot(page, "third-frameworks-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/frameworks/")
    _clean(page, "framework library at 360 px")
    _shot(page, "third-frameworks-360")
    page.goto(f"/frameworks/governments/{third.government.slug}/adoption/")
    options = page.locator("#id_version option").all_inner_texts()
    assert [o for o in options if "CERDAS" in o] and not [o for o in options if FORBIDDEN.search(o)]
    _clean(page, "adoption")
    response = page.goto("/frameworks/prima/v1/")
    assert response is not None and response.status == 404
