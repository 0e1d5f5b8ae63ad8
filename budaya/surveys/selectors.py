"""Scoped reads of surveys, their released figures, and what awaits an employee (issue 22)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.org.models import Government
from budaya.pending import PendingItem
from budaya.programme.models import Declaration
from budaya.surveys.models import (
    Commitment,
    Figure,
    Invitation,
    NationalIndex,
    Questionnaire,
    Survey,
    Tally,
    TwibbonConfirmation,
)

RESULT_ROLES = [Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM]
PARTICIPATION_FLOOR = 60


def _scope(user: Any, government_id: int) -> tuple[bool, list[str]]:
    """(whole government, agency subtree paths) the user reads results of."""
    scope = user.tenant_scope(roles=RESULT_ROLES)
    if government_id in scope.governments:
        return True, []
    return False, [path for gov, path in scope.subtrees if gov == government_id]


def reads_results(user: Any, government: Government) -> bool:
    whole, paths = _scope(user, government.pk)
    return whole or bool(paths)


def manages(user: Any, government: Government) -> bool:
    return government.pk in user.tenant_scope(roles=[Role.CITY_ADMIN]).governments


def surveys_of(user: Any, government: Government) -> QuerySet[Survey]:
    """City administrator and leadership: every survey; unit roles: the pulses that ask their
    agency (or the whole government) and the 360 rounds of its employees."""
    surveys = Survey.objects.filter(government=government).select_related("unit", "subject")
    whole, paths = _scope(user, government.pk)
    if whole:
        return surveys
    if not paths:
        return surveys.none()
    query = Q(kind=Survey.Kind.PULSE, unit__isnull=True)
    for path in paths:
        query |= Q(unit__path__startswith=path)
        query |= Q(kind=Survey.Kind.PULSE, unit__isnull=False) & _covers(path)
        query |= Q(subject__unit__path__startswith=path)
    return surveys.filter(query).exclude(status=Survey.Status.DRAFT)


def _covers(path: str) -> Q:
    """A pulse of a unit above the agency (its path a prefix of the agency's)."""
    prefixes = [path[: i + 1] for i, char in enumerate(path) if char == "/"]
    return Q(unit__path__in=prefixes)


def figure_paths(user: Any, survey: Survey) -> list[str] | None:
    """The part of a survey's groups a user reads: None for all of them (the city roles; a 360
    round, whose subject is of the user's agency), else the unit paths of their agencies'
    subtrees (sorted; none: no group)."""
    whole, paths = _scope(user, survey.government_id)
    if whole or survey.kind == Survey.Kind.ROUND_360:
        return None
    return sorted(paths)


def groups_read(user: Any, survey: Survey, unit: str) -> Q | None:
    """The groups of a survey a user reads (its released figures and, while it is open, its
    participation), as a filter on the group's unit (the field ``unit``): None for all of them,
    else the groups under ``figure_paths``."""
    paths = figure_paths(user, survey)
    if paths is None:
        return None
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{unit}__path__startswith": path})
    return query


def figures_of(user: Any, survey: Survey) -> QuerySet[Figure]:
    """The released figures a user reads: all of them, or those of their agency's subtree."""
    figures = Figure.objects.filter(survey=survey).select_related("unit")
    scoped = groups_read(user, survey, "unit")
    return figures if scoped is None else figures.filter(scoped)


def figure_tree(
    user: Any, survey: Survey, chosen: str = ""
) -> tuple[Figure | None, list[Figure], QuerySet[Figure]]:
    """One level of a closed survey's results tree (issue 22, Deliver 8: a government has
    hundreds of groups): the group ``chosen`` (a figure's id; else the top group the user
    reads), the groups above it that the user reads, and the query of the groups right below
    it, to be paged. Only released figures, scoped as ``figures_of``."""
    figures = figures_of(user, survey)
    wanted = chosen.isdigit() and len(chosen) <= 18  # an id, not any string of digits
    selected = figures.filter(pk=int(chosen)).first() if wanted else None
    if selected is None:
        selected = figures.order_by("depth", "unit__path", "relation").first()
    if selected is None:
        return None, [], figures.none()
    # The other groups' comments are not read: only the chosen group's are shown.
    others = figures.defer("comments")
    if selected.unit_id is None:
        children = others.filter(depth=selected.depth + 1)
    else:
        children = others.filter(unit__parent_id=selected.unit_id)
    above: list[Figure] = []
    if selected.depth:
        above_ids = _units_above(selected)
        above = list(
            others.filter(depth__lt=selected.depth)
            .filter(Q(unit_id__in=above_ids) | Q(unit__isnull=True, depth=0))
            .order_by("depth")
        )
    return selected, above, children.order_by("unit__name", "relation")


def _units_above(figure: Figure) -> list[int]:
    if figure.unit is None:
        return []
    return [int(part) for part in figure.unit.path.strip("/").split("/")][:-1]


def previous_round(survey: Survey) -> Survey | None:
    """The closed survey before this one asking the same people the same way: same kind, same
    unit or employee rated."""
    return (
        Survey.objects.filter(
            government=survey.government,
            kind=survey.kind,
            unit=survey.unit,
            subject=survey.subject,
            status=Survey.Status.CLOSED,
            closes_on__lt=survey.opens_on,
        )
        .order_by("-closes_on")
        .first()
    )


def previous_indices(
    survey: Survey, units: Iterable[int | None] | None = None
) -> dict[tuple[int | None, str], float]:
    """The shown indices of the previous round by group, for "change since the previous round"
    (only the groups of ``units`` when given: the page's)."""
    previous = previous_round(survey)
    if previous is None:
        return {}
    found = Figure.objects.filter(survey=previous, shown=True)
    if units is not None:
        wanted = set(units)
        query = Q(unit_id__in=[unit for unit in wanted if unit is not None])
        if None in wanted:
            query |= Q(unit__isnull=True)
        found = found.filter(query)
    rows = found.values_list("unit_id", "relation", "index")
    return {(unit, relation): index for unit, relation, index in rows if index is not None}


def national_index(year: int) -> NationalIndex | None:
    return NationalIndex.objects.filter(year__lte=year).order_by("-year").first()


def questionnaires_of(government: Government) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(government=government).select_related("framework_version")


def invitations_waiting(employee_id: int, today: datetime.date) -> QuerySet[Invitation]:
    """The employee's surveys still to answer, the one closing first first (a query: pages show
    one page of it, issue 22 Deliver 8)."""
    return (
        Invitation.objects.filter(
            employee_id=employee_id,
            answered=False,
            survey__status=Survey.Status.OPEN,
            survey__opens_on__lte=today,
            survey__closes_on__gte=today,
        )
        .select_related("survey", "survey__government", "survey__subject")
        .order_by("survey__closes_on", "survey_id")
    )


def pending_surveys(user: Any) -> list[PendingItem]:
    """The home page's "Tugas saya": surveys waiting for the signed-in employee (one count, not
    the rows: an employee can be invited to many)."""
    if not user.employee_id:
        return []
    waiting = invitations_waiting(user.employee_id, timezone.localdate()).aggregate(
        count=Count("pk"), due=Min("survey__closes_on")
    )
    if not waiting["count"]:
        return []
    return [
        PendingItem(
            label=_("Surveys to answer"),
            url=reverse("surveys:me"),
            count=waiting["count"],
            section="surveys:",
            urgency=1,
            due=waiting["due"],
        )
    ]


def current_declaration(employee: Any) -> Declaration | None:
    """The declaration of the values the employee follows (S Lampiran C.2): the latest of their
    agency's programme or of the government's, whichever is newer."""
    agency_id = int(employee.unit.path.split("/")[0])
    return (
        Declaration.objects.filter(government=employee.government_id)
        .filter(Q(programme__unit_id=agency_id) | Q(programme__unit__isnull=True))
        .order_by("-held_on", "-pk")
        .first()
    )


def commitment_of(employee: Any, declaration: Declaration | None) -> Commitment | None:
    if declaration is None:
        return None
    return Commitment.objects.filter(declaration=declaration, employee=employee).first()


def twibbon_of(employee: Any, month: datetime.date) -> TwibbonConfirmation | None:
    return TwibbonConfirmation.objects.filter(employee=employee, month=month.replace(day=1)).first()


def participation_of(user: Any, survey: Survey) -> QuerySet[Tally]:
    """While a survey is open: the stored groups the user reads (each with at least k invited,
    scoped as the released figures: ``groups_read``) with people invited and answered, the
    maintained tallies (a query: the page shows one page of it). Whether someone answered is
    known; what they answered is not shown."""
    tallies = Tally.objects.filter(survey=survey)
    scoped = groups_read(user, survey, "cell")
    if scoped is not None:
        tallies = tallies.filter(scoped)
    return tallies.select_related("cell").order_by("cell__path", "pk")


def participation_row(tally: Tally) -> dict[str, Any]:
    rate = tally.answered / tally.invited * 100 if tally.invited else None
    return {
        "unit": tally.cell,
        "relation": tally.get_relation_display(),
        "invited": tally.invited,
        "answered": tally.answered,
        "rate": rate,
        "low": rate is not None and rate < PARTICIPATION_FLOOR,
    }


def participation_total(tallies: QuerySet[Tally]) -> dict[str, Any]:
    """Invited and answered in the groups of ``tallies`` (``participation_of``: those the user
    reads), summed."""
    sums = tallies.order_by().aggregate(invited=Sum("invited"), answered=Sum("answered"))
    invited, answered = sums["invited"] or 0, sums["answered"] or 0
    rate = answered / invited * 100 if invited else None
    return {
        "invited": invited,
        "answered": answered,
        "rate": rate,
        "low": rate is not None and rate < PARTICIPATION_FLOOR,
    }


def role_model_evidence(government: Government, employee_id: int) -> list[dict[str, Any]]:
    """For role-model nominations (issue 22, Deliver 7): the shown overall index of each closed
    360 round of the employee, raters only (never the self-assessment)."""
    figures = Figure.objects.filter(
        government=government,
        survey__subject_id=employee_id,
        survey__status=Survey.Status.CLOSED,
        shown=True,
        depth=0,
    ).select_related("survey")
    return [
        {"survey": figure.survey.title, "year": figure.survey.year, "index": figure.index}
        for figure in figures
        if figure.relation != "self"
    ]


def agency_evidence(government: Government, agency_id: int, year: int) -> list[dict[str, Any]]:
    """For the agency's monitoring report (issue 22, Deliver 7): the shown figures of the agency
    in the year's closed pulses (index, participation)."""
    figures = Figure.objects.filter(
        government=government,
        unit_id=agency_id,
        shown=True,
        survey__status=Survey.Status.CLOSED,
        survey__kind=Survey.Kind.PULSE,
        survey__opens_on__year=year,
    ).select_related("survey")
    return [
        {
            "survey": figure.survey.title,
            "index": figure.index,
            "answered": figure.answered,
            "invited": figure.invited,
        }
        for figure in figures
    ]
