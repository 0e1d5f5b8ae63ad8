"""The main navigation, adapted to the roles the signed-in user holds.

Each capability adds its entry here once; an entry names the roles that see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budaya import pending
from budaya.accounts.models import Role
from budaya.activities.apps import NAV_LABEL as ACTIVITIES_LABEL
from budaya.competitions.apps import NAV_LABEL as COMPETITIONS_LABEL
from budaya.dashboard.apps import NATIONAL_LABEL
from budaya.dashboard.apps import NAV_LABEL as DASHBOARD_LABEL
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
# The leadership dashboard: the city roles, and an agency head for their agency (issue 20).
DASHBOARD_ROLES = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD})


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
    NavItem(
        DASHBOARD_LABEL,
        "dashboard:start",
        DASHBOARD_ROLES,
        ("dashboard:start", "dashboard:government"),
    ),
    # The provinces in figures, for the installation's operator (issue 20 item 5).
    NavItem(
        NATIONAL_LABEL,
        "dashboard:national",
        frozenset({Role.SYSTEM_ADMIN}),
        ("dashboard:national", "dashboard:province"),
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


def pending_key(user_id: int) -> str:
    return f"pending:{user_id}"


def counts_by_section(items: list[pending.PendingItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        if item.section:
            counts[item.section] = counts.get(item.section, 0) + item.count
    return counts


def remember_counts(user_id: int, items: list[pending.PendingItem]) -> dict[str, int]:
    """Keep the menu's counts of the user briefly (issue 20). Every page shows the counts kept;
    a page finding none asks for them after it has loaded (``budaya.views.menu``: htmx), so no
    page pays for every app's providers. Forgotten when an event concerns the user or the user
    writes (``budaya.notifications``): stale for others' unannounced steps at most
    ``BUDAYA_PENDING_CACHE_SECONDS``."""
    counts = counts_by_section(items)
    cache.set(pending_key(user_id), counts, settings.BUDAYA_PENDING_CACHE_SECONDS)
    return counts


def kept_counts(user_id: int) -> dict[str, int] | None:
    counts: dict[str, int] | None = cache.get(pending_key(user_id))
    return counts


def _count_of(item: NavItem, counts: dict[str, int]) -> int:
    return sum(
        count
        for section, count in counts.items()
        if any(view.startswith(section) for view in item.views)
    )


def items_for(
    request: HttpRequest, counts: dict[str, int] | None = None, view: str | None = None
) -> list[dict[str, object]]:
    """The entries the user sees, each with its count of waiting tasks (``counts``, by section)
    and marked current when ``view`` (the page's view name) belongs to it."""
    # A request refused before the authentication middleware ran (a bad Host header answers
    # 400 from CommonMiddleware) has no user: its error page shows no navigation (issue 17).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    held = user.role_names()  # type: ignore[union-attr]
    if view is None:
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else ""
    counts = counts or {}
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": view.startswith(item.views),
            "count": _count_of(item, counts),
        }
        for item in NAV_ITEMS
        if item.roles & held and (item.when is None or item.when(request))
    ]


def context(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    counts = kept_counts(user.pk)
    return {"nav_items": items_for(request, counts), "nav_counts_known": counts is not None}
