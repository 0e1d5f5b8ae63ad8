"""Scoped reads of teams, decrees and designations; the team assessment and the compliance board."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from budaya.accounts.models import Role
from budaya.org.models import Employee, Government, Transfer, Unit
from budaya.org.selectors import is_city_admin
from budaya.rulebook.document import RulebookDocument
from budaya.teams.eligibility import Breach, Departure, RuleBook, check_team, departures, pick_heads
from budaya.teams.models import (
    Decree,
    Designation,
    EligibilityRule,
    Membership,
    Team,
    TeamKind,
    TeamPolicy,
    TeamQuerySet,
)

MANAGING_ROLES: list[str] = [Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM]
SIGNING_ROLES: list[str] = [Role.CITY_ADMIN, Role.UNIT_HEAD]


def teams_of(user: Any, government: Government) -> TeamQuerySet:
    teams: TeamQuerySet = Team.objects.visible_to(user)  # type: ignore[assignment]
    return teams.filter(government=government).select_related("kind", "unit", "government")


def decrees_of(user: Any, government: Government) -> QuerySet[Decree]:
    return (
        Decree.objects.visible_to(user)
        .filter(government=government)
        .select_related("team__kind", "team__unit", "team__government")
    )


def designations_of(user: Any, government: Government) -> QuerySet[Designation]:
    return (
        Designation.objects.visible_to(user)
        .filter(government=government)
        .select_related("employee", "unit")
    )


def policy(government: Government) -> TeamPolicy | None:
    return TeamPolicy.objects.filter(government=government).first()


def units_managed_by(
    user: Any, government: Government, roles: list[str] | None = None
) -> QuerySet[Unit]:
    """Units whose teams the user may form and change (city administrator: all of them)."""
    return Unit.objects.visible_to(user, roles=roles or MANAGING_ROLES).filter(
        government=government, active_to__isnull=True
    )


def _acts_on(user: Any, team: Team, roles: list[str]) -> bool:
    if is_city_admin(user, team.government) and Role.CITY_ADMIN in roles:
        return True
    if team.unit_id is None:
        return False
    unit_roles = [role for role in roles if role != Role.CITY_ADMIN]
    if not unit_roles:
        return False
    return Unit.objects.visible_to(user, roles=unit_roles).filter(pk=team.unit_id).exists()


def can_manage(user: Any, team: Team) -> bool:
    return _acts_on(user, team, MANAGING_ROLES)


def can_sign(user: Any, team: Team) -> bool:
    """The head of the agency signs its decree (T Pasal 8(4)); the city administrator records
    decrees for any team."""
    return _acts_on(user, team, SIGNING_ROLES)


def can_decide(user: Any, government: Government, team_policy: TeamPolicy | None) -> bool:
    role = team_policy.decider_role if team_policy else TeamPolicy.Decider.CITY_ADMIN
    return Government.objects.visible_to(user, roles=[role]).filter(pk=government.pk).exists()


def kinds_of(government: Government) -> QuerySet[TeamKind]:
    return TeamKind.objects.filter(government=government)


def rules_of(government: Government) -> QuerySet[EligibilityRule]:
    return EligibilityRule.objects.filter(government=government).select_related("team_kind", "role")


# --- Assessing teams --------------------------------------------------------------------------


@dataclass
class TeamAssessment:
    team: Team
    memberships: list[Membership]
    breaches: dict[int, list[Breach]]
    departures: list[Departure]
    signed_decree: Decree | None
    on: datetime.date

    @property
    def current(self) -> list[Membership]:
        return [m for m in self.memberships if m.is_current(self.on)]

    @property
    def history(self) -> list[Membership]:
        return [m for m in self.memberships if not m.is_current(self.on)]

    @property
    def all_breaches(self) -> list[Breach]:
        return [breach for found in self.breaches.values() for breach in found]

    @property
    def unjustified(self) -> list[Breach]:
        return [breach for breach in self.all_breaches if not breach.justified]

    @property
    def justified(self) -> list[Breach]:
        return [breach for breach in self.all_breaches if breach.justified]

    def rows(self) -> list[dict[str, Any]]:
        """Current members with their breaches and departures, for the team page."""
        left = {d.membership.pk: d.reason for d in self.departures}
        return [
            {"membership": m, "breaches": self.breaches.get(m.pk, []), "left": left.get(m.pk)}
            for m in self.current
        ]


def assess(teams: list[Team], on: datetime.date) -> dict[int, TeamAssessment]:
    """Memberships, breaches, departures and the signed decree of each team, in five queries
    whatever the number of teams."""
    if not teams:
        return {}
    ids = [team.pk for team in teams]
    governments = {team.government_id for team in teams}
    memberships = list(
        Membership.objects.filter(team_id__in=ids)
        .select_related("employee__unit", "role")
        .order_by("team_id", "role__order", "start_on", "pk")
    )
    team_by_id = {team.pk: team for team in teams}
    by_team: dict[int, list[Membership]] = defaultdict(list)
    for membership in memberships:
        membership.team = team_by_id[membership.team_id]  # already loaded: no query per row
        by_team[membership.team_id].append(membership)
    book = RuleBook(EligibilityRule.objects.filter(government_id__in=governments))
    unit_ids = {team.unit_id for team in teams if team.unit_id}
    heads = pick_heads(
        Employee.objects.filter(unit_id__in=unit_ids, active=True)
        .exclude(echelon="")
        .only("pk", "unit_id", "echelon", "active", "name", "front_title", "back_title")
    )
    signed: dict[int, Decree] = {}
    for decree in Decree.objects.filter(team_id__in=ids, status=Decree.Status.SIGNED).order_by(
        "decided_on"
    ):
        signed[decree.team_id] = decree
    moved_ids = [
        m.employee_id
        for m in memberships
        if m.is_current(on)
        and m.team.unit is not None
        and not m.employee.unit.path.startswith(m.team.unit.path)
    ]
    transfers: dict[int, tuple[datetime.date, str]] = {}
    if moved_ids:
        for transfer in (
            Transfer.objects.filter(employee_id__in=moved_ids)
            .select_related("to_unit")
            .order_by("employee_id", "effective_on", "pk")
        ):
            transfers[transfer.employee_id] = (transfer.effective_on, transfer.to_unit.name)
    result: dict[int, TeamAssessment] = {}
    for team in teams:
        members = by_team.get(team.pk, [])
        result[team.pk] = TeamAssessment(
            team=team,
            memberships=members,
            breaches=check_team(team, members, book, heads, on),
            departures=departures(team, members, on, transfers),
            signed_decree=signed.get(team.pk),
            on=on,
        )
    return result


def head_of(unit: Unit | None) -> Employee | None:
    if unit is None:
        return None
    employees = Employee.objects.filter(unit=unit, active=True).exclude(echelon="")
    return pick_heads(employees).get(unit.pk)


# --- The compliance board ---------------------------------------------------------------------


@dataclass
class BoardLine:
    agency: str
    subject: str
    reason: str
    source: str = ""
    fix_url: str = ""
    fix_label: str = ""


@dataclass
class Board:
    missing_teams: list[BoardLine] = field(default_factory=list)
    without_decree: list[BoardLine] = field(default_factory=list)
    departed: list[BoardLine] = field(default_factory=list)
    breaking: list[BoardLine] = field(default_factory=list)
    old_decrees: list[BoardLine] = field(default_factory=list)
    agencies: int = 0
    teams: int = 0
    max_age_months: int = 0

    @property
    def problem_count(self) -> int:
        return sum(
            len(part)
            for part in (
                self.missing_teams,
                self.without_decree,
                self.departed,
                self.breaking,
                self.old_decrees,
            )
        )

    def by_agency(self) -> list[tuple[str, list[tuple[str, BoardLine]]]]:
        """Every problem grouped under its agency: which agency breaks which rule, and why."""
        grouped: dict[str, list[tuple[str, BoardLine]]] = defaultdict(list)
        for label, part in (
            (_("No active team"), self.missing_teams),
            (_("No signed decree"), self.without_decree),
            (_("Member left"), self.departed),
            (_("Rule not met"), self.breaking),
            (_("Decree too old"), self.old_decrees),
        ):
            for line in part:
                grouped[line.agency].append((label, line))
        return sorted(grouped.items())


def _months_ago(on: datetime.date, months: int) -> datetime.date:
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    day = min(on.day, 28)
    return datetime.date(year, month + 1, day)


def compliance(government: Government, on: datetime.date) -> Board:
    """The whole government's problems with teams and decrees (a constant number of queries)."""
    slug = government.slug
    team_policy = policy(government)
    board = Board(max_age_months=team_policy.decree_max_age_months if team_policy else 24)
    agencies = list(
        Unit.objects.filter(government=government, parent__isnull=True)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=on))
        .order_by("name")
    )
    board.agencies = len(agencies)
    required = [
        kind
        for kind in TeamKind.objects.filter(government=government)
        if kind.required and kind.scope == TeamKind.Scope.AGENCY
    ]
    teams = list(
        Team.objects.filter(government=government)
        .active()
        .select_related("kind", "unit", "government")
    )
    board.teams = len(teams)
    having = {(team.kind_id, team.unit_id) for team in teams}
    agency_of = _agency_names(teams, agencies)
    for kind in required:
        for agency in agencies:
            if (kind.pk, agency.pk) not in having:
                board.missing_teams.append(
                    BoardLine(
                        agency=agency.name,
                        subject=kind.name,
                        reason=_("%(agency)s has no active %(kind)s.")
                        % {"agency": agency.name, "kind": kind.name},
                        source=kind.source,
                        fix_url=reverse("teams:team_create", args=[slug])
                        + f"?unit={agency.pk}&kind={kind.pk}",
                        fix_label=_("Form the team"),
                    )
                )
    assessments = assess(teams, on)
    oldest = _months_ago(on, board.max_age_months) if board.max_age_months else None
    for team in teams:
        found = assessments[team.pk]
        agency_name = agency_of.get(team.pk, government.name)
        if found.signed_decree is None:
            board.without_decree.append(
                BoardLine(
                    agency=agency_name,
                    subject=team.name,
                    reason=_("%(team)s has no signed decree.") % {"team": team.name},
                    source=team.kind.source,
                    fix_url=reverse("teams:decree_create", args=[slug, team.pk]),
                    fix_label=_("Draft the decree"),
                )
            )
        elif oldest and found.signed_decree.decided_on and found.signed_decree.decided_on < oldest:
            board.old_decrees.append(
                BoardLine(
                    agency=agency_name,
                    subject=team.name,
                    reason=_("Decree %(number)s of %(date)s is older than %(months)s months.")
                    % {
                        "number": found.signed_decree.number,
                        "date": found.signed_decree.decided_on.strftime("%d-%m-%Y"),
                        "months": board.max_age_months,
                    },
                    fix_url=reverse("teams:decree_create", args=[slug, team.pk])
                    + "?purpose=change",
                    fix_label=_("Draft a new decree"),
                )
            )
        for departure in found.departures:
            board.departed.append(
                BoardLine(
                    agency=agency_name,
                    subject=f"{team.name}: {departure.membership.role.name}",
                    reason=departure.reason,
                    fix_url=reverse(
                        "teams:member_edit", args=[slug, team.pk, departure.membership.pk]
                    ),
                    fix_label=_("End or replace"),
                )
            )
        for breach in found.unjustified:
            board.breaking.append(
                BoardLine(
                    agency=agency_name,
                    subject=f"{team.name}: {breach.membership.role.name}",
                    reason=breach.reason,
                    source=breach.source,
                    fix_url=reverse(
                        "teams:member_edit", args=[slug, team.pk, breach.membership.pk]
                    ),
                    fix_label=_("Replace or justify"),
                )
            )
    return board


def _agency_names(teams: list[Team], agencies: list[Unit]) -> dict[int, str]:
    """The agency of each team's unit, from the unit's path (no query per team)."""
    by_id = {agency.pk: agency.name for agency in agencies}
    names: dict[int, str] = {}
    for team in teams:
        if team.unit is None:
            continue
        first = int(team.unit.path.split("/")[0]) if team.unit.path else team.unit.pk
        names[team.pk] = by_id.get(first, team.unit.name)
    return names


# --- Role models ------------------------------------------------------------------------------


def citations(book: RulebookDocument) -> dict[str, str]:
    """What the teams pages cite, from the government's rulebook (issue 18): "" where the
    rulebook says nothing (the page then cites nothing)."""
    teams = book.teams
    found = {
        "naming": teams.naming,
        "decree": teams.decree,
        "adjustment": teams.adjustment,
        "chart": teams.chart,
        "agency_heads": book.designations.agency_heads,
        "role_model": book.role_model_eligibility,
        "change_agent": book.change_agent_eligibility,
    }
    return {name: book.cite(element) if element else "" for name, element in found.items()}


@dataclass
class RoleModelByRegulation:
    """The head of each agency is its role model where the rulebook says so (T Pasal 7: shown,
    never stored)."""

    agency: Unit
    head: Employee


def heads_as_role_models(user: Any, government: Government) -> list[RoleModelByRegulation]:
    agencies = list(
        Unit.objects.visible_to(user)
        .filter(government=government, parent__isnull=True, active_to__isnull=True)
        .order_by("name")
    )
    heads = pick_heads(Employee.objects.filter(unit__in=agencies, active=True).exclude(echelon=""))
    return [
        RoleModelByRegulation(agency, heads[agency.pk]) for agency in agencies if agency.pk in heads
    ]
