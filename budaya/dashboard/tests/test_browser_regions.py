"""In Chromium (issue 20 item 5): the system administrator opens the national view on a desktop
and on a phone, reads the provinces ranked with their charts and tables, and one click opens a
province's governments. BUDAYA_SCREENSHOTS=DIR keeps a screenshot of each page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.conftest import PASSWORD
from budaya.dashboard.tests.test_browser import _no_sideways_scroll, _shot
from budaya.dashboard.tests.test_regions import _governments, _rollup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_national_view_reads_on_a_desktop_and_a_phone(page, make_user):
    today = datetime.date.today()
    for index, government in enumerate(_governments(9)):
        _rollup(government, agencies=20 + index, on_time=5 + index, not_started=index % 4,
                claimed=1 + index % 4, verified=index % 3, activities=30 * (index + 1),
                today=today)  # fmt: skip
    make_user("sistem", Role.SYSTEM_ADMIN)
    page.goto("/login/")
    page.get_by_label("Nama pengguna").fill("sistem")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    for width, height in ((1280, 900), (360, 780)):
        page.set_viewport_size({"width": width, "height": height})
        if width == 1280:  # the menu's entry (on a phone the menu folds behind a button)
            page.get_by_role("link", name="Tampilan nasional").first.click()
        else:
            page.goto("/dashboard/regions/national/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Tampilan nasional")
        expect(page.get_by_role("img", name="Laporan tepat waktu")).to_be_visible()
        expect(page.get_by_role("img", name="Kematangan diklaim dan terverifikasi")).to_be_visible()
        _no_sideways_scroll(page)
        _shot(page, f"national-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("row").filter(has_text="Provinsi Jawa Barat").get_by_role("link").click()
    page.wait_for_url("**/dashboard/regions/32/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provinsi Jawa Barat")
    expect(page.get_by_role("row").filter(has_text="Kabupaten Uji 01")).to_be_visible()
    _shot(page, "province-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    _no_sideways_scroll(page)
    _shot(page, "province-360")
