"""Scoped reads of surveys, their released figures, and what awaits an employee (issue 22)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
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
    TwibbonConfirmation,
)

RESULT_ROLES = [Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM]
PARTICIPATION_FLOOR = 60


def _scope(user: Any, government: Government) -> tuple[bool, list[str]]:
    """(whole government, agency subtree paths) the user reads results of."""
    scope = user.tenant_scope(roles=RESULT_ROLES)
    if government.pk in scope.governments:
        return True, []
    return False, [path for gov, path in scope.subtrees if gov == government.pk]


def reads_results(user: Any, government: Government) -> bool:
    whole, paths = _scope(user, government)
    return whole or bool(paths)


def manages(user: Any, government: Government) -> bool:
    return government.pk in user.tenant_scope(roles=[Role.CITY_ADMIN]).governments


def surveys_of(user: Any, government: Government) -> QuerySet[Survey]:
    """City administrator and leadership: every survey; unit roles: the pulses that ask their
    agency (or the whole government) and the 360 rounds of its employees."""
    surveys = Survey.objects.filter(government=government).select_related("unit", "subject")
    whole, paths = _scope(user, government)
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


def figures_of(user: Any, survey: Survey) -> QuerySet[Figure]:
    """The released figures a user reads: all of them, or those of their agency's subtree."""
    figures = Figure.objects.filter(survey=survey).select_related("unit")
    whole, paths = _scope(user, survey.government)
    if whole or survey.kind == Survey.Kind.ROUND_360:
        return figures
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(unit__path__startswith=path)
    return figures.filter(query)


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


def previous_indices(survey: Survey) -> dict[tuple[int | None, str], float]:
    """The shown indices of the previous round by group, for "change since the previous round"."""
    previous = previous_round(survey)
    if previous is None:
        return {}
    rows = Figure.objects.filter(survey=previous, shown=True).values_list(
        "unit_id", "relation", "index"
    )
    return {(unit, relation): index for unit, relation, index in rows if index is not None}


def national_index(year: int) -> NationalIndex | None:
    return NationalIndex.objects.filter(year__lte=year).order_by("-year").first()


def questionnaires_of(government: Government) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(government=government).select_related("framework_version")


def invitations_waiting(employee_id: int, today: datetime.date) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        employee_id=employee_id,
        answered=False,
        survey__status=Survey.Status.OPEN,
        survey__opens_on__lte=today,
        survey__closes_on__gte=today,
    ).select_related("survey", "survey__government", "survey__subject")


def pending_surveys(user: Any) -> list[PendingItem]:
    """The home page's "Tugas saya": surveys waiting for the signed-in employee."""
    if not user.employee_id:
        return []
    waiting = list(invitations_waiting(user.employee_id, timezone.localdate()))
    if not waiting:
        return []
    return [
        PendingItem(
            label=_("Surveys to answer"),
            url=reverse("surveys:me"),
            count=len(waiting),
            section="surveys:",
            urgency=1,
            due=min(invitation.survey.closes_on for invitation in waiting),
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


def participation_by_unit(survey: Survey) -> list[dict[str, Any]]:
    """While a survey is open: people invited and answered per stored group (each with at least
    k invited). Whether someone answered is known; what they answered is not shown."""
    from budaya.surveys.models import Tally

    rows = Tally.objects.filter(survey=survey).select_related("cell").order_by("cell__path")
    return [
        {
            "unit": tally.cell,
            "relation": tally.get_relation_display(),
            "invited": tally.invited,
            "answered": tally.answered,
            "rate": tally.answered / tally.invited * 100 if tally.invited else None,
            "low": bool(tally.invited)
            and tally.answered / tally.invited * 100 < PARTICIPATION_FLOOR,
        }
        for tally in rows
    ]


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
