"""Who may reach each route of the teams app (merged into ``budaya.accounts.permissions``)."""

from __future__ import annotations

import datetime
from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    ALL_BUT_SYSTEM,
    CITY_ADMIN,
    PUBLIC,
    Access,
    Args,
    Foreign,
    other_agency,
    other_government,
)

MANAGERS = frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM})
SIGNERS = frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD})
BOARD = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP})


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _foreign_gov(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug}


GOV_ONLY = (other_government(_foreign_gov),)


def _obj(key: str, **more: str) -> Args:
    def args(w: Any) -> dict[str, Any]:
        obj = w.extras[key]
        values = {"slug": obj.government.slug, "pk": obj.pk}
        for name, extra in more.items():
            values[name] = w.extras[extra].pk
        return values

    return args


def _scoped(key: str, **more: str) -> tuple[Foreign, ...]:
    """Own government's object (args), the second agency's (404 for unit roles) and the
    second government's (404 for everyone)."""
    return (
        other_agency(_obj(f"other_{key}", **{k: f"other_{v}" for k, v in more.items()})),
        other_government(_obj(f"foreign_{key}", **{k: f"foreign_{v}" for k, v in more.items()})),
    )


def _in_gov_only(key: str) -> tuple[Foreign, ...]:
    return (other_government(_obj(f"foreign_{key}")),)


SCOPE = "city administrator and leadership: whole government; unit roles: own agency"

ROUTES: dict[str, Access] = {
    "teams:my_teams": Access("Menu: the teams of one's government", ALL_BUT_SYSTEM),
    "teams:rules_schema": Access("JSON Schema of the eligibility-rules format", PUBLIC),
    "teams:team_list": Access(
        "List teams with their problems", ALL_BUT_SYSTEM, args=_gov, foreign=GOV_ONLY, scope=SCOPE
    ),
    "teams:team_create": Access(
        "Form a team (KBK, reform team)",
        MANAGERS,
        args=_gov,
        foreign=GOV_ONLY,
        scope="city administrator: any unit; unit head and team: own agency",
    ),
    "teams:compliance": Access(
        "Compliance board of teams and decrees", BOARD, args=_gov, foreign=GOV_ONLY
    ),
    "teams:team_detail": Access(
        "A team: members, rule checks, chart, decrees, duties",
        ALL_BUT_SYSTEM,
        args=_obj("team"),
        foreign=_scoped("team"),
        scope=SCOPE,
    ),
    "teams:team_chart": Access(
        "A team's organisation chart, to print",
        ALL_BUT_SYSTEM,
        args=_obj("team"),
        foreign=_scoped("team"),
        scope=SCOPE,
    ),
    "teams:team_edit": Access(
        "Edit or dissolve a team",
        MANAGERS,
        args=_obj("team"),
        foreign=_scoped("team"),
        scope="city administrator: any team; unit head and team: own agency",
    ),
    "teams:member_add": Access(
        "Add a member (eligibility checked)",
        MANAGERS,
        args=_obj("team"),
        foreign=_scoped("team"),
        scope="city administrator: any team; unit head and team: own agency",
    ),
    "teams:member_edit": Access(
        "End a membership or justify a departure from a rule",
        MANAGERS,
        args=_obj("team", member="membership"),
        foreign=_scoped("team", member="membership"),
        scope="city administrator: any team; unit head and team: own agency",
    ),
    "teams:decree_create": Access(
        "Draft a decree for a team",
        MANAGERS,
        args=_obj("team"),
        foreign=_scoped("team"),
        scope="city administrator: any team; unit head and team: own agency",
    ),
    "teams:decree_list": Access(
        "Decree register", ALL_BUT_SYSTEM, args=_gov, foreign=GOV_ONLY, scope=SCOPE
    ),
    "teams:decree_detail": Access(
        "A decree", ALL_BUT_SYSTEM, args=_obj("decree"), foreign=_scoped("decree"), scope=SCOPE
    ),
    "teams:decree_edit": Access(
        "Edit a draft decree",
        MANAGERS,
        args=_obj("decree"),
        foreign=_scoped("decree"),
        scope="city administrator: any team; unit head and team: own agency",
    ),
    "teams:decree_draft": Access(
        "Download a decree as DOCX",
        ALL_BUT_SYSTEM,
        args=_obj("decree"),
        foreign=_scoped("decree"),
        scope=SCOPE,
    ),
    "teams:decree_sign": Access(
        "Record a decree as signed, with its scan",
        SIGNERS,
        method="POST",
        args=_obj("decree"),
        foreign=_scoped("decree"),
        scope="city administrator: any team; unit head: own agency",
    ),
    "teams:decree_supersede": Access(
        "Mark a signed decree as superseded",
        SIGNERS,
        method="POST",
        args=_obj("decree"),
        foreign=_scoped("decree"),
        scope="city administrator: any team; unit head: own agency",
    ),
    "teams:decree_delete": Access(
        "Delete a draft decree",
        MANAGERS,
        method="POST",
        args=_obj("decree"),
        foreign=_scoped("decree"),
        scope="city administrator: any team; unit head and team: own agency",
    ),
    "teams:rules": Access(
        "Team kinds, roles with duties, eligibility rules",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=GOV_ONLY,
    ),
    "teams:rules_defaults": Access(
        "Load the team kinds, roles and rules of the rulebook again",
        CITY_ADMIN,
        method="POST",
        args=_gov,
        foreign=GOV_ONLY,
    ),
    "teams:rules_export": Access(
        "Export the rules as YAML", ALL_BUT_SYSTEM, args=_gov, foreign=GOV_ONLY
    ),
    "teams:policy_edit": Access(
        "Settings: decree age, legal basis, who decides nominations",
        CITY_ADMIN,
        args=_gov,
        foreign=GOV_ONLY,
    ),
    "teams:template_upload": Access(
        "Upload the government's decree template", CITY_ADMIN, args=_gov, foreign=GOV_ONLY
    ),
    "teams:template_download": Access(
        "Download the decree template in use", ALL_BUT_SYSTEM, args=_gov, foreign=GOV_ONLY
    ),
    "teams:designation_list": Access(
        "Gallery of role models and change agents",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=GOV_ONLY,
        scope=SCOPE,
    ),
    "teams:designation_create": Access(
        "Nominate a role model or change agent",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=GOV_ONLY,
        scope="employees, units and agencies the nominator sees",
    ),
    "teams:designation_detail": Access(
        "A nomination or designation",
        ALL_BUT_SYSTEM,
        args=_obj("designation"),
        foreign=_scoped("designation"),
        scope=SCOPE,
    ),
    "teams:designation_move": Access(
        "Approve, reject, publish or end a designation",
        CITY_ADMIN,
        method="POST",
        args=_obj("designation"),
        data=lambda w: {"status": "approved"},
        foreign=_in_gov_only("designation"),
        scope="the deciding authority the government sets (default: city administrator)",
    ),
}


def world(w: Any) -> None:
    """Kinds, roles, a rule, teams, memberships, decrees and designations in three places: the
    user's agency (w.agency), the second agency and the second government."""
    from budaya.rulebook import services as rulebook_services
    from budaya.teams.models import (
        Decree,
        Designation,
        EligibilityRule,
        Membership,
        Team,
        TeamKind,
        TeamRole,
    )

    today = datetime.date(2025, 1, 1)
    per_government: dict[int, tuple[Any, Any]] = {}
    for government, prefix in ((w.government, ""), (w.other_government, "foreign_")):
        # The rulebook first (the starter, as the rulebook's own world loads): its teams section
        # brings its kinds and roles, and the rows below stay when the rulebook world runs.
        rulebook_services.load_shipped(government=government, name="starter")
        kind = TeamKind.objects.create(
            government=government, code="kbk", name="KBK", scope="agency", required=True
        )
        role, _created = TeamRole.objects.get_or_create(
            government=government,
            code="ketua",
            defaults={"name": "Ketua", "chart_place": "chair", "order": 2},
        )
        rule = EligibilityRule.objects.create(
            government=government,
            team_kind=kind,
            role=role,
            requirement="echelon",
            echelons=["III"],
        )
        per_government[government.pk] = (kind, role)
        w.extras[f"{prefix}kind"] = kind
        w.extras[f"{prefix}role"] = role
        w.extras[f"{prefix}rule"] = rule
    for prefix, unit, employee in (
        ("", w.agency, w.employee),
        ("other_", w.other_agency, w.other_employee),
        ("foreign_", w.foreign_agency, w.foreign_employee),
    ):
        kind, role = per_government[unit.government_id]
        team = Team.objects.create(
            government=unit.government, kind=kind, unit=unit, name=f"KBK {unit.name}"
        )
        w.extras[f"{prefix}team"] = team
        w.extras[f"{prefix}membership"] = Membership.objects.create(
            government=unit.government, team=team, employee=employee, role=role, start_on=today
        )
        w.extras[f"{prefix}decree"] = Decree.objects.create(
            government=unit.government, team=team, subject=f"Pembentukan KBK {unit.name}"
        )
        w.extras[f"{prefix}designation"] = Designation.objects.create(
            government=unit.government,
            kind="role_model",
            subject="employee",
            employee=employee,
            unit=employee.unit,
            period_start=today,
            period_end=datetime.date(2025, 12, 31),
            reasons="Teladan",
        )
