"""Scoped reads of the problem-solving cycle, the USG ranking and who may act on a team's cycle."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.org.models import Government, Unit
from budaya.org.selectors import is_city_admin
from budaya.problems.models import (
    Action,
    ActionActivity,
    ActionPlan,
    Meeting,
    PriorityScore,
    Problem,
    ProgressReport,
)
from budaya.rulebook.selectors import current_rulebook
from budaya.teams.models import Membership, Team, TeamRole

# The fishbone's bones when the rulebook names none (the 6M of cause-and-effect analysis).
DEFAULT_CATEGORIES = (
    _("Man"),
    _("Method"),
    _("Material"),
    _("Machine"),
    _("Environment"),
    _("Money"),
)
# Who does the KBK's own work: the agency's team (and the city administrator who supports it).
# Not the unit head: per T Pasal 9 the penanggung-jawab directs, approves and follows up
# (``is_responsible``), while the chair, secretary and members do the work (T Lampiran II III).
WORKING_ROLES: list[str] = [Role.CITY_ADMIN, Role.UNIT_TEAM]


def unit_of(team: Team) -> Unit:
    """The team's unit: problem solving belongs to agency teams, which have one."""
    assert team.unit is not None
    return team.unit


def applies(government: Government) -> bool:
    """Problem solving exists only where the government's rulebook says so (T Lampiran II III)."""
    return current_rulebook(government).problem_solving_applies


def categories(government: Government) -> list[str]:
    book = current_rulebook(government)
    return list(book.problem_solving.cause_categories) or [str(c) for c in DEFAULT_CATEGORIES]


def teams_of(user: Any, government: Government) -> QuerySet[Team]:
    """The active agency teams (the KBK of each agency, T Pasal 8) whose cycle the user reads."""
    teams = Team.objects.visible_to(user).filter(
        government=government,
        dissolved_on__isnull=True,
        unit__isnull=False,
        kind__scope="agency",
    )
    return teams.select_related("unit", "kind", "government").order_by("unit__path", "name")


def count_cycles(government: Government, teams: list[Team]) -> None:
    """Open and solved problems and plans awaiting approval of each team, set on the teams: two
    queries grouped by the team alone (the distributed layout groups by no other table's key)."""
    ids = [team.pk for team in teams]
    solved = Q(status=Problem.Status.SOLVED)
    problems: dict[int, dict[str, Any]] = {
        row["team_id"]: dict(row)
        for row in Problem.objects.filter(government=government, team_id__in=ids)
        .values("team_id")
        .annotate(open=Count("id", filter=~solved), solved=Count("id", filter=solved))
        .order_by()
    }
    waiting = dict(
        ActionPlan.objects.filter(
            government=government,
            problem__team_id__in=ids,
            status=ActionPlan.Status.SUBMITTED,
        )
        .values("problem__team_id")
        .annotate(count=Count("id"))
        .order_by()
        .values_list("problem__team_id", "count")
    )
    for team in teams:
        row: dict[str, Any] = problems.get(team.pk, {})
        team.open_count = row.get("open", 0)  # type: ignore[attr-defined]
        team.solved_count = row.get("solved", 0)  # type: ignore[attr-defined]
        team.plans_waiting = waiting.get(team.pk, 0)  # type: ignore[attr-defined]


def problems_of(user: Any, government: Government) -> QuerySet[Problem]:
    return (
        Problem.objects.visible_to(user)
        .filter(government=government)
        .select_related("team__unit", "team__government", "government")
    )


def meetings_of(user: Any, government: Government) -> QuerySet[Meeting]:
    return (
        Meeting.objects.visible_to(user)
        .filter(government=government)
        .select_related("team__unit", "team__government", "government")
    )


def reports_of(user: Any, government: Government) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.visible_to(user)
        .filter(government=government)
        .select_related("team__unit", "team__government", "government", "sent_by")
    )


def _acts_on(user: Any, team: Team, roles: list[str]) -> bool:
    if Role.CITY_ADMIN in roles and is_city_admin(user, team.government):
        return True
    unit_roles = [role for role in roles if role != Role.CITY_ADMIN]
    if team.unit_id is None or not unit_roles:
        return False
    return Unit.objects.visible_to(user, roles=unit_roles).filter(pk=team.unit_id).exists()


def can_work(user: Any, team: Team) -> bool:
    """The KBK's own work (problems, scores, causes, plans, check, minutes, reports): the unit's
    team, and the city administrator who supports it; not the head, who as penanggung-jawab
    directs and approves (T Pasal 9)."""
    return _acts_on(user, team, WORKING_ROLES)


def responsible_memberships(team: Team, on: datetime.date | None = None) -> list[Membership]:
    """The team's current penanggung-jawab (the role at the top of the chart, T Pasal 9(1))."""
    from django.utils import timezone

    on = on or timezone.localdate()
    return list(
        Membership.objects.filter(
            government=team.government,
            team=team,
            role__chart_place=TeamRole.ChartPlace.TOP,
            start_on__lte=on,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .select_related("employee", "role")
    )


def is_responsible(user: Any, team: Team) -> bool:
    """The penanggung-jawab gives direction and approves (T Lampiran II III): the head of the
    agency (a unit head in its scope), or the user who is the team's penanggung-jawab."""
    if _acts_on(user, team, [Role.UNIT_HEAD]):
        return True
    employee_id = getattr(user, "employee_id", None)
    return bool(employee_id) and any(
        m.employee_id == employee_id for m in responsible_memberships(team)
    )


def causes_refusal(problem: Problem) -> str | None:
    """Why the causes of a problem may not be changed now, or None. The analysis may change
    while the action plan may (T Lampiran II III: causes and action plans need the
    penanggung-jawab's direction and approval, so what went up stays as sent): no plan yet or a
    draft or returned one (``ActionPlan.EDITABLE``, the states in which
    ``services.transition_plan`` leaves the plan to the team), the problem not solved, and no
    root cause waiting for direction."""
    if problem.status == Problem.Status.SOLVED:
        return str(_("The causes of a solved problem no longer change."))
    if problem.root_cause_sent_at and not problem.direction_at:
        return str(_("The root cause awaits the penanggung-jawab's direction."))
    plan = current_plan(problem)
    if plan is not None and not plan.is_editable:
        return str(
            _("The causes can only be changed while the action plan is a draft or returned.")
        )
    return None


def current_members(team: Team, on: datetime.date | None = None) -> list[Membership]:
    from django.utils import timezone

    on = on or timezone.localdate()
    return list(
        Membership.objects.filter(government=team.government, team=team, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .select_related("employee", "role")
        .order_by("role__order", "pk")
    )


# --- The USG ranking -----------------------------------------------------------------------------


@dataclass
class Ranked:
    problem: Problem
    scores: list[PriorityScore]
    rank: int = 0
    tied: bool = False

    @property
    def count(self) -> int:
        return len(self.scores)

    def _mean(self, attribute: str) -> float:
        if not self.scores:
            return 0.0
        return round(sum(getattr(s, attribute) for s in self.scores) / len(self.scores), 2)

    @property
    def urgency(self) -> float:
        return self._mean("urgency")

    @property
    def seriousness(self) -> float:
        return self._mean("seriousness")

    @property
    def growth(self) -> float:
        return self._mean("growth")

    @property
    def total(self) -> float:
        """The team's USG score: the mean over the members of each member's U + S + G."""
        if not self.scores:
            return 0.0
        return round(sum(s.total for s in self.scores) / len(self.scores), 2)


def ranking(problems: list[Problem]) -> list[Ranked]:
    """Problems by their USG score, highest first; equal scores share a rank (1, 1, 3) and are
    marked tied, never broken silently. Unscored problems come last, unranked."""
    rows = [Ranked(problem, list(problem.scores.all())) for problem in problems]
    scored = sorted((r for r in rows if r.scores), key=lambda r: (-r.total, r.problem.pk))
    for index, row in enumerate(scored):
        if index and row.total == scored[index - 1].total:
            row.rank = scored[index - 1].rank
        else:
            row.rank = index + 1
    totals: dict[float, int] = {}
    for row in scored:
        totals[row.total] = totals.get(row.total, 0) + 1
    for row in scored:
        row.tied = totals[row.total] > 1
    return scored + [r for r in rows if not r.scores]


def team_problems(team: Team) -> list[Problem]:
    return list(
        Problem.objects.filter(government=team.government, team=team)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=PriorityScore.objects.select_related("membership__employee").order_by(
                    "membership__role__order", "pk"
                ),
            )
        )
        .order_by("-raised_on", "-pk")
    )


def current_plan(problem: Problem) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(government=problem.government, problem=problem)
        .order_by("-number")
        .first()
    )


def actions_of(plan: ActionPlan) -> list[Action]:
    return list(
        Action.objects.filter(government=plan.government, plan=plan)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "activity_links",
                queryset=ActionActivity.objects.select_related("activity").order_by(
                    "activity__date", "pk"
                ),
            ),
            "values",
        )
        .order_by("order", "pk")
    )


def action_done_on(action: Action) -> datetime.date | None:
    """The date of the last done activity linked to the action: its execution (None: not yet)."""
    done = [
        link.activity.date
        for link in action.activity_links.all()
        if link.activity.status == "done" and not link.activity.is_planned
    ]
    return max(done) if done else None


# --- The progress report -------------------------------------------------------------------------


@dataclass
class Figures:
    problems_open: int = 0
    problems_solved: int = 0
    actions_on_time: int = 0
    actions_late: int = 0
    actions_pending: int = 0
    results_achieved: int = 0
    results_not_achieved: int = 0
    lines: list[dict[str, Any]] = field(default_factory=list)


def figures(team: Team, start: datetime.date, end: datetime.date) -> Figures:
    """What the KBK reports for a period (T Pasal 9(3)(d)): problems open and solved, actions on
    time and late (done through activities by their due date; those due by the period's end and
    those done in it before falling due), results against indicators."""
    out = Figures()
    problems = list(
        Problem.objects.filter(government=team.government, team=team, raised_on__lte=end).order_by(
            "raised_on", "pk"
        )
    )
    for problem in problems:
        if problem.status == Problem.Status.SOLVED:
            out.problems_solved += 1
        else:
            out.problems_open += 1
    actions = list(
        Action.objects.filter(
            government=team.government,
            plan__problem__team=team,
            plan__status__in=[
                ActionPlan.Status.APPROVED,
                ActionPlan.Status.IN_PROGRESS,
                ActionPlan.Status.DONE,
            ],
        )
        # Due by the end of the period, or done in it before falling due (T Pasal 9(3)(d): the
        # progress made), the done activity being the action's execution.
        .filter(
            Q(due_on__lte=end)
            | Q(
                pk__in=ActionActivity.objects.filter(
                    government=team.government,
                    activity__status="done",
                    activity__date__lte=end,
                ).values("action_id")
            )
        )
        .select_related("plan__problem", "owner")
        .prefetch_related(
            Prefetch("activity_links", queryset=ActionActivity.objects.select_related("activity"))
        )
        .order_by("due_on", "pk")
    )
    for action in actions:
        done_on = action_done_on(action)
        if action.due_on > end and (done_on is None or done_on > end):
            continue  # done only after the period and not due in it
        if done_on is not None and done_on <= action.due_on:
            state = "on_time"
            out.actions_on_time += 1
        elif done_on is not None or action.due_on < end:
            state = "late"
            out.actions_late += 1
        else:
            state = "pending"
            out.actions_pending += 1
        if action.achieved is True:
            out.results_achieved += 1
        elif action.achieved is False:
            out.results_not_achieved += 1
        out.lines.append(
            {
                "problem": action.plan.problem.title,
                "action": action.title,
                "owner": action.owner.full_name,
                "due_on": action.due_on.isoformat(),
                "done_on": done_on.isoformat() if done_on else "",
                "state": state,
                "indicator": action.indicator,
                "result": action.result,
                "achieved": action.achieved,
            }
        )
    return out


# --- Where the cycle shows elsewhere: the programme, the activity, the monitoring report --------

# The plans whose actions belong to the agency's programme (T Lampiran II III: approved action
# plans become activities of the unit's work-culture plan).
APPROVED = (ActionPlan.Status.APPROVED, ActionPlan.Status.IN_PROGRESS, ActionPlan.Status.DONE)


def programme_actions(user: Any, programme: Any) -> list[Action]:
    """The approved actions of the programme's agency (every agency for the city-wide one) due
    in the programme's year, with the activities that carried them out."""
    actions = Action.objects.visible_to(user).filter(
        government_id=programme.government_id,
        plan__status__in=APPROVED,
        due_on__year=programme.year,
    )
    if programme.unit_id is not None:
        actions = actions.filter(plan__problem__team__unit__path__startswith=programme.unit.path)
    return list(
        actions.select_related("plan__problem__team", "owner")
        .prefetch_related(
            Prefetch(
                "activity_links",
                queryset=ActionActivity.objects.select_related("activity").order_by(
                    "activity__date", "pk"
                ),
            )
        )
        .order_by("due_on", "pk")
    )


def executed_actions(user: Any, activity: Any) -> list[ActionActivity]:
    """The approved actions an activity carried out (its links), as the user may read them."""
    return list(
        ActionActivity.objects.visible_to(user)
        .filter(government_id=activity.government_id, activity=activity)
        .select_related("action__plan__problem")
        .order_by("pk")
    )


def programmes_of_plan(user: Any, plan: ActionPlan, actions: list[Action]) -> list[Any]:
    """The agency programmes the plan's actions appear in (the years they are due)."""
    from budaya.programme.models import Programme

    years = {action.due_on.year for action in actions}
    if plan.status not in APPROVED or not years:
        return []
    unit = unit_of(plan.problem.team)
    return list(
        Programme.objects.visible_to(user)
        .filter(government_id=plan.government_id, unit_id=unit.pk, year__in=years)
        .order_by("year")
    )


@dataclass
class ReportResults:
    """What a unit's KBKs did in a monitoring period (T Pasal 9(2)(c), (e); S Lampiran E Tabel 2
    indicator 4 counts the follow-up of evaluations)."""

    teams: list[Team]
    problems_raised: int = 0
    problems_solved: int = 0
    plans_approved: int = 0
    actions_done: int = 0
    actions_on_time: int = 0
    results_achieved: int = 0
    results_not_achieved: int = 0
    reports_sent: int = 0
    reports_followed_up: int = 0

    @property
    def empty(self) -> bool:
        return not (self.problems_raised or self.plans_approved or self.reports_sent)


def results_for_report(unit: Unit, start: datetime.date, end: datetime.date) -> ReportResults:
    """The problems and results of the unit's KBKs in a period, for the unit's monitoring report:
    problems raised and solved, plans approved, actions done (on time) through activities,
    results against indicators, progress reports sent and followed up."""
    government = unit.government_id
    teams = list(
        Team.objects.filter(
            government_id=government, unit__path__startswith=unit.path, kind__scope="agency"
        ).order_by("name")
    )
    out = ReportResults(teams=teams)
    if not teams:
        return out
    raised = Problem.objects.filter(
        government_id=government, team__in=teams, raised_on__range=(start, end)
    )
    out.problems_raised = raised.count()
    out.problems_solved = (
        ActionPlan.objects.filter(
            government_id=government,
            problem__team__in=teams,
            decision=ActionPlan.Decision.STANDARDISE,
            checked_at__date__range=(start, end),
        )
        .values("problem_id")
        .distinct()
        .count()
    )
    actions = list(
        Action.objects.filter(
            government_id=government,
            plan__problem__team__in=teams,
            plan__status__in=APPROVED,
        ).prefetch_related(
            Prefetch("activity_links", queryset=ActionActivity.objects.select_related("activity"))
        )
    )
    out.plans_approved = ActionPlan.objects.filter(
        government_id=government,
        problem__team__in=teams,
        status__in=APPROVED,
        approved_at__date__range=(start, end),
    ).count()
    for action in actions:
        done_on = action_done_on(action)
        if done_on is not None and start <= done_on <= end:
            out.actions_done += 1
            out.actions_on_time += done_on <= action.due_on
            out.results_achieved += action.achieved is True
            out.results_not_achieved += action.achieved is False
    reports = ProgressReport.objects.filter(
        government_id=government, team__in=teams, period_end__range=(start, end)
    ).aggregate(sent=Count("id"), followed_up=Count("id", filter=Q(followed_up_at__isnull=False)))
    out.reports_sent = reports["sent"]
    out.reports_followed_up = reports["followed_up"]
    return out
