"""Scoped reads of governments, units and employees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from budaya.accounts.models import Role
from budaya.org.models import Employee, Government, Unit


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
