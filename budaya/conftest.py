"""Fixtures shared by every app's tests: two governments, agencies, and users for each role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budaya.accounts.models import Role, RoleGrant, User
from budaya.org.models import Employee, Government, Unit

PASSWORD = "kata-sandi-uji-yang-panjang"


@pytest.fixture
def government(db) -> Government:
    return Government.objects.create(
        name="Kota Tangerang", slug="kota-tangerang", kind="kota", kemendagri_code="36.71"
    )


@pytest.fixture
def other_government(db) -> Government:
    return Government.objects.create(
        name="Kota Serang", slug="kota-serang", kind="kota", kemendagri_code="36.73"
    )


@pytest.fixture
def agency(government) -> Unit:
    return Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="1.01", name="Dinas Pendidikan"
    )


@pytest.fixture
def make_user(db):
    def make(username: str, role: str | None = None, government=None, unit=None, **extra) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if role:
            RoleGrant.objects.create(user=user, role=role, government=government, unit=unit)
        return user

    return make


@pytest.fixture
def system_admin(make_user) -> User:
    return make_user("sysadmin", Role.SYSTEM_ADMIN)


@pytest.fixture
def city_admin(make_user, government) -> User:
    return make_user("admin.tangerang", Role.CITY_ADMIN, government)


@pytest.fixture
def employee(agency) -> Employee:
    return Employee.objects.create(
        government=agency.government,
        unit=agency,
        nip="198503152010011002",
        name="Budi Santoso Fiktif",
        sex="L",
        status="PNS",
        rank="III/c",
    )


# --- Browser tests: Playwright for Python driving Debian's Chromium -------------------------

CHROMIUM = os.environ.get("BUDAYA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required under CI=true and was not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous, so Django's async-safety guard must stand aside.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def sign_in_as(user) -> None:
        page.goto("/login/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/")

    return sign_in_as
