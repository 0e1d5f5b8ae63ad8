"""A city administrator in Chromium reads the rulebook and changes it: preview, diff, confirm;
the pages fit a 360 px phone. BUDAYA_SCREENSHOTS=DIR keeps a screenshot of each page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.rulebook import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("BUDAYA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_read_and_change_the_rulebook(page, sign_in, make_user, government, tmp_path):
    services.load_shipped(government=government, name="kota-tangerang")
    admin = make_user("admin.kota", Role.CITY_ADMIN, government, first_name="Sari")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(admin)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Buku aturan"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Buku aturan Kota Tangerang"
    expect(page.get_by_text("T Pasal 1 angka 16").first).to_be_visible()
    _shot(page, "rulebook-detail-1280")

    page.get_by_role("link", name="Ubah buku aturan").click()
    changed = services.shipped_text("kota-tangerang").replace("    day: 15\n", "    day: 20\n", 1)
    upload = tmp_path / "aturan.yaml"
    upload.write_text(changed, encoding="utf-8")
    page.get_by_label("Berkas buku aturan (YAML)").set_input_files(str(upload))
    page.get_by_label("Catatan perubahan ini").fill("Batas waktu baru")
    page.get_by_role("button", name="Periksa berkas").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pratinjau buku aturan"
    expect(page.locator(".diff-add").first).to_contain_text("day: 20")
    expect(page.locator(".diff-remove").first).to_contain_text("day: 15")
    _shot(page, "rulebook-preview-1280")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Buku aturan Kota Tangerang, versi 2"
    )
    expect(page.get_by_text("Buku aturan kini versi 2.")).to_be_visible()

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/rulebook/{government.slug}/")
    _fits(page)
    _shot(page, "rulebook-detail-360")
    page.goto(f"/rulebook/{government.slug}/import/")
    _fits(page)
    _shot(page, "rulebook-upload-360")
