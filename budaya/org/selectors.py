"""Scoped reads of governments, units and employees."""

from __future__ import annotations

from django.db.models import QuerySet

from budaya.accounts.models import Role
from budaya.org.models import Government


def governments_visible_to(user) -> QuerySet[Government]:  # type: ignore[no-untyped-def]
    """System administrators see every government; everyone else those they hold a role in."""
    if not user.is_authenticated:
        return Government.objects.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return Government.objects.all()
    return Government.objects.filter(rolegrant__user=user).distinct()
