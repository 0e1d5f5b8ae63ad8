"""The steps of the cycle that give someone work: announced as workflow events (``budaya.events``)
and listed as tasks (``budaya.pending``, the home page's "Tugas saya").

The root cause and the action plan go up to the penanggung-jawab for direction and approval
(T Lampiran II III); the chair and facilitator report the KBK's progress to them (T Pasal
9(3)(d), 9(6)(e)), who follows up its results (T Pasal 9(2)(c), (e)). What comes back (the
direction, a plan returned or approved, the follow-up) goes to the agency's team, who does the
work (the head directs it, T Pasal 9).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya import events
from budaya.accounts.models import Role, RoleGrant, User
from budaya.org.models import Government
from budaya.pending import PendingItem
from budaya.problems.models import ActionPlan, Problem, ProgressReport
from budaya.rulebook.selectors import problem_solving_applies_in
from budaya.teams.models import Membership, Team, TeamRole

SECTION = "problems:"


def _prefixes(path: str) -> list[str]:
    """A materialised path's ancestors and itself ("12/40/" → "12/", "12/40/")."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: index + 1]) for index in range(len(parts))]


def _current(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    today = timezone.localdate()
    return memberships.filter(start_on__lte=today).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=today)
    )


def _granted(team: Team, roles: list[str]) -> set[int]:
    assert team.unit is not None
    return set(
        RoleGrant.objects.filter(
            government_id=team.government_id,
            role__in=roles,
            unit__path__in=_prefixes(team.unit.path),
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def responsible_users(team: Team) -> set[int]:
    """The penanggung-jawab as users: the heads of the agency and the user of the employee at the
    top of the chart (``selectors.is_responsible``)."""
    employees = _current(
        Membership.objects.filter(
            government_id=team.government_id, team=team, role__chart_place=TeamRole.ChartPlace.TOP
        )
    ).values("employee_id")
    by_employee = User.objects.filter(employee_id__in=employees, is_active=True)
    return _granted(team, [Role.UNIT_HEAD]) | set(by_employee.values_list("pk", flat=True))


def team_users(team: Team) -> set[int]:
    """The agency's team, who do the KBK's work (``selectors.can_work``; the head directs)."""
    return _granted(team, [Role.UNIT_TEAM])


def announce(
    *,
    kind: str,
    team: Team,
    recipients: Iterable[int],
    url: str,
    key: str,
    actor: Any,
    **context: Any,
) -> None:
    """One step of the cycle, sent after the transaction commits (``budaya.events``)."""
    events.announce(
        kind=kind,
        government_id=team.government_id,
        recipient_ids=recipients,
        url=url,
        key=key,
        context={"team": team.name, **context},
        actor_id=getattr(actor, "pk", None),
    )


def announce_root_cause(problem: Problem, step: str, at: Any, actor: Any, **context: Any) -> None:
    """The root cause goes up for direction ("sent", to the penanggung-jawab) and the direction
    comes back ("directed", to the team): T Lampiran II III."""
    team = problem.team
    announce(
        kind=f"problems.root_cause.{step}",
        team=team,
        recipients=responsible_users(team) if step == "sent" else team_users(team),
        url=problem_url(problem),
        key=f"problems.root_cause.{step}:{problem.pk}:{at.isoformat()}",
        actor=actor,
        problem=problem.title,
        **context,
    )


def problem_url(problem: Problem) -> str:
    return reverse("problems:problem", args=[problem.team.government.slug, problem.pk])


def report_url(report: ProgressReport) -> str:
    return reverse("problems:report", args=[report.team.government.slug, report.pk])


# --- Tasks (budaya.pending) --------------------------------------------------------------------


def _responsible_teams(user: Any) -> Q | None:
    """The teams whose penanggung-jawab the user is, as a filter on ``Team``."""
    query = Q()
    for government, path in user.tenant_scope([Role.UNIT_HEAD]).subtrees:
        query |= Q(government_id=government, unit__path__startswith=path)
    employee_id = getattr(user, "employee_id", None)
    if employee_id:
        tops = _current(
            Membership.objects.filter(
                employee_id=employee_id, role__chart_place=TeamRole.ChartPlace.TOP
            )
        )
        query |= Q(pk__in=tops.values("team_id"))
    return query or None


def _working_teams(user: Any) -> Q | None:
    query = Q()
    for government, path in user.tenant_scope([Role.UNIT_TEAM]).subtrees:
        query |= Q(government_id=government, unit__path__startswith=path)
    return query or None


@dataclass(frozen=True)
class _Ask:
    """One kind of task: rows of ``model`` of the user's teams matching ``where``."""

    model: Any
    team_field: str
    label: Any
    # The page of one row, given the id in ``link_field``.
    single: str
    link_field: str
    urgency: int
    where: dict[str, Any]


RESPONSIBLE_ASKS = (
    _Ask(
        Problem,
        "team_id",
        _("Root causes awaiting your direction"),
        "problems:problem",
        "id",
        1,
        {"root_cause_sent_at__isnull": False, "direction_at__isnull": True},
    ),
    _Ask(
        ActionPlan,
        "problem__team_id",
        _("Action plans awaiting your approval"),
        "problems:problem",
        "problem_id",
        1,
        {"status": ActionPlan.Status.SUBMITTED},
    ),
    _Ask(
        ProgressReport,
        "team_id",
        _("KBK progress reports to read and follow up"),
        "problems:report",
        "id",
        2,
        {"followed_up_at__isnull": True},
    ),
)
WORKING_ASKS = (
    _Ask(
        ActionPlan,
        "problem__team_id",
        _("Action plans returned with direction"),
        "problems:problem",
        "problem_id",
        0,
        {"status": ActionPlan.Status.RETURNED},
    ),
)


def _counts(user: Any, ask: _Ask, teams: Q) -> list[tuple[_Ask, dict[str, Any]]]:
    """The rows of one ask visible to the user, counted per government (one query)."""
    team_ids = Team.objects.filter(teams, dissolved_on__isnull=True).values("pk")
    rows = (
        ask.model.objects.visible_to(user)
        .filter(**{f"{ask.team_field}__in": team_ids}, **ask.where)
        .values("government_id")
        .annotate(count=Count("id"), first=Min(ask.link_field))
        .order_by()
    )
    return [(ask, row) for row in rows]


def awaiting(user: Any) -> list[PendingItem]:
    """What the cycle asks of the user now: for the penanggung-jawab, root causes awaiting
    direction, action plans awaiting approval and progress reports to read and follow up; for
    the agency's team, action plans returned with direction. One row links to its own
    page, several to the government's KBK overview."""
    if not problem_solving_applies_in(user.tenant_scope().member_governments):
        return []
    found: list[tuple[_Ask, dict[str, Any]]] = []
    for teams, asks in (
        (_responsible_teams(user), RESPONSIBLE_ASKS),
        (_working_teams(user), WORKING_ASKS),
    ):
        if teams is not None:
            for ask in asks:
                found += _counts(user, ask, teams)
    ids = {row["government_id"] for _ask, row in found}
    slugs = {
        pk: slug
        for pk, slug in Government.objects.filter(pk__in=ids).values_list("pk", "slug")
        if problem_solving_applies_in([pk])
    }
    return [
        PendingItem(
            label=ask.label,
            url=reverse(ask.single, args=[slugs[row["government_id"]], row["first"]])
            if row["count"] == 1
            else reverse("problems:index", args=[slugs[row["government_id"]]]),
            count=row["count"],
            section=SECTION,
            urgency=ask.urgency,
        )
        for ask, row in found
        if row["government_id"] in slugs
    ]
