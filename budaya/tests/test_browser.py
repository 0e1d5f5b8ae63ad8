"""A person in Chromium: signs in, switches language, visits the shell's pages, on a phone too."""

import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_language_and_visit_the_pages(page, sign_in, make_user, government):
    admin = make_user("admin.kota", Role.CITY_ADMIN, government, first_name="Sari")
    page.goto("/")
    # Not signed in: the sign-in page, in Bahasa Indonesia although the browser asks for English.
    assert "/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "id"
    sign_in(admin)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Selamat datang")
    expect(page.get_by_text("Kota Tangerang").first).to_be_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")

    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Governments").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Governments"
    page.get_by_role("link", name="Kota Tangerang").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kota Tangerang"
    expect(page.get_by_text("36.71")).to_be_visible()

    nav.get_by_role("link", name="Value frameworks").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Value frameworks"

    page.goto("/tidak-ada/")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"

    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "id"


def test_usable_at_360_px_and_by_keyboard(page, sign_in, make_user, government):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(make_user("pegawai.kota", Role.EMPLOYEE, government))
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # The first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Langsung ke konten"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
