"""Every write of the problem-solving cycle: one transaction, its audit entries inside it.

T Lampiran II III: the KBK identifies problems, ranks them, looks for their causes, makes an
action plan, carries it out, checks the results and corrects; causes and action plans need the
penanggung-jawab's direction and approval. ``selectors.can_work`` (the team) and
``selectors.is_responsible`` (the penanggung-jawab) say who may do which.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.activities.models import Activity
from budaya.problems import notices, selectors
from budaya.problems.models import (
    Action,
    ActionActivity,
    ActionPlan,
    ActionValue,
    Attendance,
    Cause,
    Meeting,
    MeetingAction,
    MeetingProblem,
    PlanEvent,
    PriorityScore,
    Problem,
    ProblemValue,
    ProgressReport,
)
from budaya.teams.models import Membership, Team

PROBLEM_FIELDS = ("title", "description", "source", "raised_by", "raised_on")
ACTION_FIELDS = (
    "title",
    "owner_id",
    "due_on",
    "resources",
    "expected_result",
    "indicator",
    "rules_to_change",
)


def _require_applies(team: Team) -> None:
    if not selectors.applies(team.government):
        raise PermissionDenied(_("Problem solving does not apply under this rulebook."))


def _require_work(user: Any, team: Team) -> None:
    _require_applies(team)
    if user is not None and not selectors.can_work(user, team):
        raise PermissionDenied


def _require_responsible(user: Any, team: Team) -> None:
    _require_applies(team)
    # acting_user None: the operator (the demo, a command), as elsewhere.
    if user is not None and not selectors.is_responsible(user, team):
        raise PermissionDenied(_("Only the penanggung-jawab of the team decides this."))


def _set_values(model: Any, owner_field: str, owner: Any, values: Iterable[Any]) -> None:
    model.objects.filter(**{owner_field: owner}).delete()
    model.objects.bulk_create(
        model(government=owner.government, **{owner_field: owner}, value=value) for value in values
    )


# --- Problems and their prioritisation ---------------------------------------------------------


@transaction.atomic
def record_problem(
    *,
    team: Team,
    acting_user: Any,
    title: str,
    source: str,
    raised_on: datetime.date,
    description: str = "",
    raised_by: str = "",
    values: Iterable[Any] = (),
) -> Problem:
    """T Lampiran II III: mengidentifikasi/menginventarisasi masalah."""
    _require_work(acting_user, team)
    problem = Problem.objects.create(
        government=team.government,
        team=team,
        title=title,
        description=description,
        source=source,
        raised_by=raised_by,
        raised_on=raised_on,
        created_by=acting_user,
    )
    _set_values(ProblemValue, "problem", problem, values)
    audit.record(acting_user, AuditAction.CREATE, problem, after=audit.snapshot(problem))
    return problem


@transaction.atomic
def update_problem(
    *, problem: Problem, acting_user: Any, values: Iterable[Any] | None = None, **changes: Any
) -> Problem:
    _require_work(acting_user, problem.team)
    before = audit.snapshot(problem)
    for name, value in changes.items():
        if name not in (*PROBLEM_FIELDS, "method"):
            raise ValueError(name)
        setattr(problem, name, value)
    problem.save()
    if values is not None:
        _set_values(ProblemValue, "problem", problem, values)
    old, new = audit.changed(before, audit.snapshot(problem))
    if old or new or values is not None:
        audit.record(acting_user, AuditAction.UPDATE, problem, before=old, after=new)
    return problem


@transaction.atomic
def score_problem(
    *,
    problem: Problem,
    membership: Membership,
    urgency: int,
    seriousness: int,
    growth: int,
    acting_user: Any,
) -> PriorityScore:
    """One member's USG scoring (each 1–5), kept per member; scoring again replaces it."""
    _require_work(acting_user, problem.team)
    if membership.team_id != problem.team_id:
        raise ValidationError(_("Only members of the team score its problems."))
    for value in (urgency, seriousness, growth):
        if not 1 <= value <= 5:
            raise ValidationError(_("Each score is between 1 and 5."))
    if problem.status == Problem.Status.SOLVED:
        raise ValidationError(_("A solved problem is not scored again."))
    score, created = PriorityScore.objects.update_or_create(
        government=problem.government,
        problem=problem,
        membership=membership,
        defaults={"urgency": urgency, "seriousness": seriousness, "growth": growth},
    )
    after = {"member": str(membership.employee), "U": urgency, "S": seriousness, "G": growth}
    audit.record(
        acting_user,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        score,
        after=after,
        object_repr=f"{problem.title}: {membership.employee}",
    )
    return score


@transaction.atomic
def choose_problem(*, problem: Problem, acting_user: Any) -> Problem:
    """The team chooses a problem to solve (T Lampiran II III: membuat prioritas masalah)."""
    _require_work(acting_user, problem.team)
    if problem.status != Problem.Status.OPEN:
        raise ValidationError(_("Only an open problem can be chosen."))
    problem.status = Problem.Status.CHOSEN
    problem.save(update_fields=["status"])
    audit.record(acting_user, AuditAction.UPDATE, problem, after={"status": problem.status})
    return problem


# --- Causes ------------------------------------------------------------------------------------


@transaction.atomic
def add_cause(*, problem: Problem, text: str, acting_user: Any, category: str = "") -> Cause:
    """T Lampiran II III: mencari penyebab masalah: a cause on a bone of the fishbone, or the
    next answer of the five whys (no category)."""
    _require_work(acting_user, problem.team)
    # While the plan is the team's, as correcting and deleting (selectors.causes_refusal).
    _require_causes_open(problem)
    if category and category not in selectors.categories(problem.government):
        raise ValidationError(_("Choose one of the categories of the fishbone."))
    order = Cause.objects.filter(problem=problem, category=category).count() + 1
    cause = Cause.objects.create(
        government=problem.government,
        problem=problem,
        category=category,
        text=text,
        order=order,
    )
    audit.record(acting_user, AuditAction.CREATE, cause, after=audit.snapshot(cause))
    return cause


def _require_causes_open(problem: Problem) -> None:
    refusal = selectors.causes_refusal(problem)
    if refusal:
        raise ValidationError(refusal)


def _require_not_sent_root(problem: Problem, cause: Cause) -> None:
    if cause.is_root and problem.root_cause_sent_at:
        raise ValidationError(
            _(
                "The root cause was sent to the penanggung-jawab for direction and stays as "
                "sent; choose another root cause first."
            )
        )


def _renumber(rows: Any) -> None:
    """The rows left after one moved or went: numbered 1, 2, … again, in their order."""
    for order, row in enumerate(rows.order_by("order", "pk"), start=1):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])


def _cause_of(problem: Problem, cause: Cause) -> Cause:
    if cause.problem_id != problem.pk:
        raise ValidationError(_("The cause must be one of the problem's causes."))
    return cause


@transaction.atomic
def update_cause(
    *, problem: Problem, cause: Cause, text: str, acting_user: Any, category: str | None = None
) -> Cause:
    """Correct a cause entered by mistake: its text, or its bone of the fishbone."""
    _require_work(acting_user, problem.team)
    cause = _cause_of(problem, cause)
    _require_causes_open(problem)
    _require_not_sent_root(problem, cause)
    before = audit.snapshot(cause)
    cause.text = text
    left = None
    if category is not None and category != cause.category:
        if cause.category == "" or category not in selectors.categories(problem.government):
            raise ValidationError(_("Choose one of the categories of the fishbone."))
        left = cause.category
        cause.category = category
        cause.order = Cause.objects.filter(problem=problem, category=category).count() + 1
    cause.save()
    if left is not None:
        _renumber(Cause.objects.filter(problem=problem, category=left))
    old, new = audit.changed(before, audit.snapshot(cause))
    if old or new:
        audit.record(acting_user, AuditAction.UPDATE, cause, before=old, after=new)
    return cause


@transaction.atomic
def delete_cause(*, problem: Problem, cause: Cause, acting_user: Any) -> None:
    """Delete a cause entered by mistake; the answers after it on its bone (or in the five
    whys) move up one. A root cause sent for direction is not deleted."""
    _require_work(acting_user, problem.team)
    cause = _cause_of(problem, cause)
    _require_causes_open(problem)
    _require_not_sent_root(problem, cause)
    before = audit.snapshot(cause)
    named = copy.copy(cause)  # delete() forgets the primary key the entry names
    cause.delete()
    _renumber(Cause.objects.filter(problem=problem, category=named.category))
    audit.record(acting_user, AuditAction.DELETE, named, before=before)


@transaction.atomic
def send_root_cause(*, problem: Problem, cause: Cause, acting_user: Any) -> Problem:
    """The team chooses the root cause and sends it to the penanggung-jawab for direction."""
    _require_work(acting_user, problem.team)
    if cause.problem_id != problem.pk:
        raise ValidationError(_("The root cause must be one of the problem's causes."))
    before = {"root_cause": getattr(problem.root_cause, "pk", None)}
    Cause.objects.filter(problem=problem, is_root=True).update(is_root=False)
    cause.is_root = True
    cause.save(update_fields=["is_root"])
    problem.root_cause_sent_at = timezone.now()
    problem.direction = ""
    problem.direction_by = None
    problem.direction_at = None
    if problem.status == Problem.Status.OPEN:
        problem.status = Problem.Status.CHOSEN
    problem.save()
    after = {"root_cause": cause.pk, "root_cause_text": cause.text, "status": problem.status}
    audit.record(acting_user, AuditAction.UPDATE, problem, before=before, after=after)
    notices.announce_root_cause(
        problem, "sent", problem.root_cause_sent_at, acting_user, root_cause=cause.text
    )
    return problem


@transaction.atomic
def give_direction(*, problem: Problem, direction: str, acting_user: Any) -> Problem:
    """The penanggung-jawab's direction on the root cause (T Lampiran II III)."""
    _require_responsible(acting_user, problem.team)
    if not problem.root_cause_sent_at:
        raise ValidationError(_("No root cause has been sent for direction."))
    if not direction.strip():
        raise ValidationError(_("Write the direction."))
    problem.direction = direction.strip()
    problem.direction_by = acting_user
    problem.direction_at = timezone.now()
    problem.save(update_fields=["direction", "direction_by", "direction_at"])
    audit.record(acting_user, AuditAction.UPDATE, problem, after={"direction": problem.direction})
    notices.announce_root_cause(
        problem, "directed", problem.direction_at, acting_user, direction=problem.direction
    )
    return problem


# --- The action plan ---------------------------------------------------------------------------


def _editable_plan(problem: Problem, acting_user: Any) -> ActionPlan:
    plan = selectors.current_plan(problem)
    if plan is None:
        plan = ActionPlan.objects.create(government=problem.government, problem=problem)
        audit.record(acting_user, AuditAction.CREATE, plan, after={"number": plan.number})
    if not plan.is_editable:
        raise ValidationError(_("The action plan can only be changed as a draft or returned."))
    return plan


def _check_owner(problem: Problem, owner_id: int) -> None:
    from budaya.org.models import Employee

    unit = selectors.unit_of(problem.team)
    if not Employee.objects.filter(
        government=problem.government, pk=owner_id, unit__path__startswith=unit.path
    ).exists():
        raise ValidationError(_("The owner must work in the team's unit."))


@transaction.atomic
def add_action(
    *, problem: Problem, acting_user: Any, values: Iterable[Any] = (), **fields: Any
) -> Action:
    """T Lampiran II III: membuat rencana tindakan; the owner is a leader at any level."""
    _require_work(acting_user, problem.team)
    plan = _editable_plan(problem, acting_user)
    for name in fields:
        if name not in ACTION_FIELDS:
            raise ValueError(name)
    _check_owner(problem, fields["owner_id"])
    order = Action.objects.filter(plan=plan).count() + 1
    action = Action.objects.create(government=plan.government, plan=plan, order=order, **fields)
    _set_values(ActionValue, "action", action, values)
    audit.record(acting_user, AuditAction.CREATE, action, after=audit.snapshot(action))
    return action


@transaction.atomic
def update_action(
    *, action: Action, acting_user: Any, values: Iterable[Any] | None = None, **fields: Any
) -> Action:
    plan = ActionPlan.objects.select_related("problem__team").get(pk=action.plan_id)
    _require_work(acting_user, plan.problem.team)
    if not plan.is_editable:
        raise ValidationError(_("The action plan can only be changed as a draft or returned."))
    before = audit.snapshot(action)
    for name, value in fields.items():
        if name not in ACTION_FIELDS:
            raise ValueError(name)
        setattr(action, name, value)
    if "owner_id" in fields:
        _check_owner(plan.problem, fields["owner_id"])
    action.save()
    if values is not None:
        _set_values(ActionValue, "action", action, values)
    old, new = audit.changed(before, audit.snapshot(action))
    audit.record(acting_user, AuditAction.UPDATE, action, before=old, after=new)
    return action


@transaction.atomic
def delete_action(*, action: Action, acting_user: Any) -> None:
    """Delete an action entered by mistake while the plan is a draft or returned (the team's
    states in ``ActionPlan.TRANSITIONS``; once submitted the penanggung-jawab decides on it as
    sent, T Lampiran II III). An action the minutes of a meeting name stays: the minutes are a
    record."""
    plan = (
        ActionPlan.objects.select_for_update()
        .select_related("problem__team")
        .get(pk=action.plan_id)
    )
    _require_work(acting_user, plan.problem.team)
    if not plan.is_editable:
        raise ValidationError(_("The action plan can only be changed as a draft or returned."))
    if MeetingAction.objects.filter(government=plan.government, action=action).exists():
        raise ValidationError(
            _("The minutes of a meeting name this action: it stays; edit it instead.")
        )
    before = audit.snapshot(action)
    named = copy.copy(action)
    action.delete()
    _renumber(Action.objects.filter(plan=plan))
    audit.record(acting_user, AuditAction.DELETE, named, before=before)


def _move(plan: ActionPlan, to: str, acting_user: Any, note: str) -> ActionPlan:
    before = plan.status
    plan.status = to
    if to == ActionPlan.Status.APPROVED:
        plan.approved_at = timezone.now()
    plan.save()
    event = PlanEvent.objects.create(
        government=plan.government,
        plan=plan,
        from_status=before,
        to_status=to,
        note=note,
        actor=acting_user,
    )
    audit.record(
        acting_user,
        AuditAction.UPDATE,
        plan,
        before={"status": before},
        after={"status": to, **({"note": note} if note else {})},
    )
    _announce_move(plan, event, acting_user)
    return plan


# Who hears of a move: the plan goes up to the penanggung-jawab and comes back to the team.
ANNOUNCED_MOVES = {
    ActionPlan.Status.SUBMITTED: notices.responsible_users,
    ActionPlan.Status.RETURNED: notices.team_users,
    ActionPlan.Status.APPROVED: notices.team_users,
}


def _announce_move(plan: ActionPlan, event: PlanEvent, acting_user: Any) -> None:
    recipients = ANNOUNCED_MOVES.get(ActionPlan.Status(event.to_status))
    if recipients is None:
        return
    problem = plan.problem
    notices.announce(
        kind=f"problems.plan.{event.to_status}",
        team=problem.team,
        recipients=recipients(problem.team),
        url=notices.problem_url(problem),
        key=f"problems.plan.{event.to_status}:{event.pk}",
        actor=acting_user,
        problem=problem.title,
        plan=plan.number,
        note=event.note,
    )


@transaction.atomic
def transition_plan(*, plan: ActionPlan, to: str, acting_user: Any, note: str = "") -> ActionPlan:
    """Move a plan along ``ActionPlan.TRANSITIONS``: the team submits, starts and finishes; the
    penanggung-jawab approves or returns with direction (T Lampiran II III)."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    team = plan.problem.team
    who = plan.allowed().get(to)
    if who is None:
        raise ValidationError(
            _("An action plan cannot go from “%(from)s” to “%(to)s”.")
            % {"from": plan.get_status_display(), "to": ActionPlan.Status(to).label}
        )
    if who == "responsible":
        _require_responsible(acting_user, team)
    else:
        _require_work(acting_user, team)
    actions = selectors.actions_of(plan)
    if to == ActionPlan.Status.SUBMITTED:
        if not actions:
            raise ValidationError(_("A plan needs at least one action."))
        if not Cause.objects.filter(problem_id=plan.problem_id, is_root=True).exists():
            raise ValidationError(_("Choose the root cause before submitting the plan."))
    if to == ActionPlan.Status.RETURNED and not note.strip():
        raise ValidationError(_("Write the direction the plan is returned with."))
    if to == ActionPlan.Status.DONE:
        pending = [a.title for a in actions if selectors.action_done_on(a) is None]
        if pending:
            raise ValidationError(
                _("Every action needs a done activity first: %(actions)s")
                % {"actions": ", ".join(pending)}
            )
    return _move(plan, to, acting_user, note.strip())


@transaction.atomic
def link_activity(*, action: Action, activity: Activity, acting_user: Any) -> ActionActivity:
    """A logged activity is the execution of an approved action (T Lampiran II III:
    melaksanakan rencana tindakan); linking the first starts an approved plan."""
    plan = ActionPlan.objects.select_related("problem__team").get(pk=action.plan_id)
    team = plan.problem.team
    _require_work(acting_user, team)
    if plan.status not in (ActionPlan.Status.APPROVED, ActionPlan.Status.IN_PROGRESS):
        raise ValidationError(_("Only actions of an approved plan are executed."))
    if activity.government_id != plan.government_id or not activity.unit.path.startswith(
        selectors.unit_of(team).path
    ):
        raise ValidationError(_("The activity must be one of the team's unit."))
    link, created = ActionActivity.objects.get_or_create(
        government=plan.government, action=action, activity=activity
    )
    if created:
        audit.record(
            acting_user,
            AuditAction.CREATE,
            link,
            after={"action": action.title, "activity": activity.title},
            object_repr=f"{action.title}: {activity.title}",
        )
    if plan.status == ActionPlan.Status.APPROVED:
        _move(plan, ActionPlan.Status.IN_PROGRESS, acting_user, "")
    return link


@transaction.atomic
def record_result(
    *, action: Action, result: str, achieved: bool | None, acting_user: Any
) -> Action:
    """The result against the action's indicator (T Lampiran II III: mengecek hasil)."""
    plan = ActionPlan.objects.select_related("problem__team").get(pk=action.plan_id)
    _require_work(acting_user, plan.problem.team)
    if plan.status not in (ActionPlan.Status.IN_PROGRESS, ActionPlan.Status.DONE):
        raise ValidationError(_("Results are recorded once the plan is carried out."))
    before = audit.snapshot(action, ["result", "achieved"])
    action.result = result
    action.achieved = achieved
    action.save(update_fields=["result", "achieved"])
    audit.record(
        acting_user,
        AuditAction.UPDATE,
        action,
        before=before,
        after=audit.snapshot(action, ["result", "achieved"]),
    )
    return action


@transaction.atomic
def record_check(*, plan: ActionPlan, decision: str, lessons: str, acting_user: Any) -> ActionPlan:
    """The check and the correction (T Lampiran II III: mengecek hasil pelaksanaan tindakan, dan
    membuat koreksi yang diperlukan): standardise solves the problem; correct opens a new plan;
    start again sends the problem back to its causes."""
    problem = plan.problem
    _require_work(acting_user, problem.team)
    if plan.status != ActionPlan.Status.DONE:
        raise ValidationError(_("The check follows a plan that is done."))
    if plan.decision:
        raise ValidationError(_("This plan has been checked."))
    if decision not in ActionPlan.Decision.values:
        raise ValidationError(_("Choose a decision."))
    plan.decision = decision
    plan.lessons = lessons
    plan.checked_at = timezone.now()
    plan.checked_by = acting_user
    plan.save()
    audit.record(
        acting_user, AuditAction.UPDATE, plan, after={"decision": decision, "lessons": lessons}
    )
    before = audit.snapshot(problem, ["status", "root_cause_sent_at"])
    if decision == ActionPlan.Decision.STANDARDISE:
        problem.status = Problem.Status.SOLVED
    else:
        following = ActionPlan.objects.create(
            government=plan.government, problem=problem, number=plan.number + 1
        )
        audit.record(acting_user, AuditAction.CREATE, following, after={"number": following.number})
        if decision == ActionPlan.Decision.RESTART:
            Cause.objects.filter(problem=problem, is_root=True).update(is_root=False)
            problem.root_cause_sent_at = None
            problem.direction = ""
            problem.direction_at = None
            problem.direction_by = None
    problem.save()
    audit.record(
        acting_user,
        AuditAction.UPDATE,
        problem,
        before=before,
        after=audit.snapshot(problem, ["status", "root_cause_sent_at"]),
    )
    return plan


# --- Minutes and reports -----------------------------------------------------------------------


@transaction.atomic
def record_meeting(
    *,
    team: Team,
    acting_user: Any,
    held_on: datetime.date,
    place: str,
    agenda: str,
    attendance: Mapping[int, bool],
    starts_at: datetime.time | None = None,
    discussion: str = "",
    decisions: str = "",
    follow_ups: str = "",
    problems: Iterable[Problem] = (),
    actions: Iterable[Action] = (),
) -> Meeting:
    """The minutes of a KBK meeting: attendees of the team as it was on the meeting's date with
    their attendance; decisions and follow-ups linked to the problems discussed and to the
    actions of their plans."""
    _require_work(acting_user, team)
    members = {m.pk: m for m in selectors.current_members(team, held_on)}
    unknown = set(attendance) - set(members)
    if unknown:
        raise ValidationError(_("Attendees must be members of the team on the meeting's date."))
    meeting = Meeting.objects.create(
        government=team.government,
        team=team,
        held_on=held_on,
        starts_at=starts_at,
        place=place,
        agenda=agenda,
        discussion=discussion,
        decisions=decisions,
        follow_ups=follow_ups,
        created_by=acting_user,
    )
    Attendance.objects.bulk_create(
        Attendance(government=team.government, meeting=meeting, membership_id=pk, present=present)
        for pk, present in attendance.items()
    )
    linked = [p for p in problems if p.team_id == team.pk]
    MeetingProblem.objects.bulk_create(
        MeetingProblem(government=team.government, meeting=meeting, problem=p) for p in linked
    )
    # Only the team's own actions (the form offers no other; a crafted request gains nothing).
    followed = list(
        Action.objects.filter(
            government=team.government,
            plan__problem__team=team,
            pk__in=[a.pk for a in actions],
        ).order_by("pk")
    )
    MeetingAction.objects.bulk_create(
        MeetingAction(government=team.government, meeting=meeting, action=a) for a in followed
    )
    audit.record(
        acting_user,
        AuditAction.CREATE,
        meeting,
        after={
            **audit.snapshot(meeting),
            "present": sum(1 for v in attendance.values() if v),
            "problems": [p.pk for p in linked],
            "actions": [a.pk for a in followed],
        },
    )
    return meeting


@transaction.atomic
def send_progress_report(
    *,
    team: Team,
    period_start: datetime.date,
    period_end: datetime.date,
    acting_user: Any,
    summary: str = "",
) -> ProgressReport:
    """The chair and facilitator report the KBK's progress to the penanggung-jawab (T Pasal
    9(3)(d), 9(6)(e)); the figures are frozen as sent."""
    _require_work(acting_user, team)
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    figures = selectors.figures(team, period_start, period_end)
    report = ProgressReport.objects.create(
        government=team.government,
        team=team,
        period_start=period_start,
        period_end=period_end,
        figures=figures.__dict__,
        summary=summary,
        sent_by=acting_user,
    )
    audit.record(acting_user, AuditAction.CREATE, report, after=audit.snapshot(report))
    notices.announce(
        kind="problems.report.sent",
        team=team,
        recipients=notices.responsible_users(team),
        url=notices.report_url(report),
        key=f"problems.report.sent:{report.pk}",
        actor=acting_user,
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
    )
    return report


@transaction.atomic
def follow_up_report(*, report: ProgressReport, follow_up: str, acting_user: Any) -> ProgressReport:
    """The penanggung-jawab follows up the KBK's results (T Pasal 9(2)(c), (e))."""
    _require_responsible(acting_user, report.team)
    if not follow_up.strip():
        raise ValidationError(_("Write the follow-up."))
    before = audit.snapshot(report, ["follow_up"])
    report.follow_up = follow_up.strip()
    report.followed_up_by = acting_user
    report.followed_up_at = timezone.now()
    report.save(update_fields=["follow_up", "followed_up_by", "followed_up_at"])
    audit.record(
        acting_user,
        AuditAction.UPDATE,
        report,
        before=before,
        after={"follow_up": report.follow_up},
    )
    notices.announce(
        kind="problems.report.followed_up",
        team=report.team,
        recipients=notices.team_users(report.team) | set(filter(None, [report.sent_by_id])),
        url=notices.report_url(report),
        key=f"problems.report.followed_up:{report.pk}:{report.followed_up_at.isoformat()}",
        actor=acting_user,
        follow_up=report.follow_up,
    )
    return report
