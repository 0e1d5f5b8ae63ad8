"""Every page on a phone (issue 20, item 6): no page is wider than a 360 px screen, and the menu
folds behind its button there while it stays open on a desktop.

The pages are every GET route of the permission registries (``budaya/accounts/permissions.py``
and each app's ``permissions.py``), opened by a role that may open them, with the objects the
generated permission test builds (``full_world``). A table may scroll sideways inside its own
wrapper (``.table-wrap``, ``overflow-x: auto``); the page itself may not.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from budaya.accounts.models import Role
from budaya.accounts.permissions import PUBLIC, ROLE_ORDER, ROUTES, SIGNED_IN, Access
from budaya.activities.models import Activity
from budaya.org.models import Employee, Unit
from budaya.tests.test_permissions import full_world  # noqa: F401 (the fixture, reused)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# Not pages: a redirect that switches the language, a health check for monitoring.
NOT_PAGES = {"set_language", "healthz"}
# The role that opens a page: the one that sees the most of it (a whole government's rows).
PREFERRED = [Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE]


# Real names are long: they are what widens a page on a phone.
LONG_AGENCY = "Dinas Koperasi, Usaha Kecil dan Menengah, Perindustrian dan Perdagangan"
LONG_FORM = "Pemasangan standing banner BerAKHLAK pada ruang pelayanan publik"
LONG_POSITION = "Kepala Bidang Pengembangan Sumber Daya Manusia dan Pembinaan Aparatur"


@pytest.fixture
def phone_world(full_world):  # noqa: F811
    """The permission test's objects with the long names of real agencies, forms and positions,
    and a few activities today, so the calendar's current month has labels to fit."""
    w = full_world
    Unit.objects.filter(pk__in=[w.agency.pk, w.other_agency.pk]).update(name=LONG_AGENCY)
    Employee.objects.filter(government=w.government).update(position_name=LONG_POSITION)
    form = w.extras["form"]
    form.name = LONG_FORM
    form.save(update_fields=["name"])
    Activity.objects.bulk_create(
        Activity(
            government=w.government,
            unit=unit,
            date=datetime.date.today(),
            form=form,
            title=f"{LONG_FORM} {number}",
            participants_count=40,
        )
        for number in range(3)
        for unit in (w.sub_unit, w.other_agency)
    )
    return w


def _opener(access: Access) -> str | None:
    """The role that opens the page, None for a public one (opened signed out)."""
    if access.who == PUBLIC:
        return None
    if access.who == SIGNED_IN:
        return Role.CITY_ADMIN
    return next(
        role for role in [*PREFERRED, *ROLE_ORDER] if isinstance(role, str) and access.allows(role)
    )


def _pages(world) -> list[tuple[str | None, str, str]]:
    """(role, route name, URL) of every page, grouped by role so each signs in once."""
    pages = [
        (_opener(access), name, reverse(name, kwargs=access.args(world) if access.args else None))
        for name, access in ROUTES.items()
        if access.method == "GET" and name not in NOT_PAGES
    ]
    order = [None, *PREFERRED, Role.SYSTEM_ADMIN]
    return sorted(pages, key=lambda page: (order.index(page[0]), page[1]))


def _sign_in_as(page, user, url: str) -> None:
    """The browser carries a session made by Django's test client: no sign-in form per role."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": url,
            }
        ]
    )


def test_no_page_is_wider_than_a_phone(page, live_server, phone_world):
    page.set_viewport_size(PHONE)
    too_wide, opened = [], 0
    role: str | None = None
    for opener, name, url in _pages(phone_world):
        if opener != role:
            role = opener
            _sign_in_as(page, phone_world.user(opener), live_server.url)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            # A download (an export, a file): not a page.
            assert "Download is starting" in str(error), (name, str(error))
            continue
        assert response is not None
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        opened += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{name} as {opener}: {url} is {width} px wide")
    assert not too_wide, "\n".join(too_wide)
    # Most routes are pages: the walk did not silently skip them.
    assert opened > 100


def test_the_menu_folds_on_a_phone_and_stays_open_on_a_desktop(page, sign_in, full_world):  # noqa: F811
    page.set_viewport_size(PHONE)
    sign_in(full_world.user(Role.CITY_ADMIN))
    menu = page.get_by_role("navigation", name="Navigasi utama")
    button = page.locator(".nav-toggle > summary")
    # The first screen of a page on a phone is the page, with the menu behind its button.
    expect(button).to_be_visible()
    expect(menu).to_be_hidden()
    assert page.get_by_role("heading", level=1).bounding_box()["y"] < PHONE["height"] / 3
    button.click()
    expect(menu.get_by_role("link", name="Jejak audit")).to_be_visible()
    menu.get_by_role("link", name="Jejak audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak audit")
    expect(menu).to_be_hidden()

    # On a desktop the menu is open, with no button to press.
    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(menu.get_by_role("link", name="Beranda")).to_be_visible()
    expect(button).to_be_hidden()
