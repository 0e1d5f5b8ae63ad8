"""Each role in Chromium: the navigation and the pages it reaches are exactly what the
permission matrix (budaya/accounts/permissions.py) and the navigation table say."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.accounts.permissions import ROUTES
from budaya.navigation import NAV_ITEMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages each role visits: some reached, some refused, as the matrix says.
PAGES = ["accounts:user_list", "accounts:audit_list", "org:government_list", "accounts:account"]


def expected_nav(role: str) -> list[str]:
    with translation.override("id"):
        # An entry with a condition (``when``) follows the government's rulebook: the world's
        # government has the starter, under which none of them shows (problem solving).
        return [str(item.label) for item in NAV_ITEMS if role in item.roles and item.when is None]


@pytest.mark.parametrize(
    "role",
    [
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.LEADERSHIP,
        Role.UNIT_HEAD,
        Role.UNIT_TEAM,
        Role.EMPLOYEE,
    ],
)
def test_each_role_sees_what_the_matrix_says(page, sign_in, world, role):
    sign_in(world.user(role))
    nav = page.get_by_role("navigation", name="Navigasi utama")
    # Each entry's label, without the count of tasks waiting there (issue 20).
    labels = nav.get_by_role("link").evaluate_all(
        "links => links.map(link => link.firstChild.textContent.trim())"
    )
    assert labels == expected_nav(role)
    for name in PAGES:
        page.goto(reverse(name))
        heading = page.get_by_role("heading", level=1).inner_text()
        if ROUTES[name].allows(role):
            assert heading != "Akses ditolak", (role, name)
        else:
            assert heading == "Akses ditolak", (role, name)


def test_a_unit_role_gets_not_found_for_another_government(page, sign_in, world):
    sign_in(world.user(Role.UNIT_TEAM))
    page.goto(reverse("org:government_detail", args=[world.other_government.slug]))
    assert page.get_by_role("heading", level=1).inner_text() == "Halaman tidak ditemukan"
    page.goto(reverse("org:government_detail", args=[world.government.slug]))
    assert page.get_by_role("heading", level=1).inner_text() == world.government.name


def test_city_admin_grants_a_role_and_finds_it_in_the_trail(page, sign_in, world):
    sign_in(world.user(Role.CITY_ADMIN))
    nav = page.get_by_role("navigation", name="Navigasi utama")
    nav.get_by_role("link", name="Pengguna dan peran").click()
    page.get_by_role("link", name="w.sekda").click()
    page.get_by_label("Peran:", exact=True).select_option(Role.UNIT_HEAD.value)
    page.get_by_label("Perangkat daerah:", exact=True).select_option(label="Dinas Kesehatan")
    page.get_by_role("button", name="Berikan peran").click()
    expect(page.get_by_text("Peran telah diberikan.")).to_be_visible()
    nav.get_by_role("link", name="Jejak audit").click()
    expect(page.get_by_role("cell", name="Beri peran").first).to_be_visible()
