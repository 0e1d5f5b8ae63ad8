"""A person in Chromium (issue 17): locked out after five wrong passwords, then the city
administrator finds the attempts on a phone."""

import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_locked_out_and_seen_by_the_city_administrator_on_a_phone(
    page, sign_in, make_user, government
):
    admin = make_user("admin.kota", Role.CITY_ADMIN, government, first_name="Sari")
    make_user("pegawai.kota", Role.EMPLOYEE, government)
    page.set_viewport_size({"width": 360, "height": 740})
    for _attempt in range(5):
        page.goto("/login/")
        page.get_by_label("Nama pengguna").fill("Pegawai.Kota")
        page.get_by_label("Sandi").fill("salah-sekali")
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Terlalu banyak percobaan masuk yang gagal")

    page.context.clear_cookies()
    sign_in(admin)
    # On a phone the menu is folded behind its button on arrival (a <details> element).
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Jejak audit"
    ).click()
    page.get_by_role("link", name="Upaya masuk yang ditolak").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Upaya masuk yang ditolak"
    expect(page.get_by_text("5 upaya")).to_be_visible()
    expect(page.get_by_role("link", name="pegawai.kota").first).to_be_visible()
    # The page fits the phone; only the table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
