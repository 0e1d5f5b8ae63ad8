"""Every employee's part, counted per agency and unit (issue 22, Deliver 1 and 7): the commitment
signed to the current declaration of the values (S Lampiran C.2; T Lampiran II II.2.a), the
month's twibbon confirmed (S Lampiran C.3.e) and the response rate of the pulses.

Who signed and who confirmed the twibbon is not secret, so both are counted per unit. A survey's
response rate reads the maintained tallies (``Tally``: people invited and answered per stored
group), never the invitations: a unit with fewer than k people invited was stored with the unit
above it when the survey opened, so it has no rate of its own and is counted there (the same
groups as the survey's own page, docs/surveys.md). What anyone answered is never read here.

A fixed number of queries whatever the number of units, employees or surveys; the dashboard
reads the counts kept per government and version (``kept_counts``, budaya/fragments.py): they are
counted from the rows once after each write of the government, whoever reads them and for
whichever kind of agency.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum

from budaya.accounts.models import Role
from budaya.fragments import fragment_key, government_version
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


def pulses(
    government: Government, start: datetime.date, end: datetime.date, *, closed_only: bool = False
) -> QuerySet[Survey]:
    """The pulses counted for a window: opened (or opening) within it, open or closed (closed
    only: those a report lists, whose answers are all in)."""
    return Survey.objects.filter(
        government=government,
        kind=Survey.Kind.PULSE,
        status__in=[Survey.Status.CLOSED] if closed_only else COUNTED,
        opens_on__gte=start,
        opens_on__lte=end,
    )


@dataclass(frozen=True)
class Counts:
    """A government's participation counted per unit path: the active ``employees``, those
    ``signed`` to their agency's current declaration, those who ``confirmed`` the month's
    twibbon, the paths of agencies with a declaration (``declared``), and per stored group of
    the window's pulses (``tallies``) the people invited and answered."""

    employees: dict[str, int]
    signed: dict[str, int]
    confirmed: dict[str, int]
    declared: frozenset[str]
    tallies: dict[str, tuple[int, int]]


def counts(
    government: Government,
    *,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    closed_only: bool = False,
) -> Counts:
    """The counts, read from the rows (a fixed number of queries, whatever the size)."""
    staff = dict(
        Employee.objects.filter(government=government, active=True)
        .values_list("unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    declarations = current_declarations(government)
    signed: dict[str, int] = defaultdict(int)
    if declarations:
        for declaration_id, path, n in (
            Commitment.objects.filter(
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
            government=government, month=today.replace(day=1), employee__active=True
        )
        .values_list("employee__unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tallies = (
        Tally.objects.filter(
            government=government,
            survey__in=pulses(government, start, end, closed_only=closed_only),
            relation=Relation.MEMBER,
            cell__isnull=False,
        )
        .values_list("cell__path")
        .annotate(invited=Sum("invited"), answered=Sum("answered"))
        .order_by()
    )
    return Counts(
        employees=staff,
        signed=dict(signed),
        confirmed=confirmed,
        declared=frozenset(
            path for path in staff if declaration_of(declarations, _agency_of(path)) is not None
        ),
        tallies={path: (invited, answered) for path, invited, answered in tallies},
    )


def kept_counts(
    government: Government, *, start: datetime.date, end: datetime.date, today: datetime.date
) -> Counts:
    """The counts kept per government and version (``budaya.fragments``): computed from the
    rows once after each write of the government, then read by every reader of any part of it,
    any period of the same window and any kind of agency (the dashboard), with no query but the
    version's. Every change of a count (an employee, a declaration, a signature, a twibbon, an
    answer) is an audited write of the government, so a new version."""
    key = fragment_key(
        "surveys:participation",
        government.pk,
        government_version(government.pk),
        (start, end, today.replace(day=1)),
    )
    found = cache.get(key)
    if isinstance(found, Counts):
        return found
    made = counts(government, start=start, end=end, today=today)
    cache.set(key, made, settings.BUDAYA_FRAGMENT_CACHE_SECONDS)
    return made


def participation(
    government: Government,
    units: list[Unit],
    *,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    kept: bool = False,
    closed_only: bool = False,
) -> list[Line]:
    """One line per unit of ``units`` (each counted with everything below it): the active
    employees, the commitment signed to their agency's current declaration, this month's
    twibbon, and the pulses of [start, end] answered against invited. ``kept``: from the counts
    kept per government and version (``kept_counts``), else read now. ``closed_only``: only the
    pulses closed, as a monitoring report lists them."""
    lines = {unit.path: Line(unit) for unit in units}
    if not lines:
        return []
    if closed_only:
        found = counts(government, start=start, end=end, today=today, closed_only=True)
    else:
        found = (kept_counts if kept else counts)(government, start=start, end=end, today=today)

    def targets(path: str) -> list[Line]:
        return [lines[prefix] for prefix in _prefixes(path) if prefix in lines]

    for path, n in found.employees.items():
        for line in targets(path):
            line.employees += n
            confirmed = found.confirmed.get(path, 0)
            line.twibbon = Rate(line.twibbon.done + confirmed, line.twibbon.of + n)
            if path in found.declared:
                before = line.commitment or Rate(0, 0)
                line.commitment = Rate(before.done + found.signed.get(path, 0), before.of + n)
    for path, (invited, answered) in found.tallies.items():
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
