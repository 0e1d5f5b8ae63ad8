"""Scoped reads of governments, units and employees."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from budaya.accounts.models import Role
from budaya.org import search
from budaya.org.models import Employee, Government, Unit
from budaya.text import search_key


def governments_visible_to(user: Any) -> QuerySet[Government]:
    """System administrators see every government; everyone else those they hold a role in."""
    return Government.objects.visible_to(user)


def governments_administered_by(user: Any) -> QuerySet[Government]:
    """Governments whose records the user may change: system or city administrator of it."""
    return Government.objects.visible_to(user, roles=[Role.SYSTEM_ADMIN, Role.CITY_ADMIN])


def agencies_administered_by(user: Any) -> QuerySet[Unit]:
    """Agencies (top-level units) of the governments where the user is city administrator."""
    return Unit.objects.visible_to(user, roles=[Role.CITY_ADMIN]).filter(parent__isnull=True)


def employees_administered_by(user: Any) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user, roles=[Role.CITY_ADMIN])


CONTENT_ROLES = [role for role in Role.values if role != Role.SYSTEM_ADMIN]


def governments_with_content(user: Any) -> QuerySet[Government]:
    """Governments whose content (units, employees, programme) the user reads."""
    return Government.objects.visible_to(user, roles=CONTENT_ROLES)


def is_city_admin(user: Any, government: Government) -> bool:
    """Units, employees and imports are the government's content: its city administrators
    change them (the system administrator creates governments, not their content)."""
    return (
        Government.objects.visible_to(user, roles=[Role.CITY_ADMIN])
        .filter(pk=government.pk)
        .exists()
    )


def may_edit_letterhead(user: Any, unit: Unit) -> bool:
    """The city administrator of the unit's government, or a unit head whose agency holds it
    (issue 19: agencies keep their own letterhead lines)."""
    return (
        Unit.objects.visible_to(user, roles=[Role.CITY_ADMIN, Role.UNIT_HEAD])
        .filter(pk=unit.pk)
        .exists()
    )


def units_of(user: Any, government: Government) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(government=government)


def unit_tree(user: Any, government: Government, *, include_inactive: bool) -> list[Unit]:
    """The units the user sees, in tree order, each with its depth and employee count."""
    units = units_of(user, government).annotate(
        employee_count=Count("employees", filter=Q(employees__active=True))
    )
    if not include_inactive:
        units = units.filter(active_to__isnull=True)
    # Tree order sorted here: a database collation that ignores "/" would put "120/" between
    # "12/" and its child "12/40/".
    rows: list[Unit] = sorted(units, key=lambda unit: unit.path)
    base = min((unit.path.count("/") for unit in rows), default=1)
    for unit in rows:
        unit.depth = min(unit.path.count("/") - base, 6)  # type: ignore[attr-defined]
    return rows


def ancestors_by_unit(units: list[Unit]) -> dict[int, list[Unit]]:
    """Each unit's ancestors (from the agency down), from units already loaded, no queries."""
    by_id = {unit.pk: unit for unit in units}
    chains: dict[int, list[Unit]] = {}
    for unit in units:
        ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
        chains[unit.pk] = [by_id[pk] for pk in ids if pk in by_id]
    return chains


ECHELON_GROUPS = {"I": "I.", "II": "II.", "III": "III.", "IV": "IV."}


def employees_of(
    user: Any, government: Government, filters: dict[str, Any] | None = None
) -> QuerySet[Employee]:
    """The employees the user sees, filtered as on the list page (search, unit subtree, ...)."""
    filters = filters or {}
    employees = (
        Employee.objects.visible_to(user)
        .filter(government=government)
        .select_related("unit")
        .order_by("name", "pk")
    )
    query = (filters.get("q") or "").strip()
    if query:
        # Case, accents and invisible characters do not count (issue 23); on PostgreSQL read
        # from the government's own trigrams (issue 25).
        employees = employees.filter(
            search.matching(connection, government.pk, search_key(query), query)
        )
    unit = filters.get("unit")
    if unit:
        employees = employees.filter(unit__path__startswith=unit.path)
    if filters.get("status"):
        employees = employees.filter(status=filters["status"])
    if filters.get("position_kind"):
        employees = employees.filter(position_kind=filters["position_kind"])
    group = filters.get("echelon")
    if group == "none":
        employees = employees.filter(echelon="")
    elif group in ECHELON_GROUPS:
        employees = employees.filter(echelon__startswith=ECHELON_GROUPS[group])
    state = filters.get("state") or "active"
    if state == "active":
        employees = employees.filter(active=True)
    elif state == "possibly_left":
        employees = employees.filter(active=True, possibly_left_since__isnull=False)
    elif state == "inactive":
        employees = employees.filter(active=False)
    return employees
