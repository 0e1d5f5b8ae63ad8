"""In Chromium: the third government's administrator (a kabupaten, its rulebook written from the
starter, its framework loaded from a file) forms a team, drafts its decree and nominates a role
model; no page or document names another government, "Wali Kota" or "kota" (issue 18, item 4).
Screenshots at 1280 and 360 px go to BUDAYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
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
