"""Writes the demo data: governments, agency trees, employees, framework adoptions and logins.

Idempotent by natural keys (government slug, unit code, NIP or NI PPPK, username): what exists
is left as it is, only what is missing is created, all in one transaction. Existing rows are never
overwritten, so a demo installation that someone has edited keeps its edits.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from budaya.accounts.models import Role, RoleGrant, User
from budaya.frameworks.models import Adoption, FrameworkVersion
from budaya.org.demo.catalogue import GovernmentSpec, LoginSpec, UnitSpec, load_catalogue
from budaya.org.demo.people import Person, generate_people
from budaya.org.models import Employee, Government, Unit

DEMO_PASSWORD_ENV = "BUDAYA_DEMO_PASSWORD"  # noqa: S105 (a variable name, not a password)
# Documented in the command's help and printed with the logins; never used outside the demo.
DEFAULT_DEMO_PASSWORD = "budaya-kerja-demo"  # noqa: S105
MIN_PASSWORD_LENGTH = 12
DEFAULT_STAFF_PER_AGENCY = 6
SYSTEM_ADMIN_USERNAME = "sysadmin"
SYSTEM_ADMIN_NAME = "Administrator Sistem"


def demo_password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV) or DEFAULT_DEMO_PASSWORD


@dataclass
class GovernmentSummary:
    name: str
    units: int = 0
    units_created: int = 0
    employees: int = 0
    employees_created: int = 0
    framework: str = ""


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    government: str
    agency: str
    password_matches: bool


@dataclass
class SeedResult:
    governments: list[GovernmentSummary] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    users_created: int = 0
    passwords_reset: int = 0
    # What the other apps' demo data added (one line each): see ``seed_other_apps``.
    other_apps: list[str] = field(default_factory=list)


@transaction.atomic
def seed_demo(
    *,
    password: str,
    staff_per_agency: int = DEFAULT_STAFF_PER_AGENCY,
    reset_passwords: bool = False,
) -> SeedResult:
    """Create whatever of the demo is missing; with ``reset_passwords`` also set the password of
    existing demo logins whose password differs."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"The demo password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if staff_per_agency < 0:
        raise ValueError("The number of staff per agency cannot be negative.")
    catalogue = load_catalogue()
    people = generate_people(catalogue, staff_per_agency)
    result = SeedResult()
    logins: list[tuple[LoginSpec, Government, dict[str, Unit], dict[str, Employee]]] = []
    adoptions: list[tuple[Government, GovernmentSpec, GovernmentSummary]] = []
    for spec in catalogue.governments:
        summary = GovernmentSummary(name=spec.name)
        government = _ensure_government(spec)
        units = _ensure_units(government, spec.units, summary)
        employees = _ensure_employees(government, units, people[spec.slug], summary)
        result.governments.append(summary)
        adoptions.append((government, spec, summary))
        logins.extend((login, government, units, employees) for login in spec.logins)
    _adopt_frameworks(adoptions)
    _ensure_logins(logins, password, reset_passwords, result)
    result.other_apps = seed_other_apps()
    return result


def seed_other_apps() -> list[str]:
    """Each later app extends the demo in ``budaya/<app>/demo.py`` with ``seed() -> list[str]``:
    idempotent, run after the governments, units, employees and logins exist, returning lines
    that say what it made. Apps run in INSTALLED_APPS order."""
    lines: list[str] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        later_app = config.name.startswith("budaya.") and config.name != "budaya.org"
        if later_app and importlib.util.find_spec(name) is not None:
            lines.extend(importlib.import_module(name).seed())
    return lines


# Governments and units -----------------------------------------------------------------------


def _ensure_government(spec: GovernmentSpec) -> Government:
    government, _created = Government.objects.get_or_create(
        slug=spec.slug, defaults=spec.government_fields()
    )
    return government


def _ensure_units(
    government: Government, specs: Iterable[UnitSpec], summary: GovernmentSummary
) -> dict[str, Unit]:
    """Missing units are bulk-created level by level (a parent needs its id first); Unit.save
    is bypassed, so each level's materialised paths are set right after its insert."""
    units = {unit.code: unit for unit in Unit.objects.filter(government=government)}
    by_depth: dict[int, list[UnitSpec]] = {}
    for spec in specs:
        by_depth.setdefault(spec.depth, []).append(spec)
    for depth in sorted(by_depth):
        new = [
            Unit(
                government=government,
                parent=units[spec.parent_code] if spec.parent_code else None,
                kind=spec.kind,
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
            )
            for spec in by_depth[depth]
            if spec.code not in units
        ]
        if not new:
            continue
        Unit.objects.bulk_create(new)
        for unit in new:
            parent_path = units[unit.parent.code].path if unit.parent else ""
            unit.path = f"{parent_path}{unit.pk}/"
            units[unit.code] = unit
        Unit.objects.bulk_update(new, ["path"])
        summary.units_created += len(new)
    summary.units = len(units)
    return units


# Employees -----------------------------------------------------------------------------------


def _ensure_employees(
    government: Government,
    units: dict[str, Unit],
    people: list[Person],
    summary: GovernmentSummary,
) -> dict[str, Employee]:
    """The demo's employees by person key (only those whose post is in the data files)."""
    existing: dict[str, Employee] = {}
    for employee in Employee.objects.filter(government=government).only("id", "nip", "ni_pppk"):
        for number in (employee.nip, employee.ni_pppk):
            if number:
                existing[number] = employee
    new = [
        person.as_employee(government, units[person.unit_code])
        for person in people
        if person.natural_key not in existing
    ]
    Employee.objects.bulk_create(new, batch_size=500)
    for employee in new:
        existing[employee.nip or employee.ni_pppk or ""] = employee
    summary.employees_created = len(new)
    summary.employees = Employee.objects.filter(government=government).count()
    return {person.key: existing[person.natural_key] for person in people}


# Value frameworks ----------------------------------------------------------------------------


def _adopt_frameworks(items: list[tuple[Government, GovernmentSpec, GovernmentSummary]]) -> None:
    try:
        from budaya.frameworks.services import adopt_version, load_shipped_frameworks
    except ImportError:
        for _government, _spec, summary in items:
            summary.framework = "skipped: budaya.frameworks.services is not available yet"
        return
    latest: dict[str, FrameworkVersion] = {}
    for shipped in load_shipped_frameworks():
        slug = shipped.framework.slug
        if slug not in latest or shipped.number > latest[slug].number:
            latest[slug] = shipped
    for government, spec, summary in items:
        wanted = spec.framework
        version = latest.get(wanted.slug)
        if version is None:
            summary.framework = f"skipped: no shipped framework {wanted.slug!r}"
            continue
        # A government with any adoption already has its framework history: leave it alone.
        adoption = (
            Adoption.objects.filter(government=government)
            .select_related("version__framework")
            .order_by("-adopted_from")
            .first()
        )
        if adoption is None:
            adoption = adopt_version(
                government=government,
                version=version,
                adopted_from=wanted.adopted_from,
                decision=wanted.decision,
            )
            summary.framework = f"{adoption.version} adopted from {adoption.adopted_from:%Y-%m-%d}"
        else:
            summary.framework = f"{adoption.version} from {adoption.adopted_from:%Y-%m-%d}"


# Logins --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DemoLogin:
    username: str
    role: str
    government: Government | None
    unit: Unit | None
    employee: Employee | None
    display_name: str
    office: str = ""


def _ensure_logins(
    logins: list[tuple[LoginSpec, Government, dict[str, Unit], dict[str, Employee]]],
    password: str,
    reset_passwords: bool,
    result: SeedResult,
) -> None:
    wanted = [
        _DemoLogin(SYSTEM_ADMIN_USERNAME, Role.SYSTEM_ADMIN, None, None, None, SYSTEM_ADMIN_NAME)
    ]
    for spec, spec_government, units, employees in logins:
        employee = employees.get(spec.employee_ref) if spec.employee_ref else None
        wanted.append(
            _DemoLogin(
                username=spec.username,
                role=spec.role,
                government=spec_government,
                unit=units[spec.unit_code] if spec.unit_code else None,
                employee=employee,
                display_name=spec.display_name or (employee.name if employee else ""),
                office=spec.office,
            )
        )

    users = {
        user.username: user
        for user in User.objects.filter(username__in=[login.username for login in wanted])
    }
    # One hash for every new demo login: they share one documented password anyway, and hashing
    # is deliberately slow (PBKDF2), so hashing once keeps the command fast.
    missing = [login for login in wanted if login.username not in users]
    encoded = make_password(password) if missing or reset_passwords else ""
    linked = set(
        User.objects.filter(
            employee__in=[login.employee for login in missing if login.employee]
        ).values_list("employee_id", flat=True)
    )
    new_users = []
    for login in missing:
        employee = login.employee
        if employee is not None and employee.pk in linked:
            employee = None  # someone already signs in as this employee; leave them be
        user = User(
            username=login.username,
            password=encoded,
            first_name=login.display_name[:150],
            employee=employee,
            # The system administrator's role is the superuser flag, not a grant.
            is_superuser=login.role == Role.SYSTEM_ADMIN,
        )
        if employee is not None:
            linked.add(employee.pk)
        new_users.append(user)
        users[login.username] = user
    User.objects.bulk_create(new_users)
    result.users_created = len(new_users)

    matches = _password_matches(list(users.values()), password, known={encoded})
    if reset_passwords:
        stale = [user for user in users.values() if not matches[user.username]]
        for user in stale:
            user.password = encoded
            matches[user.username] = True
        User.objects.bulk_update(stale, ["password"])
        result.passwords_reset = len(stale)

    held: set[tuple[int, str, int | None, int | None]] = set(
        RoleGrant.objects.filter(user__in=users.values()).values_list(
            "user_id", "role", "government_id", "unit_id"
        )
    )
    grants = []
    for login in wanted:
        user = users[login.username]
        government, unit = login.government, login.unit
        key = (
            user.pk,
            login.role,
            government.pk if government else None,
            unit.pk if unit else None,
        )
        if key not in held and government is not None:
            held.add(key)
            grants.append(
                RoleGrant(
                    user=user,
                    role=login.role,
                    government=government,
                    unit=unit,
                    office=login.office,
                )
            )
        result.logins.append(
            Login(
                username=login.username,
                role=login.role,
                government=government.name if government else "",
                agency=unit.name if unit else "",
                password_matches=matches[login.username],
            )
        )
    RoleGrant.objects.bulk_create(grants)


def _password_matches(users: list[User], password: str, known: set[str]) -> dict[str, bool]:
    """Whether each user's password is the demo password, checking each distinct hash once
    (``known``: hashes of the demo password made in this run)."""
    verdicts: dict[str, bool] = {encoded: True for encoded in known if encoded}
    for user in users:
        if user.password not in verdicts:
            verdicts[user.password] = check_password(password, user.password)
    return {user.username: verdicts[user.password] for user in users}
