"""Every employee's part, counted per agency and unit (issue 22, Deliver 1 and 7): the commitment
signed to the current declaration of the values (S Lampiran C.2; T Lampiran II II.2.a), the
month's twibbon confirmed (S Lampiran C.3.e) and the response rate of the pulses.

Who signed and who confirmed the twibbon is not secret, so both are counted per unit. A survey's
response rate reads the maintained tallies (``Tally``: people invited and answered per stored
group), never the invitations: a unit with fewer than k people invited was stored with the unit
above it when the survey opened, so it has no rate of its own and is counted there (the same
groups as the survey's own page, docs/surveys.md). What anyone answered is never read here.

A fixed number of queries whatever the number of units, employees or surveys.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from budaya.accounts.models import Role
from budaya.org.models import Employee, Government, Unit
from budaya.programme.models import Declaration
from budaya.surveys.models import (
    Commitment,
    Invitation,
    Relation,
    Survey,
    Tally,
    TwibbonConfirmation,
)
from budaya.surveys.selectors import PARTICIPATION_FLOOR

# Who reads participation and its drill-down: the dashboard's readers.
READERS = (Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD)
COUNTED = (Survey.Status.OPEN, Survey.Status.CLOSED)


@dataclass(frozen=True)
class Rate:
    done: int
    of: int

    @property
    def percent(self) -> float | None:
        return self.done / self.of * 100 if self.of else None

    @property
    def low(self) -> bool:
        percent = self.percent
        return percent is not None and percent < PARTICIPATION_FLOOR

    @property
    def text(self) -> str:
        percent = self.percent
        return f"{round(percent)}% ({self.done}/{self.of})" if percent is not None else "–"


@dataclass
class Line:
    unit: Unit
    employees: int = 0
    # None: no declaration of the values yet for this unit's agency.
    commitment: Rate | None = None
    twibbon: Rate = field(default_factory=lambda: Rate(0, 0))
    # None: no pulse counted people of this unit on its own (none asked, or fewer than k
    # invited here: counted in the unit above).
    survey: Rate | None = None

    @property
    def low(self) -> bool:
        rates = [self.commitment, self.twibbon, self.survey]
        return any(rate is not None and rate.low for rate in rates)


def _agency_of(path: str) -> int:
    return int(path.split("/", 1)[0])


def _prefixes(path: str) -> Iterable[str]:
    """ "12/40/55/" → "12/", "12/40/", "12/40/55/"."""
    return (path[: i + 1] for i, char in enumerate(path) if char == "/")


def current_declarations(government: Government) -> dict[int | None, int]:
    """Per agency id, the declaration its employees follow (``selectors.current_declaration``,
    for every agency at once): the latest of the agency's programme or the government's.
    Key None: the government's own (agencies without a newer one of their own)."""
    rows = (
        Declaration.objects.filter(government=government)
        .filter(Q(programme__unit__isnull=True) | Q(programme__unit__parent__isnull=True))
        .values_list("pk", "programme__unit_id", "held_on")
    )
    latest: dict[int | None, tuple[datetime.date, int]] = {}
    for pk, unit_id, held_on in rows:
        if unit_id not in latest or (held_on, pk) > latest[unit_id]:
            latest[unit_id] = (held_on, pk)
    government_wide = latest.get(None)
    result: dict[int | None, int] = {}
    if government_wide is not None:
        result[None] = government_wide[1]
    for agency_id, (day, declaration_pk) in latest.items():
        if agency_id is None:
            continue
        if government_wide is None or (day, declaration_pk) > government_wide:
            result[agency_id] = declaration_pk
        else:
            result[agency_id] = government_wide[1]
    return result


def declaration_of(declarations: dict[int | None, int], agency_id: int) -> int | None:
    return declarations.get(agency_id, declarations.get(None))


def pulses(government: Government, start: datetime.date, end: datetime.date) -> QuerySet[Survey]:
    """The pulses counted for a window: opened (or opening) within it, open or closed."""
    return Survey.objects.filter(
        government=government,
        kind=Survey.Kind.PULSE,
        status__in=COUNTED,
        opens_on__gte=start,
        opens_on__lte=end,
    )


def participation(
    government: Government,
    units: list[Unit],
    *,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> list[Line]:
    """One line per unit of ``units`` (each counted with everything below it): the active
    employees, the commitment signed to their agency's current declaration, this month's
    twibbon, and the pulses of [start, end] answered against invited."""
    lines = {unit.path: Line(unit) for unit in units}
    if not lines:
        return []

    def targets(path: str) -> list[Line]:
        return [lines[prefix] for prefix in _prefixes(path) if prefix in lines]

    # Only rows under the units count: where one of them holds all the others (one agency on
    # its report, an agency and its units on its head's dashboard), only its subtree is read,
    # not the whole government's.
    top = min(units, key=lambda unit: len(unit.path))
    root = top.path if all(unit.path.startswith(top.path) for unit in units) else ""

    def under(field: str) -> Q:
        return Q(**{f"{field}__startswith": root}) if root else Q()

    staff = list(
        Employee.objects.filter(under("unit__path"), government=government, active=True)
        .values_list("unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    declarations = current_declarations(government)
    signed: dict[str, int] = defaultdict(int)
    if declarations:
        for declaration_id, path, n in (
            Commitment.objects.filter(
                under("employee__unit__path"),
                government=government,
                declaration_id__in=set(declarations.values()),
                employee__active=True,
            )
            .values_list("declaration_id", "employee__unit__path")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            # Only the signatures under the declaration the person follows now count.
            if declaration_of(declarations, _agency_of(path)) == declaration_id:
                signed[path] += n
    confirmed = dict(
        TwibbonConfirmation.objects.filter(
            under("employee__unit__path"),
            government=government,
            month=today.replace(day=1),
            employee__active=True,
        )
        .values_list("employee__unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for path, n in staff:
        declared = declaration_of(declarations, _agency_of(path)) is not None
        for line in targets(path):
            line.employees += n
            line.twibbon = Rate(line.twibbon.done + confirmed.get(path, 0), line.twibbon.of + n)
            if declared:
                before = line.commitment or Rate(0, 0)
                line.commitment = Rate(before.done + signed.get(path, 0), before.of + n)

    tallies = (
        Tally.objects.filter(
            under("cell__path"),
            government=government,
            survey__in=pulses(government, start, end),
            relation=Relation.MEMBER,
            cell__isnull=False,
        )
        .values_list("cell__path")
        .annotate(invited=Sum("invited"), answered=Sum("answered"))
        .order_by()
    )
    for path, invited, answered in tallies:
        for line in targets(path):
            before = line.survey or Rate(0, 0)
            line.survey = Rate(before.done + answered, before.of + invited)
    return list(lines.values())


# --- Drill-down: who has not yet signed, confirmed or answered ---------------------------------

WHAT = ("commitment", "twibbon", "survey")


def reads_unit(user: Any, government: Government, unit: Unit) -> bool:
    """City roles: every unit of the government; an agency head: their agency's subtree."""
    scope = user.tenant_scope(roles=list(READERS))
    if government.pk in scope.governments:
        return True
    return any(gov == government.pk and unit.path.startswith(p) for gov, p in scope.subtrees)


def not_yet(
    government: Government, unit: Unit, what: str, today: datetime.date
) -> QuerySet[Employee]:
    """The active employees of ``unit`` and below who have not yet signed the commitment to their
    agency's current declaration, confirmed this month's twibbon, or answered an open pulse
    asking them. Whether someone answered is known (reminders need it); what, never."""
    people = Employee.objects.filter(
        government=government, active=True, unit__path__startswith=unit.path
    ).select_related("unit")
    if what == "commitment":
        declarations = current_declarations(government)
        declaration = declaration_of(declarations, _agency_of(unit.path))
        if declaration is None:
            return people.none()
        signed = Commitment.objects.filter(government=government, declaration_id=declaration)
        return people.exclude(pk__in=signed.values("employee_id")).order_by("unit__path", "name")
    if what == "twibbon":
        done = TwibbonConfirmation.objects.filter(government=government, month=today.replace(day=1))
        return people.exclude(pk__in=done.values("employee_id")).order_by("unit__path", "name")
    waiting = Invitation.objects.filter(
        government=government,
        answered=False,
        survey__kind=Survey.Kind.PULSE,
        survey__status=Survey.Status.OPEN,
        survey__closes_on__gte=today,
    )
    return people.filter(pk__in=waiting.values("employee_id")).order_by("unit__path", "name")
