"""What awaits the penanggung-jawab in problem solving (issue 20, "Tugas saya"): action plans
submitted for decision and progress reports not yet followed up (T Lampiran II III; T Pasal
9(2)(c), (e)). The penanggung-jawab is the agency's head (a unit head in scope) or the user who
holds the team's top role (``selectors.is_responsible``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.pending import PendingItem
from budaya.problems.models import ActionPlan, ProgressReport
from budaya.teams.models import Membership, TeamRole


def _responsible(user: Any, model: type[Any], team_field: str) -> QuerySet[Any]:
    """The model's rows of the teams the user answers for, as one query."""
    today = timezone.localdate()
    headed = model.objects.visible_to(user, roles=[Role.UNIT_HEAD]).values("pk")
    found = Q(pk__in=headed)
    if user.employee_id:
        teams = (
            Membership.objects.filter(
                employee_id=user.employee_id,
                role__chart_place=TeamRole.ChartPlace.TOP,
                start_on__lte=today,
            )
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
            .values("team_id")
        )
        found |= Q(**{f"{team_field}__in": teams})
    return model.objects.filter(found)


def pending_problems(user: Any) -> list[PendingItem]:
    if not (Role.UNIT_HEAD in user.role_names() or user.employee_id):
        return []
    url = reverse("problems:mine")
    items = []
    plans = (
        _responsible(user, ActionPlan, "problem__team")
        .filter(status=ActionPlan.Status.SUBMITTED)
        .count()
    )
    if plans:
        items.append(PendingItem(_("Action plans to decide"), url, plans, "problems:", 1))
    reports = _responsible(user, ProgressReport, "team").filter(followed_up_at__isnull=True).count()
    if reports:
        items.append(PendingItem(_("Progress reports to read"), url, reports, "problems:", 2))
    return items
