"""In Chromium at phone width: a unit team member logs an activity with a photo; the city
administrator sees it on the compliance board and opens the evidence; another agency's evidence
answers 404 whoever guesses its address."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.activities.evidence import store_file
from budaya.activities.models import Activity
from budaya.activities.tests.conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _last_17th() -> datetime.date:
    today = timezone.localdate()
    if today.day >= 17:
        return today.replace(day=17)
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    return previous.replace(day=17)


def test_log_from_a_phone_then_the_board_and_the_evidence(page, sign_in, world, serang_rules):
    _forms, twibbon, _apel = serang_rules
    other = store_file(
        government=world.government,
        unit=world.other_agency,
        upload=SimpleUploadedFile("dinkes.jpg", jpeg()),
        actor=world.user(Role.CITY_ADMIN),
    )
    day = _last_17th()
    page.set_viewport_size(PHONE)
    sign_in(world.user(Role.UNIT_TEAM))

    started = time.monotonic()
    # On a phone the menu is folded behind its button.
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Kegiatan"
    ).click()
    page.get_by_role("link", name="Catat kegiatan").first.click()
    page.get_by_label("Tanggal").fill(day.isoformat())
    page.get_by_label("Bentuk atau metode").select_option(
        label="Twibbon BerAKHLAK (tanggal 17 setiap bulan)"
    )
    page.get_by_label("Akuntabel").check()
    page.get_by_label("Jumlah peserta").fill("35")
    page.locator("input[name=photos]").set_input_files(
        files=[{"name": "IMG_20250317.jpg", "mimeType": "image/jpeg", "buffer": jpeg((800, 600))}]
    )
    # The whole form fits the phone's width: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Kegiatan telah dicatat.").wait_for()
    assert time.monotonic() - started < 60

    activity = Activity.objects.get()
    photo = activity.evidence.get()
    assert activity.unit == world.agency and activity.date == day and photo.is_image
    expect(
        page.locator(f"img[src='{reverse('activities:evidence_thumbnail', args=[photo.pk])}']")
    ).to_be_visible()

    # Another agency's evidence, by its address: not found.
    for view in ("activities:evidence_file", "activities:evidence_thumbnail"):
        response = page.goto(reverse(view, args=[other.pk]))
        assert response is not None and response.status == 404

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(world.user(Role.CITY_ADMIN))
    page.goto(reverse("activities:compliance", args=[world.government.slug]))
    page.get_by_label("Kewajiban").select_option(label=twibbon.name)
    page.get_by_label("Tahun").select_option(str(day.year))
    page.get_by_role("button", name="Tampilkan").click()
    row = page.get_by_role("row").filter(has_text="Dinas Pendidikan")
    cell = row.get_by_role("cell").nth(day.month - 1)
    assert cell.inner_text() == "1/1"
    assert "0/" in page.get_by_role("row").filter(has_text="Dinas Kesehatan").inner_text()

    # From the board to the activities of that month, to the activity, to its photo.
    cell.get_by_role("link").click()
    page.get_by_role("link", name=activity.title).click()
    href = page.locator(
        f"a[href='{reverse('activities:evidence_file', args=[photo.pk])}']"
    ).get_attribute("href")
    response = page.goto(href)
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
