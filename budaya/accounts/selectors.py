"""Scoped reads of users, role grants and the audit trail."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from budaya.accounts.models import AuditEntry, Role, RoleGrant, User
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
        query |= Q(role=Role.CITY_ADMIN, government__isnull=False)
    return RoleGrant.objects.filter(query)


def audit_entries(user: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.visible_to(user).select_related("government")


def grants_visible_to(user: Any) -> QuerySet[RoleGrant]:
    """Grants shown on an account's page: all for a system administrator, else those in the
    governments the user administers."""
    if not getattr(user, "is_authenticated", False):
        return RoleGrant.objects.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return RoleGrant.objects.all()
    return RoleGrant.objects.filter(government__in=user.tenant_scope([Role.CITY_ADMIN]).governments)
