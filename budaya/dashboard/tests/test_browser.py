"""In Chromium, the done-when of issue 20 item 3: the head of government of a demo government
opens the dashboard on a desktop and on a phone, sees the agencies behind and why, and one click
on a figure reaches the rows it counts. BUDAYA_SCREENSHOTS=DIR keeps a screenshot of each page."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from budaya.accounts.models import User

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


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_head_of_government_sees_who_is_behind_and_reaches_the_rows(page, head):
    page.goto("/login/")
    page.get_by_label("Nama pengguna").fill(head.username)
    page.get_by_label("Sandi").fill("budaya-kerja-demo-1")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    for width, height in ((1280, 900), (360, 780)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/dashboard/")
        expect(page.get_by_role("heading", name="Perangkat daerah tertinggal")).to_be_visible()
        behind = page.locator(".behind-list tbody tr")
        assert behind.count() > 0
        # Each chart reads as an image with its title, and has its table.
        expect(page.get_by_role("img", name="Kematangan per perangkat daerah")).to_be_visible()
        _no_sideways_scroll(page)
        _shot(page, f"dashboard-{width}")
    # A reason of the first agency behind opens its rows.
    page.set_viewport_size({"width": 1280, "height": 900})
    first = page.locator(".behind-list tbody tr").first
    first.get_by_role("link").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/dashboard/" not in page.url
    # A cell of the heatmap opens the activity log filtered to its agency and form.
    page.go_back()
    cell = page.locator("table.heatmap td a").filter(has_not_text="0").first
    count = int(cell.inner_text())
    cell.click()
    page.wait_for_url("**/activities/**")
    _shot(page, "drill-activities")
    assert count > 0
    expect(page.locator("table tbody tr").first).to_be_visible()
    # Issue 25: activities by value, and a cell of the agency × value heatmap opens the log
    # filtered to its agency and value.
    page.go_back()
    expect(page.get_by_role("img", name="Kegiatan per nilai dasar")).to_be_visible()
    by_value = page.locator("table.heatmap").nth(1)
    cell = by_value.locator("td a").filter(has_not_text="0").first
    count = int(cell.inner_text())
    cell.click()
    page.wait_for_url("**value=**")
    _shot(page, "drill-activities-by-value")
    assert count > 0
    expect(page.locator("table tbody tr").first).to_be_visible()
