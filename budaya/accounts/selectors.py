"""Scoped reads of users, role grants and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Value

from budaya.accounts.models import AuditEntry, AuditRecord, Role, RoleGrant, SystemAuditEntry, User
from budaya.org.models import Government, Unit

ADMINISTRATORS = [Role.SYSTEM_ADMIN, Role.CITY_ADMIN]


def administered_governments(user: Any) -> QuerySet[Government]:
    """Governments where the user manages accounts: city administrator of it, or system
    administrator (who may appoint its city administrators)."""
    return Government.objects.visible_to(user, roles=ADMINISTRATORS)


def grantable_roles(user: Any, government: Government | None = None) -> list[tuple[str, Any]]:
    """Roles the user may grant (in ``government``, when given).

    City administrators grant every role of their government except system administrator; a
    system administrator appoints city administrators, nothing else (no content of their own).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    city = user.tenant_scope([Role.CITY_ADMIN]).governments
    if (government is None and city) or (government is not None and government.pk in city):
        return [(value, label) for value, label in Role.choices if value != Role.SYSTEM_ADMIN]
    if user.has_role(Role.SYSTEM_ADMIN):
        return [(Role.CITY_ADMIN.value, Role.CITY_ADMIN.label)]
    return []


def grantable_units(user: Any) -> QuerySet[Unit]:
    """Agencies and units a unit-scoped grant may cover: those of the user's governments as
    city administrator (a system administrator grants no unit-scoped roles)."""
    return Unit.objects.visible_to(user, roles=[Role.CITY_ADMIN]).order_by("government", "path")


def users_visible_to(user: Any) -> QuerySet[User]:
    """Accounts the user manages: every account for a system administrator; for a city
    administrator those holding a role in, or linked to an employee of, their governments."""
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return User.objects.all()
    governments = user.tenant_scope([Role.CITY_ADMIN]).governments
    if not governments:
        return User.objects.none()
    return User.objects.filter(
        Q(role_grants__government__in=governments) | Q(employee__government__in=governments)
    ).distinct()


def grants_administered_by(user: Any) -> QuerySet[RoleGrant]:
    """Grants the user may revoke: in their governments as city administrator; a system
    administrator the city administrator grants of any government."""
    if not getattr(user, "is_authenticated", False):
        return RoleGrant.objects.none()
    query = Q(government__in=user.tenant_scope([Role.CITY_ADMIN]).governments)
    if user.has_role(Role.SYSTEM_ADMIN):
        query |= Q(role=Role.CITY_ADMIN)
    return RoleGrant.objects.filter(query)


class Trail:
    """Audit entries a user may read, newest first, from the governments' chains and, for a
    system administrator, the system chain (two tables: tenant data and shared data).

    Enough of a queryset for the trail pages and their paginator: ``filter`` applies to every
    part; a page of two parts is one UNION ALL of (time, id) and one query per part.
    """

    ordered = True

    def __init__(self, parts: Sequence[QuerySet[Any]]) -> None:
        self.parts = list(parts)

    def filter(self, *args: Any, **kwargs: Any) -> Trail:
        return Trail([part.filter(*args, **kwargs) for part in self.parts])

    def object_types(self) -> list[str]:
        found: set[str] = set()
        for part in self.parts:
            found.update(part.order_by().values_list("object_type", flat=True).distinct())
        return sorted(found)

    def names(self, wanted: dict[str, set[str]]) -> dict[tuple[str, str], str]:
        """The latest name the trail holds for each of these objects (kind: ids), what an
        entry's foreign keys point to, in words: one query per part, whatever the kinds, and
        only entries the user may read."""
        found: dict[tuple[str, str], str] = {}
        if not wanted:
            return found
        query = Q()
        for object_type, object_ids in wanted.items():
            query |= Q(object_type=object_type, object_id__in=object_ids)
        for part in self.parts:
            rows = part.filter(query).order_by("at", "pk")
            found.update(
                ((object_type, object_id), name)
                for object_type, object_id, name in rows.values_list(
                    "object_type", "object_id", "object_repr"
                )
            )
        return found

    def count(self) -> int:
        return sum(part.count() for part in self.parts)

    def exists(self) -> bool:
        return any(part.exists() for part in self.parts)

    def first(self) -> AuditRecord | None:
        entries = self[0:1]
        return entries[0] if entries else None

    def __getitem__(self, window: slice) -> list[AuditRecord]:
        if len(self.parts) == 1:
            return list(self.parts[0][window])
        keys = [
            part.order_by().values_list("at", "pk", Value(index, output_field=IntegerField()))
            for index, part in enumerate(self.parts)
        ]
        page = list(keys[0].union(*keys[1:], all=True).order_by("-at", "-pk")[window])
        found: dict[tuple[int, int], AuditRecord] = {}
        for index, part in enumerate(self.parts):
            ids = [pk for _at, pk, source in page if source == index]
            if ids:
                found.update(((index, entry.pk), entry) for entry in part.filter(pk__in=ids))
        return [found[(source, pk)] for _at, pk, source in page]


def audit_entries(user: Any) -> Trail:
    parts: list[QuerySet[Any]] = [AuditEntry.objects.visible_to(user).select_related("government")]
    if user.has_role(Role.SYSTEM_ADMIN):
        parts.append(SystemAuditEntry.objects.visible_to(user))
    return Trail(parts)


def grants_visible_to(user: Any) -> QuerySet[RoleGrant]:
    """Grants shown on an account's page: all for a system administrator, else those in the
    governments the user administers."""
    if not getattr(user, "is_authenticated", False):
        return RoleGrant.objects.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return RoleGrant.objects.all()
    return RoleGrant.objects.filter(government__in=user.tenant_scope([Role.CITY_ADMIN]).governments)


def people_of(agency: Unit, roles: Sequence[str]) -> list[int]:
    """Active users holding one of the unit roles on the agency or inside it (issue 20: whom a
    workflow event or a reminder about the agency goes to)."""
    return sorted(
        set(
            RoleGrant.objects.filter(
                government_id=agency.government_id,
                role__in=list(roles),
                unit__path__startswith=agency.path,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )


def people_over(unit: Unit | None, government_id: int, roles: Sequence[str]) -> list[int]:
    """Active users whose grant covers the unit (its agency or the unit itself, or the whole
    government for the city roles): who manages something of that unit."""
    covering = Q(unit__isnull=True)
    if unit is not None:
        parts = unit.path.split("/")[:-1]
        covering |= Q(unit__path__in=["/".join(parts[: n + 1]) + "/" for n in range(len(parts))])
    return sorted(
        set(
            RoleGrant.objects.filter(
                government_id=government_id, role__in=list(roles), user__is_active=True
            )
            .filter(covering)
            .values_list("user_id", flat=True)
        )
    )
