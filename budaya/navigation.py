"""The main navigation, adapted to the roles the signed-in user holds.

Each capability adds its entry here once; an entry names the roles that see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.activities.apps import NAV_LABEL as ACTIVITIES_LABEL
from budaya.competitions.apps import NAV_LABEL as COMPETITIONS_LABEL
from budaya.monev.apps import NAV_LABEL as MONEV_LABEL
from budaya.problems.apps import NAV_LABEL as PROBLEMS_LABEL
from budaya.programme.apps import NAV_LABEL as PROGRAMME_LABEL
from budaya.rulebook.apps import NAV_LABEL as RULEBOOK_LABEL
from budaya.surveys.apps import ME_LABEL
from budaya.surveys.apps import NAV_LABEL as SURVEYS_LABEL
from budaya.teams.apps import NAV_LABEL as TEAMS_LABEL

EVERY_ROLE = frozenset(Role.values)
ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})
# Units and employees are a government's content, which a system administrator does not read.
GOVERNMENT_ROLES = EVERY_ROLE - {Role.SYSTEM_ADMIN}


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # The view names (prefixes) whose pages mark this entry as the current one.
    views: tuple[str, ...]
    # Shown only when this says so for the user (a rule of the government's rulebook).
    when: Callable[[HttpRequest], bool] | None = None


def _problem_solving_applies(request: HttpRequest) -> bool:
    """KBK problem solving is in the menu only where a government of the user's has it in its
    rulebook (issue 21); kept in the session, so the menu costs no query."""
    from budaya.problems.menu import shows

    return shows(request)


NAV_ITEMS = [
    NavItem(_("Home"), "home", EVERY_ROLE, ("home",)),
    NavItem(
        ME_LABEL,
        "surveys:me",
        GOVERNMENT_ROLES,
        ("surveys:me", "surveys:sign", "surveys:twibbon", "surveys:answer"),
    ),
    NavItem(_("Value frameworks"), "frameworks:list", EVERY_ROLE, ("frameworks:",)),
    NavItem(_("Units"), "org:my_units", GOVERNMENT_ROLES, ("org:unit_", "org:my_units")),
    NavItem(
        _("Employees"),
        "org:my_employees",
        GOVERNMENT_ROLES,
        ("org:employee_", "org:import_", "org:my_employees"),
    ),
    NavItem(TEAMS_LABEL, "teams:my_teams", GOVERNMENT_ROLES, ("teams:",)),
    NavItem(PROGRAMME_LABEL, "programme:mine", GOVERNMENT_ROLES, ("programme:",)),
    NavItem(ACTIVITIES_LABEL, "activities:start", GOVERNMENT_ROLES, ("activities:",)),
    NavItem(MONEV_LABEL, "monev:start", GOVERNMENT_ROLES, ("monev:",)),
    NavItem(
        PROBLEMS_LABEL,
        "problems:mine",
        GOVERNMENT_ROLES,
        ("problems:",),
        when=_problem_solving_applies,
    ),
    NavItem(COMPETITIONS_LABEL, "competitions:mine", GOVERNMENT_ROLES, ("competitions:",)),
    NavItem(
        SURVEYS_LABEL,
        "surveys:mine",
        GOVERNMENT_ROLES - {Role.EMPLOYEE},
        ("surveys:mine", "surveys:index", "surveys:detail", "surveys:create", "surveys:quest"),
    ),
    NavItem(RULEBOOK_LABEL, "rulebook:mine", EVERY_ROLE, ("rulebook:",)),
    NavItem(_("Governments"), "org:government_list", ADMINS, ("org:government_",)),
    NavItem(_("Users and roles"), "accounts:user_list", ADMINS, ("accounts:user_",)),
    NavItem(
        _("Audit trail"),
        "accounts:audit_list",
        ADMINS,
        ("accounts:audit_", "accounts:sign_in_attempts"),
    ),
    NavItem(_("My account"), "accounts:account", EVERY_ROLE, ("accounts:account",)),
]


def items_for(request: HttpRequest) -> list[dict[str, object]]:
    # A request refused before the authentication middleware ran (a bad Host header answers
    # 400 from CommonMiddleware) has no user: its error page shows no navigation (issue 17).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    held = user.role_names()  # type: ignore[union-attr]
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else ""
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": view.startswith(item.views),
        }
        for item in NAV_ITEMS
        if item.roles & held and (item.when is None or item.when(request))
    ]


def context(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": items_for(request)}
