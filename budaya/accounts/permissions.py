"""Who may reach each route: the registry behind the permission test and docs/permissions.md.

Every named route of ``budaya.urls`` has one entry here. ``budaya/tests/test_permissions.py``
walks the URL configuration, fails on a route missing from this registry, and checks each entry
for every role with objects of the user's own agency and government, of a second agency, and of
a second government. ``manage.py permissions_doc`` writes the matrix to docs/permissions.md.

To add a route: add an ``Access`` with the roles that may reach it, how to build its arguments
from the test world (``budaya.conftest.World``: ``w.government``, ``w.agency``, ``w.extras``...),
and, for object routes, ``Foreign`` variants whose objects must answer 404.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from budaya.accounts.models import UNIT_SCOPED_ROLES, Role

PUBLIC = "public"
SIGNED_IN = "signed in"
EVERY_ROLE = frozenset(Role.values)
ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})
CITY_ADMIN = frozenset({Role.CITY_ADMIN})
ALL_BUT_SYSTEM = EVERY_ROLE - {Role.SYSTEM_ADMIN}
UNIT_ROLES = frozenset(UNIT_SCOPED_ROLES)

Args = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Foreign:
    """Arguments naming an object that the roles in ``hidden_from`` must not reach (404)."""

    label: str
    args: Args
    hidden_from: frozenset[str]


@dataclass(frozen=True)
class Access:
    action: str
    # PUBLIC, SIGNED_IN (any role) or the roles that may reach it.
    who: str | frozenset[str]
    args: Args | None = None
    foreign: tuple[Foreign, ...] = ()
    method: str = "GET"
    data: Args | None = None
    # What part of the data an allowed role reaches, for the matrix.
    scope: str = ""

    def allows(self, role: str | None) -> bool:
        if self.who == PUBLIC:
            return True
        if role is None:
            return False
        if self.who == SIGNED_IN:
            return True
        assert isinstance(self.who, frozenset)
        return role in self.who


def other_government(args: Args, hidden_from: frozenset[str] = ALL_BUT_SYSTEM) -> Foreign:
    return Foreign("second government", args, hidden_from)


def other_agency(args: Args, hidden_from: frozenset[str] = UNIT_ROLES) -> Foreign:
    return Foreign("second agency", args, hidden_from)


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


# Issue 18, item 4: who reads a framework or regulation.
FRAMEWORK_SCOPE = (
    "the installation's, own government's and adopted texts; system administrator: all"
)


def _version(key: str) -> Args:
    """Arguments naming a framework version kept in the world's extras under ``key``."""
    return lambda w: {"slug": w.extras[key].framework.slug, "number": w.extras[key].number}


def _foreign_gov(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug}


def _in_gov(attribute: str) -> Args:
    """Arguments naming an object of the user's government: ``w.<attribute>`` or an extra."""
    return lambda w: {"slug": w.government.slug, "pk": _object(w, attribute).pk}


def _foreign(attribute: str) -> tuple[Foreign, ...]:
    """The same kind of object in the second government, which must answer 404."""
    return (
        other_government(
            lambda w: {"slug": w.other_government.slug, "pk": _object(w, attribute).pk}
        ),
    )


def _object(w: Any, attribute: str) -> Any:
    return w.extras[attribute] if attribute in w.extras else getattr(w, attribute)


ROUTES: dict[str, Access] = {
    # --- The shell -----------------------------------------------------------------------
    "home": Access("Home page: own tasks, new notifications, own governments", SIGNED_IN),
    "healthz": Access("Health check for monitoring", PUBLIC),
    "menu": Access("The menu with its counts of waiting tasks", SIGNED_IN, scope="own tasks"),
    "set_language": Access("Switch the language", PUBLIC),
    "login": Access("Sign in", PUBLIC),
    "logout": Access("Sign out", PUBLIC, method="POST"),
    # --- Accounts ------------------------------------------------------------------------
    "accounts:sign_in_code": Access("Sign in: second-factor code", PUBLIC),
    "accounts:password_reset": Access("Ask for a password reset link", PUBLIC),
    "accounts:password_reset_done": Access("Password reset: link sent", PUBLIC),
    "accounts:password_reset_confirm": Access(
        "Choose a password from an e-mailed link",
        PUBLIC,
        args=lambda w: {"uidb64": "MQ", "token": "set-password"},
    ),
    "accounts:password_reset_complete": Access("Password reset: done", PUBLIC),
    "accounts:account": Access("Own account and roles", SIGNED_IN, scope="own account"),
    "accounts:password_change": Access("Change own password", SIGNED_IN, scope="own account"),
    "accounts:password_change_done": Access("Password changed", SIGNED_IN),
    "accounts:two_factor": Access("Set up two-factor sign-in", SIGNED_IN, scope="own account"),
    "accounts:recovery_codes": Access(
        "See how many recovery codes are left, make new ones", SIGNED_IN, scope="own account"
    ),
    "accounts:user_list": Access(
        "List users and their roles",
        ADMINS,
        scope="users of own governments; system administrator: all users",
    ),
    "accounts:user_invite": Access(
        "Invite a user with a role",
        ADMINS,
        scope="city administrator: every role but system administrator, in own government; "
        "system administrator: city administrators",
    ),
    "accounts:user_detail": Access(
        "A user's roles; grant a role",
        ADMINS,
        args=lambda w: {"pk": w.user(Role.EMPLOYEE).pk},
        foreign=(other_government(lambda w: {"pk": w.foreign_user.pk}),),
        scope="users of own governments",
    ),
    "accounts:grant_revoke": Access(
        "Revoke a role",
        ADMINS,
        method="POST",
        args=lambda w: {"pk": w.extras["second_admin"].pk, "grant": w.extras["second_grant"].pk},
        foreign=(
            other_government(
                lambda w: {"pk": w.foreign_user.pk, "grant": w.extras["foreign_grant"].pk}
            ),
        ),
        scope="grants in own government; system administrator: city administrator grants",
    ),
    "accounts:grant_office": Access(
        "Set the office of the rulebook a leadership grant holds (flagged when missing)",
        CITY_ADMIN,
        method="POST",
        args=lambda w: {
            "pk": w.user(Role.LEADERSHIP).pk,
            "grant": w.user(Role.LEADERSHIP).role_grants.get().pk,
        },
        foreign=(
            other_government(
                lambda w: {"pk": w.foreign_user.pk, "grant": w.extras["foreign_grant"].pk}
            ),
        ),
        scope="leadership grants in own government",
    ),
    "accounts:audit_list": Access(
        "Browse and filter the audit trail",
        ADMINS,
        scope="own government's trail; system administrator: system-level entries",
    ),
    "accounts:sign_in_attempts": Access(
        "Refused sign-ins (failed and locked out)",
        ADMINS,
        scope="attempts on own government's accounts; system administrator: on unknown names "
        "and accounts of no government",
    ),
    "accounts:audit_object": Access(
        "History of one object",
        ADMINS,
        args=lambda w: {"object_type": "org.government", "object_id": str(w.government.pk)},
        foreign=(
            other_government(
                lambda w: {"object_type": "org.government", "object_id": w.other_government.pk}
            ),
            Foreign(
                "second government's agency",
                lambda w: {"object_type": "org.unit", "object_id": w.foreign_agency.pk},
                EVERY_ROLE,
            ),
        ),
        scope="objects of own government",
    ),
    # --- Governments -----------------------------------------------------------------------
    "org:government_list": Access("List governments", ADMINS),
    "org:government_create": Access("Create a government", frozenset({Role.SYSTEM_ADMIN})),
    "org:government_detail": Access(
        "Read a government",
        SIGNED_IN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="own governments; system administrator: all",
    ),
    "org:government_edit": Access(
        "Edit a government",
        ADMINS,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="own government; system administrator: all",
    ),
    "org:government_logo": Access(
        "A government's logo",
        SIGNED_IN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
    ),
    "org:setup": Access(
        "A new government's setup checklist (issue 23)",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
    ),
    # --- Units and employees (issue 4): a government's content --------------------------------
    "org:my_units": Access("Menu: the units of one's government", SIGNED_IN),
    "org:my_employees": Access("Menu: the employees of one's government", SIGNED_IN),
    "org:unit_list": Access(
        "Browse and search the unit tree",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="city administrator and leadership: whole government; unit roles: own agency",
    ),
    "org:unit_create": Access(
        "Add a unit", CITY_ADMIN, args=_gov, foreign=(other_government(_foreign_gov),)
    ),
    "org:unit_detail": Access(
        "Read a unit, its sub-units and history",
        ALL_BUT_SYSTEM,
        args=lambda w: {"slug": w.government.slug, "pk": w.agency.pk},
        foreign=(
            other_agency(lambda w: {"slug": w.government.slug, "pk": w.other_agency.pk}),
            other_government(
                lambda w: {"slug": w.other_government.slug, "pk": w.foreign_agency.pk}
            ),
        ),
        scope="city administrator and leadership: whole government; unit roles: own agency",
    ),
    "org:unit_edit": Access(
        "Rename or move a unit",
        CITY_ADMIN,
        args=lambda w: {"slug": w.government.slug, "pk": w.agency.pk},
        foreign=(
            other_government(
                lambda w: {"slug": w.other_government.slug, "pk": w.foreign_agency.pk}
            ),
        ),
    ),
    "org:unit_letterhead": Access(
        "The letterhead lines of a unit's documents (address, telephone, e-mail, website)",
        frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD}),
        args=lambda w: {"slug": w.government.slug, "pk": w.agency.pk},
        foreign=(
            other_agency(lambda w: {"slug": w.government.slug, "pk": w.other_agency.pk}),
            other_government(
                lambda w: {"slug": w.other_government.slug, "pk": w.foreign_agency.pk}
            ),
        ),
        scope="city administrator: whole government; unit head: own agency",
    ),
    "org:unit_deactivate": Access(
        "Deactivate a unit and its sub-units",
        CITY_ADMIN,
        method="POST",
        args=lambda w: {"slug": w.government.slug, "pk": w.sub_unit.pk},
        data=lambda w: {"active_to": "2030-12-31"},
        foreign=(
            other_government(
                lambda w: {"slug": w.other_government.slug, "pk": w.foreign_agency.pk}
            ),
        ),
    ),
    "org:employee_list": Access(
        "Search and filter employees",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="city administrator and leadership: whole government; unit roles: own agency",
    ),
    "org:employee_export": Access(
        "Export employees to XLSX",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="the employees the list shows",
    ),
    "org:employee_create": Access(
        "Add an employee", CITY_ADMIN, args=_gov, foreign=(other_government(_foreign_gov),)
    ),
    "org:employee_detail": Access(
        "Read an employee and their transfers",
        ALL_BUT_SYSTEM,
        args=lambda w: {"slug": w.government.slug, "pk": w.employee.pk},
        foreign=(
            other_agency(lambda w: {"slug": w.government.slug, "pk": w.other_employee.pk}),
            other_government(
                lambda w: {"slug": w.other_government.slug, "pk": w.foreign_employee.pk}
            ),
        ),
        scope="city administrator and leadership: whole government; unit roles: own agency",
    ),
    "org:employee_edit": Access(
        "Edit an employee",
        CITY_ADMIN,
        args=_in_gov("employee"),
        foreign=_foreign("foreign_employee"),
    ),
    "org:employee_transfer": Access(
        "Record a transfer (mutasi)",
        CITY_ADMIN,
        args=_in_gov("employee"),
        foreign=_foreign("foreign_employee"),
    ),
    "org:unit_import_create": Access(
        "Upload the unit tree (dry run)",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
    ),
    "org:import_create_units": Access(
        "Create the units an employee import could not match",
        CITY_ADMIN,
        method="POST",
        args=_in_gov("import"),
        foreign=_foreign("foreign_import"),
    ),
    "org:import_list": Access(
        "List employee imports", CITY_ADMIN, args=_gov, foreign=(other_government(_foreign_gov),)
    ),
    "org:import_create": Access(
        "Upload a roster (dry run)",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
    ),
    "org:import_mapping": Access(
        "Edit the remembered column mapping",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
    ),
    "org:import_detail": Access(
        "Preview or result of an import",
        CITY_ADMIN,
        args=_in_gov("import"),
        foreign=_foreign("foreign_import"),
    ),
    "org:import_confirm": Access(
        "Confirm an import (writes it)",
        CITY_ADMIN,
        method="POST",
        args=_in_gov("import"),
        foreign=_foreign("foreign_import"),
    ),
    "org:import_cancel": Access(
        "Cancel an import",
        CITY_ADMIN,
        method="POST",
        args=_in_gov("import"),
        foreign=_foreign("foreign_import"),
    ),
    "org:import_retry": Access(
        "Try a failed import again",
        CITY_ADMIN,
        method="POST",
        args=_in_gov("import"),
        foreign=_foreign("foreign_import"),
    ),
    "org:import_rejected": Access(
        "Download an import's rejected rows",
        CITY_ADMIN,
        args=_in_gov("import"),
        foreign=_foreign("foreign_import"),
    ),
    # --- Value frameworks (reference data; adoption and slogans are tenant data) -----------------
    "frameworks:list": Access("List value frameworks", SIGNED_IN),
    "frameworks:schema": Access("JSON Schema of the framework format", PUBLIC),
    "frameworks:import": Access("Import a framework file", ADMINS),
    # Issue 18, item 4: another government's framework or regulation is out of scope (404).
    "frameworks:detail": Access(
        "A framework (its latest version)",
        SIGNED_IN,
        args=lambda w: {"slug": w.extras["version"].framework.slug},
        foreign=(other_government(lambda w: {"slug": w.extras["foreign_version"].framework.slug}),),
        scope=FRAMEWORK_SCOPE,
    ),
    "frameworks:version": Access(
        "A framework version",
        SIGNED_IN,
        args=_version("version"),
        foreign=(other_government(_version("foreign_version")),),
        scope=FRAMEWORK_SCOPE,
    ),
    "frameworks:export": Access(
        "Export a framework version",
        SIGNED_IN,
        args=_version("version"),
        foreign=(other_government(_version("foreign_version")),),
        scope=FRAMEWORK_SCOPE,
    ),
    # Issue 17: the owner's administrator publishes; the world's framework is the government's.
    "frameworks:publish": Access(
        "Publish a draft framework version",
        CITY_ADMIN,
        method="POST",
        args=_version("version"),
        foreign=(other_government(_version("foreign_version")),),
        scope="the owner's city administrator; national frameworks: the system administrator",
    ),
    "frameworks:copy": Access(
        "Make a government's own copy of a framework",
        CITY_ADMIN,
        method="POST",
        args=_version("version"),
        foreign=(other_government(_version("foreign_version")),),
        data=lambda w: {"slug": "uji-salinan", "name": "Salinan"},
        scope="for own government, under its own identifier",
    ),
    "frameworks:adoption": Access(
        "Adopt a framework version for a government",
        CITY_ADMIN,
        args=lambda w: {"government": w.government.slug},
        foreign=(other_government(lambda w: {"government": w.other_government.slug}),),
        scope="own government",
    ),
    "frameworks:slogans": Access(
        "Agency slogans of a government",
        SIGNED_IN,
        args=lambda w: {"government": w.government.slug},
        foreign=(other_government(lambda w: {"government": w.other_government.slug}),),
        scope="own government; unit roles add slogans of their agency",
    ),
    "frameworks:slogan_delete": Access(
        "Remove an agency slogan",
        frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM}),
        method="POST",
        args=lambda w: {"government": w.government.slug, "pk": w.extras["slogan"].pk},
        foreign=(
            other_agency(
                lambda w: {"government": w.government.slug, "pk": w.extras["other_slogan"].pk},
                hidden_from=frozenset({Role.UNIT_HEAD, Role.UNIT_TEAM}),
            ),
            other_government(
                lambda w: {
                    "government": w.other_government.slug,
                    "pk": w.extras["foreign_slogan"].pk,
                }
            ),
        ),
        scope="city administrator: own government; unit head and team: own agency",
    ),
}


# Apps keep the entries of their own routes beside their views, in ``budaya/<app>/permissions.py``:
# a ``ROUTES`` dict merged here, and optionally ``world(w)``, which adds to the permission test's
# world the objects those routes need (``w.extras[...]``).
def _app_registries() -> list[Any]:
    from django.apps import apps

    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("budaya.") or config.name == "budaya.accounts":
            continue
        name = f"{config.name}.permissions"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def world_builders() -> list[Callable[[Any], None]]:
    return [module.world for module in _app_registries() if hasattr(module, "world")]


for _module in _app_registries():
    _clash = set(ROUTES) & set(_module.ROUTES)
    assert not _clash, f"{_module.__name__} registers routes twice: {_clash}"
    ROUTES.update(_module.ROUTES)


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: Any = field(compare=False)


def walk(urlconf: str | None = None) -> Iterator[Route]:
    """Every route of the URL configuration, included ones too, with its full name."""

    def visit(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from visit(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                name = f"{namespace}{entry.name}" if entry.name else f"(unnamed) /{pattern}"
                yield Route(name, "/" + pattern, entry.callback)

    yield from visit(get_resolver(urlconf).url_patterns, "", "")


ROLE_ORDER = [
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.LEADERSHIP,
    Role.UNIT_HEAD,
    Role.UNIT_TEAM,
    Role.EMPLOYEE,
]


def matrix_markdown(urlconf: str | None = None) -> str:
    """docs/permissions.md: generated, never edited by hand."""
    from django.utils import translation

    lines = [
        "# Permissions: who may do what",
        "",
        "Generated by `manage.py permissions_doc` from `budaya/accounts/permissions.py`, the",
        "registry that `budaya/tests/test_permissions.py` checks against every route, for every",
        "role, with objects of a second agency and of a second government (which answer 404).",
        "Do not edit by hand; a test fails when this file is stale.",
        "",
        "Scopes: a city administrator and leadership see their government whole; a unit head,",
        "unit team and employee see their agency and its sub-units; a system administrator sees",
        "every government's record but none of its content (BUDAYA_SYSTEM_ADMIN_SEES_CONTENT).",
        "",
        "✓ may, · may not (403, or 404 for objects outside the scope), public: no sign-in needed.",
        "",
    ]
    with translation.override("en"):
        header = ["Action", "Route", *[str(Role(role).label) for role in ROLE_ORDER], "Scope"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for route in walk(urlconf):
        access = ROUTES.get(route.name)
        if access is None:
            continue
        if access.who == PUBLIC:
            cells = ["public"] * len(ROLE_ORDER)
        else:
            cells = ["✓" if access.allows(role) else "·" for role in ROLE_ORDER]
        method = "" if access.method == "GET" else f" ({access.method})"
        lines.append(
            f"| {access.action} | `{route.pattern}`{method} | "
            + " | ".join(cells)
            + f" | {access.scope} |"
        )
    return "\n".join(lines) + "\n"
