"""Checking a team's make-up against its government's eligibility rules (pure, no queries).

The rules are data (``EligibilityRule``), loaded from the government's rulebook (its ``teams``
section; the shipped T rulebook transcribes T Lampiran II III.2.b–h). A breach is reported with
the rule's source, so a reader sees why; a membership with a written justification
(T Pasal 9(7)) keeps its breaches, shown beside the justification, but no longer counts on the
compliance board.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from budaya.org.grades import ECHELONS
from budaya.org.models import Employee, Unit
from budaya.teams.models import EligibilityRule, Membership, Team


@dataclass(frozen=True)
class Breach:
    membership: Membership
    reason: str
    source: str = ""

    @property
    def justified(self) -> bool:
        return bool(self.membership.justification.strip())


@dataclass(frozen=True)
class Departure:
    """A current member who no longer works where the team is (or at all)."""

    membership: Membership
    reason: str


def echelon_matches(echelon: str, allowed: Iterable[str]) -> bool:
    """'III' allows III.a and III.b; 'II.b' allows only II.b."""
    if not echelon:
        return False
    level = echelon.split(".")[0]
    return any(echelon == item or level == item for item in allowed)


def echelon_rank(echelon: str) -> int:
    """Smaller is higher (I.a = 0); no echelon ranks last."""
    return ECHELONS.index(echelon) if echelon in ECHELONS else len(ECHELONS)


def pick_heads(employees: Iterable[Employee]) -> dict[int, Employee]:
    """The head of each unit among its own active structural employees: the highest echelon.

    The registry records no head per unit, so the highest-ranking official placed directly in the
    unit stands for its head (the Sekretaris Daerah above the assistants, the camat above the
    sekretaris kecamatan). Ties go to the lowest id, so the answer is stable.
    """
    heads: dict[int, Employee] = {}
    for employee in employees:
        if not employee.active or not employee.echelon:
            continue
        current = heads.get(employee.unit_id)
        key = (echelon_rank(employee.echelon), employee.pk)
        if current is None or key < (echelon_rank(current.echelon), current.pk):
            heads[employee.unit_id] = employee
    return heads


def format_echelons(allowed: Iterable[str]) -> str:
    return _(" or ").join(allowed)


class RuleBook:
    """A government's rules, indexed by (team kind, role)."""

    def __init__(self, rules: Iterable[EligibilityRule]):
        self.by_kind_role: dict[tuple[int, int], list[EligibilityRule]] = defaultdict(list)
        for rule in rules:
            self.by_kind_role[(rule.team_kind_id, rule.role_id)].append(rule)

    def for_membership(self, team: Team, membership: Membership) -> list[EligibilityRule]:
        unit_kind = team.unit.kind if team.unit_id and team.unit else None
        return [
            rule
            for rule in self.by_kind_role.get((team.kind_id, membership.role_id), [])
            if rule.applies_to(unit_kind)
        ]

    def may_combine(self, team: Team, first: Membership, second: Membership) -> bool:
        for one, other in ((first, second), (second, first)):
            for rule in self.for_membership(team, one):
                if rule.requirement == EligibilityRule.Requirement.MAY_COMBINE and (
                    other.role.code in rule.other_roles
                ):
                    return True
        return False


def check_team(
    team: Team,
    memberships: list[Membership],
    book: RuleBook,
    heads: dict[int, Employee],
    on: datetime.date,
) -> dict[int, list[Breach]]:
    """The breaches of each current membership of one team, by membership id.

    ``memberships`` must come with ``employee__unit`` and ``role`` loaded; ``heads`` maps unit ids
    to their heads (``pick_heads``).
    """
    current = [m for m in memberships if m.is_current(on)]
    found: dict[int, list[Breach]] = {m.pk: [] for m in current}
    for membership in current:
        for rule in book.for_membership(team, membership):
            reason = _rule_breach(team, membership, rule, heads)
            if reason:
                found[membership.pk].append(Breach(membership, reason, rule.source))
    # A role held by one person at a time: the later holders are the problem.
    by_role: dict[int, list[Membership]] = defaultdict(list)
    for membership in current:
        by_role[membership.role_id].append(membership)
    for holders in by_role.values():
        if len(holders) > 1 and holders[0].role.single:
            for extra in sorted(holders, key=lambda m: (m.start_on, m.pk))[1:]:
                found[extra.pk].append(
                    Breach(
                        extra,
                        _("%(role)s is held by one person at a time; this team has %(count)s.")
                        % {"role": extra.role.name, "count": len(holders)},
                    )
                )
    # One person in two roles needs a rule that allows it (T Lampiran II III.2.g).
    by_employee: dict[int, list[Membership]] = defaultdict(list)
    for membership in current:
        by_employee[membership.employee_id].append(membership)
    for held in by_employee.values():
        held.sort(key=lambda m: (m.role.order, m.pk))
        for index, later in enumerate(held):
            for earlier in held[:index]:
                if earlier.role_id != later.role_id and not book.may_combine(team, earlier, later):
                    found[later.pk].append(
                        Breach(
                            later,
                            _(
                                "%(name)s is already %(other)s of this team; no rule lets "
                                "%(other)s also be %(role)s."
                            )
                            % {
                                "name": later.employee.full_name,
                                "other": earlier.role.name,
                                "role": later.role.name,
                            },
                        )
                    )
    return found


def _rule_breach(
    team: Team, membership: Membership, rule: EligibilityRule, heads: dict[int, Employee]
) -> str:
    employee = membership.employee
    unit: Unit | None = team.unit if team.unit_id else None
    check = rule.requirement
    if check == EligibilityRule.Requirement.HEAD:
        if unit is None:
            return ""
        head = heads.get(unit.pk)
        if head is None:
            return _("%(role)s must be the head of %(unit)s; the registry shows no head there.") % {
                "role": membership.role.name,
                "unit": unit.name,
            }
        if head.pk != employee.pk:
            return _("%(role)s must be the head of %(unit)s (%(head)s), not %(name)s.") % {
                "role": membership.role.name,
                "unit": unit.name,
                "head": head.full_name,
                "name": employee.full_name,
            }
        return ""
    if check == EligibilityRule.Requirement.ECHELON:
        if echelon_matches(employee.echelon, rule.echelons):
            return ""
        kind = unit.kind_label if unit is not None else _("city-wide team")
        return _(
            "%(role)s of a team in a %(kind)s must hold echelon %(allowed)s; "
            "%(name)s holds %(echelon)s."
        ) % {
            "role": membership.role.name,
            "kind": kind,
            "allowed": format_echelons(rule.echelons),
            "name": employee.full_name,
            "echelon": employee.echelon or _("no echelon"),
        }
    if check == EligibilityRule.Requirement.WORKS_IN_UNIT:
        if unit is not None and not employee.unit.path.startswith(unit.path):
            return _("%(name)s works in %(their)s, not in %(unit)s.") % {
                "name": employee.full_name,
                "their": employee.unit.name,
                "unit": unit.name,
            }
        if rule.statuses and employee.status not in rule.statuses:
            return _("%(role)s must be %(allowed)s; %(name)s is %(status)s.") % {
                "role": membership.role.name,
                "allowed": _(" or ").join(rule.statuses),
                "name": employee.full_name,
                "status": employee.status,
            }
        return ""
    return ""


def departures(
    team: Team,
    memberships: list[Membership],
    on: datetime.date,
    transfers: dict[int, tuple[datetime.date, str]] | None = None,
) -> list[Departure]:
    """Current members who left: inactive, missing from the last full roster, or transferred
    out of the team's unit. ``transfers`` maps an employee id to their latest move (date, unit)."""
    found: list[Departure] = []
    transfers = transfers or {}
    for membership in memberships:
        if not membership.is_current(on):
            continue
        employee = membership.employee
        if not employee.active:
            reason = _("%(name)s is no longer an active employee.") % {"name": employee.full_name}
        elif employee.possibly_left_since:
            reason = _("%(name)s has been missing from the full roster since %(date)s.") % {
                "name": employee.full_name,
                "date": employee.possibly_left_since.strftime("%d-%m-%Y"),
            }
        elif team.unit_id and team.unit and not employee.unit.path.startswith(team.unit.path):
            moved = transfers.get(employee.pk)
            if moved:
                reason = _("%(name)s was transferred to %(unit)s on %(date)s.") % {
                    "name": employee.full_name,
                    "unit": moved[1],
                    "date": moved[0].strftime("%d-%m-%Y"),
                }
            else:
                reason = _("%(name)s now works in %(unit)s, outside %(team_unit)s.") % {
                    "name": employee.full_name,
                    "unit": employee.unit.name,
                    "team_unit": team.unit.name,
                }
        else:
            continue
        found.append(Departure(membership, reason))
    return found
