"""Fixtures shared by every app's tests: two governments, agencies, and users for each role."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import translation

from budaya.accounts import audit
from budaya.accounts.models import Role, RoleGrant, User
from budaya.org.models import Employee, Government, Unit

PASSWORD = "kata-sandi-uji-yang-panjang"


_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_past_the_audit_triggers(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
    """The suite's own flush (after each transactional test) empties the audit tables: it drops
    their append-only triggers and creates them again in the flush's transaction (issue 17).
    Nothing outside the suite does this: on a database made by ``migrate`` the triggers refuse
    DELETE and, on PostgreSQL, TRUNCATE (budaya/accounts/tests/test_migrated_database.py)."""
    vendor = self.connection.vendor
    drops = [
        sql for table in audit.APPEND_ONLY_TABLES for sql in audit.drop_statements(vendor, table)
    ]
    creates = [
        sql for table in audit.APPEND_ONLY_TABLES for sql in audit.trigger_statements(vendor, table)
    ]
    _flush(self, [*drops, *sql_list, *creates])


BaseDatabaseOperations.execute_sql_flush = _flush_past_the_audit_triggers  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def audit_checkpoints(settings, tmp_path_factory):
    """The audit trail's checkpoints of a test go to a temporary folder, never to var/."""
    settings.BUDAYA_AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("checkpoints")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language (Bahasa Indonesia), whatever an earlier test on the
    same worker left active: a request activates the language it asks for and leaves it active in
    the thread, which made assertions on messages depend on the order the tests ran in."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path_factory):
    """Uploaded files of a test go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def empty_cache():
    """Sign-in lockout counts live in the cache (issue 17): no test inherits another's; nor the
    activity form's choices kept by the process (a database of a test reuses ids)."""
    from django.core.cache import cache

    from budaya.activities import choices

    cache.clear()
    choices.forget()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The production hasher costs a third of a second per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def task_backend(settings):
    """Run this test's tasks through another backend (the suite's default runs them at once):
    ``task_backend("budaya.tasks.ThreadBackend")``. Django caches the backends; reset them."""
    from asgiref.local import Local
    from django.tasks import task_backends

    def reset() -> None:
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None  # type: ignore[attr-defined]
        task_backends._connections = Local(task_backends.thread_critical)  # type: ignore[attr-defined]

    def use(path: str) -> None:
        settings.TASKS = {"default": {"BACKEND": path}}
        reset()

    yield use
    reset()


@pytest.fixture
def db_worker(settings):
    """Start ``manage.py db_worker`` in its own process, on the test database (issue 23: the
    production path). Returns a function taking extra arguments; every worker is killed after
    the test."""
    import subprocess
    import sys

    from django.db import connection

    workers: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budaya.settings",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "DB_NAME": str(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }

    def start(*arguments: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        worker = subprocess.Popen(  # noqa: S603 (our own command line)
            [*command, "--interval", "0.2", *arguments],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)


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
        if role == Role.SYSTEM_ADMIN:
            # No grant: the system administrator's role is the superuser flag.
            return User.objects.create_user(
                username=username, password=PASSWORD, is_superuser=True, **extra
            )
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


@dataclass
class World:
    """Two governments; in the first, two agencies (one with a sub-unit) and a user for every
    role, unit-scoped roles on the first agency. Everything a permission check needs to build
    the arguments of a route from "own" objects and from objects it must not reach."""

    government: Government
    other_government: Government
    agency: Unit
    sub_unit: Unit
    other_agency: Unit
    foreign_agency: Unit
    employee: Employee
    other_employee: Employee
    foreign_employee: Employee
    users: dict[str, User]
    foreign_user: User
    other_agency_user: User
    extras: dict[str, object] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


def _employee(unit: Unit, nip: str, name: str) -> Employee:
    return Employee.objects.create(
        government=unit.government, unit=unit, nip=nip, name=name, sex="P", status="PNS"
    )


@pytest.fixture
def world(government, other_government, make_user) -> World:
    agency = Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="1.01", name="Dinas Pendidikan"
    )
    sub_unit = Unit.objects.create(
        government=government,
        parent=agency,
        kind=Unit.Kind.BIDANG,
        code="1.01.1",
        name="Bidang Sekolah Dasar",
    )
    other_agency = Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="1.02", name="Dinas Kesehatan"
    )
    foreign_agency = Unit.objects.create(
        government=other_government, kind=Unit.Kind.DINAS, code="1.01", name="Dinas Pendidikan"
    )
    employee = _employee(sub_unit, "199001012015032001", "Siti Contoh")
    other_employee = _employee(other_agency, "199102022016042002", "Rina Contoh")
    foreign_employee = _employee(foreign_agency, "199203032017052003", "Dewi Contoh")
    users: dict[str, User] = {
        Role.SYSTEM_ADMIN: make_user("w.sysadmin", Role.SYSTEM_ADMIN),
        Role.CITY_ADMIN: make_user("w.admin", Role.CITY_ADMIN, government),
        Role.LEADERSHIP: make_user("w.sekda", Role.LEADERSHIP, government),
        Role.UNIT_HEAD: make_user("w.kepala", Role.UNIT_HEAD, government, agency),
        Role.UNIT_TEAM: make_user("w.tim", Role.UNIT_TEAM, government, agency),
        Role.EMPLOYEE: make_user("w.pegawai", Role.EMPLOYEE, government, agency, employee=employee),
    }
    foreign_user = make_user("w.admin.serang", Role.CITY_ADMIN, other_government)
    other_agency_user = make_user(
        "w.tim.kesehatan", Role.UNIT_TEAM, government, other_agency, employee=other_employee
    )
    return World(
        government=government,
        other_government=other_government,
        agency=agency,
        sub_unit=sub_unit,
        other_agency=other_agency,
        foreign_agency=foreign_agency,
        employee=employee,
        other_employee=other_employee,
        foreign_employee=foreign_employee,
        users=users,
        foreign_user=foreign_user,
        other_agency_user=other_agency_user,
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true nothing may be skipped: a skipped test fails, with the reason it gave."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI=true, which allows no skip: {reason}"
