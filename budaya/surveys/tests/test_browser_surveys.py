"""The issue's "Done when" in Chromium: an employee answers a pulse on a phone, one question a
screen, each choice saved as it is made (they leave and come back to it); the city administrator
closes it and sees the agency's figures with the small unit hidden (issue 22)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budaya.conftest import PASSWORD
from budaya.surveys.models import Figure, Invitation
from budaya.surveys.tests.conftest import employee_user
from budaya.surveys.tests.test_flow import _answer_all, _pulse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = (
    Path(os.environ.get("BUDAYA_SCREENSHOTS", Path(tempfile.gettempdir()) / "budaya-screenshots"))
    / "surveys"
)


def _person(chromium, live_server, user, width):
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    return context, page


def test_an_employee_answers_on_a_phone_and_the_administrator_sees_small_groups_hidden(
    chromium, live_server, place, make_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    survey = _pulse(place)
    user = employee_user(make_user, place.staff[0])
    context, page = _person(chromium, live_server, user, 360)
    page.goto("/surveys/me/")
    page.get_by_role("link", name=survey.title).click()
    page.get_by_role("link", name="Satu pertanyaan per layar").click()
    expect(page.locator("fieldset")).to_have_count(1)
    page.get_by_label("4").check()
    expect(page.locator("#saved")).to_have_text("Tersimpan")
    page.screenshot(path=str(SHOTS / "answer-360.png"), full_page=True)
    invitation = Invitation.objects.get(survey=survey, employee=place.staff[0])
    assert list(invitation.draft.values()) == [4]
    # Leaves, comes back: the first answer is still there.
    page.goto("/surveys/me/")
    page.get_by_role("link", name=survey.title).click()
    page.get_by_role("link", name="Satu pertanyaan per layar").click()
    expect(page.get_by_label("4")).to_be_checked()
    for _ in range(3):
        page.get_by_role("button", name="Berikutnya").click()
        page.wait_for_load_state()
        page.get_by_label("Sangat setuju", exact=True).check()
        expect(page.locator("#saved")).to_have_text("Tersimpan")
    page.get_by_role("button", name="Kirim jawaban saya").click()
    expect(page.locator(".messages")).to_contain_text("dikirim secara anonim")
    context.close()
    invitation.refresh_from_db()
    assert invitation.answered and invitation.draft == {}

    _answer_all(survey, place.staff[1:])
    context, page = _person(chromium, live_server, place.admin, 1280)
    page.goto(f"/surveys/{place.government.slug}/{survey.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tutup dan terbitkan hasil").click()
    expect(page.locator("table").first).to_contain_text("Tidak ditampilkan")
    page.screenshot(path=str(SHOTS / "results-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(SHOTS / "results-360.png"), full_page=True)
    context.close()
    assert Figure.objects.filter(survey=survey, shown=False).exists()
