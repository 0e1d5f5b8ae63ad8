"""The main navigation, adapted to the roles the signed-in user holds.

Each capability adds its entry here once; an entry names the roles that see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role

EVERY_ROLE = frozenset(Role.values)
ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # The first path segment that marks this entry as the current page.
    section: str


NAV_ITEMS = [
    NavItem(_("Home"), "home", EVERY_ROLE, ""),
    NavItem(_("Value frameworks"), "frameworks:list", EVERY_ROLE, "frameworks"),
    NavItem(_("Governments"), "org:government_list", ADMINS, "governments"),
    NavItem(_("Users and roles"), "accounts:user_list", ADMINS, "users"),
    NavItem(_("Audit trail"), "accounts:audit_list", ADMINS, "audit"),
    NavItem(_("My account"), "accounts:account", EVERY_ROLE, "account"),
]


def items_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    held = user.role_names()  # type: ignore[union-attr]
    section = request.path.strip("/").split("/", 1)[0]
    return [
        {"label": item.label, "url": reverse(item.url_name), "current": item.section == section}
        for item in NAV_ITEMS
        if item.roles & held
    ]


def context(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": items_for(request)}
