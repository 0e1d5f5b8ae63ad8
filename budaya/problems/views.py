"""Pages of KBK problem solving. Every page 404s where the government's rulebook says problem
solving does not apply (T Lampiran II III is a rule of its regulation, not of every one)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.activities.models import Activity
from budaya.activities.selectors import current_values
from budaya.files import attach
from budaya.org import selectors as org_selectors
from budaya.org.models import Employee, Government
from budaya.pagination import page_of, query_without_page
from budaya.problems import fishbone, minutes, selectors, services
from budaya.problems.forms import (
    ActionForm,
    CauseForm,
    CheckForm,
    DirectionForm,
    FollowUpForm,
    LinkActivityForm,
    MeetingForm,
    NoteForm,
    ProblemForm,
    ReportForm,
    ResultForm,
    ScoreForm,
)
from budaya.problems.models import Action, ActionPlan, Cause, Meeting, Problem, ProgressReport
from budaya.rulebook.selectors import current_rulebook
from budaya.teams.models import Team

PAGE_SIZE = 25
# The meetings and the reports on a team's page.
LIST_SIZE = 10


def _government(request: HttpRequest, slug: str) -> Government:
    """404 when the government is not visible or problem solving does not apply under its
    rulebook; 403 for a system administrator (no content)."""
    government = get_object_or_404(org_selectors.governments_visible_to(request.user), slug=slug)
    if not org_selectors.governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    if not selectors.applies(government):
        raise Http404
    return government


def _team(request: HttpRequest, government: Government, pk: int) -> Team:
    return get_object_or_404(selectors.teams_of(request.user, government), pk=pk)


def _problem(request: HttpRequest, government: Government, pk: int) -> Problem:
    return get_object_or_404(selectors.problems_of(request.user, government), pk=pk)


def _working(request: HttpRequest, team: Team) -> None:
    if not selectors.can_work(request.user, team):
        raise PermissionDenied


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _problem_form(
    request: HttpRequest, government: Government, problem: Problem, form: Any, title: str
) -> HttpResponse:
    """A form about one problem (its causes, direction, actions), on the app's form page."""
    context = {"government": government, "team": problem.team, "problem": problem}
    return render(request, "problems/form.html", {**context, "form": form, "title": title})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: straight to the government's page when there is one."""
    governments = [
        g for g in org_selectors.governments_with_content(request.user) if selectors.applies(g)
    ]
    if not governments:
        raise Http404
    if len(governments) == 1:
        return redirect("problems:index", slug=governments[0].slug)
    return render(request, "problems/choose_government.html", {"governments": governments})


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    """The KBKs of the government (or of the user's agency) with their cycles at a glance."""
    government = _government(request, slug)
    teams = selectors.teams_of(request.user, government)
    page = page_of(request, teams, PAGE_SIZE)
    selectors.count_cycles(government, list(page))
    book = current_rulebook(government)
    return render(
        request,
        "problems/index.html",
        {
            "government": government,
            "page": page,
            "query_string": query_without_page(request),
            "book": book,
        },
    )


@login_required
def team_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A KBK's problem inventory, its USG ranking with ties shown, its meetings and reports."""
    government = _government(request, slug)
    team = _team(request, government, pk)
    rows = selectors.ranking(selectors.team_problems(team))
    return render(
        request,
        "problems/team_detail.html",
        {
            "government": government,
            "team": team,
            "rows": rows,
            "meetings": page_of(
                request,
                Meeting.objects.filter(government=government, team=team).order_by(
                    "-held_on", "-pk"
                ),
                LIST_SIZE,
                "meetings_page",
            ),
            "meetings_query": query_without_page(request, "meetings_page"),
            "reports": page_of(
                request,
                ProgressReport.objects.filter(government=government, team=team).order_by(
                    "-period_end", "-pk"
                ),
                LIST_SIZE,
                "reports_page",
            ),
            "reports_query": query_without_page(request, "reports_page"),
            "can_work": selectors.can_work(request.user, team),
            "book": current_rulebook(government),
        },
    )


@login_required
def problem_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _team(request, government, pk)
    _working(request, team)
    form = ProblemForm(request.POST or None, values=current_values(government))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_problem(
            team=team,
            acting_user=request.user,
            title=data["title"],
            description=data["description"],
            source=data["source"],
            raised_by=data["raised_by"],
            raised_on=data["raised_on"],
            values=data["values"],
        )
        messages.success(request, _("The problem has been recorded."))
        return redirect("problems:team", slug=slug, pk=team.pk)
    return render(
        request,
        "problems/form.html",
        {
            "government": government,
            "team": team,
            "form": form,
            "title": _("Record a problem"),
        },
    )


@login_required
def problem_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    form = ProblemForm(request.POST or None, instance=problem, values=current_values(government))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_problem(
            problem=problem,
            acting_user=request.user,
            values=data["values"],
            **{name: data[name] for name in services.PROBLEM_FIELDS},
        )
        return redirect("problems:problem", slug=slug, pk=problem.pk)
    return _problem_form(request, government, problem, form, _("Edit the problem"))


def _cycle_context(
    request: HttpRequest, government: Government, problem: Problem
) -> dict[str, Any]:
    team = problem.team
    causes = list(Cause.objects.filter(government=government, problem=problem))
    categories = selectors.categories(government)
    plan = selectors.current_plan(problem)
    plans = list(
        ActionPlan.objects.filter(government=government, problem=problem)
        .prefetch_related("events__actor")
        .order_by("number")
    )
    actions = selectors.actions_of(plan) if plan else []
    for action in actions:
        action.done_on = selectors.action_done_on(action)  # type: ignore[attr-defined]
    scores = list(
        problem.scores.select_related("membership__employee", "membership__role").order_by(
            "membership__role__order", "pk"
        )
    )
    can_work = selectors.can_work(request.user, team)
    responsible = selectors.is_responsible(request.user, team)
    return {
        "government": government,
        "team": team,
        "problem": problem,
        "ranked": selectors.Ranked(problem, scores),
        "causes": causes,
        "whys": [c for c in causes if not c.category],
        "root": next((c for c in causes if c.is_root), None),
        "diagram": fishbone.layout(problem, categories, causes),
        "plan": plan,
        "plans": plans,
        "actions": actions,
        "can_work": can_work,
        "is_responsible": responsible,
        "moves": [
            (to, ActionPlan.Status(to).label, who)
            for to, who in (plan.allowed().items() if plan else [])
            if (who == "team" and can_work) or (who == "responsible" and responsible)
        ],
        "programmes": selectors.programmes_of_plan(request.user, plan, actions) if plan else [],
        "check_form": CheckForm() if plan and plan.status == ActionPlan.Status.DONE else None,
        "note_form": NoteForm(),
        "meetings": problem.meetings.order_by("-held_on"),
        "values": list(problem.values.order_by("order")),
        "book": current_rulebook(government),
    }


@login_required
def problem_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The whole cycle of one problem on one printable page: scores, causes and fishbone, root
    cause and direction, the plan and its history, execution, check and correction."""
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    return render(
        request, "problems/problem_detail.html", _cycle_context(request, government, problem)
    )


@login_required
def fishbone_svg(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    causes = list(Cause.objects.filter(government=government, problem=problem))
    body = render(
        request,
        "problems/_fishbone_svg.html",
        {
            "problem": problem,
            "diagram": fishbone.layout(problem, selectors.categories(government), causes),
            "standalone": True,
        },
    ).content
    # The figure's SVG element alone, as an image file.
    start, end = body.index(b"<svg"), body.index(b"</svg>") + len(b"</svg>")
    response = HttpResponse(body[start:end], content_type="image/svg+xml")
    attach(response, f"fishbone-{problem.pk}", "image/svg+xml", inline=True)
    return response


@login_required
def score(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    members = selectors.current_members(problem.team)
    from budaya.teams.models import Membership

    queryset = Membership.objects.filter(pk__in=[m.pk for m in members]).select_related(
        "employee", "role"
    )
    form = ScoreForm(request.POST or None, members=queryset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.score_problem(
                problem=problem,
                membership=data["membership"],
                urgency=data["urgency"],
                seriousness=data["seriousness"],
                growth=data["growth"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The score has been kept."))
            return redirect("problems:score", slug=slug, pk=problem.pk)
    return render(
        request,
        "problems/score.html",
        {
            "government": government,
            "team": problem.team,
            "problem": problem,
            "form": form,
            "scores": problem.scores.select_related(
                "membership__employee", "membership__role"
            ).order_by("membership__role__order", "pk"),
        },
    )


@login_required
@require_POST
def choose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    try:
        services.choose_problem(problem=problem, acting_user=request.user)
    except ValidationError as error:
        _refused(request, error)
    return redirect("problems:problem", slug=slug, pk=problem.pk)


@login_required
def cause_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    method = request.GET.get("method") or request.POST.get("method") or problem.method
    if method not in Problem.Method.values:
        method = problem.method
    form = CauseForm(
        request.POST or None, categories=selectors.categories(government), method=method
    )
    if request.method == "POST" and form.is_valid():
        try:
            if method != problem.method:
                services.update_problem(problem=problem, acting_user=request.user, method=method)
            services.add_cause(
                problem=problem,
                text=form.cleaned_data["text"],
                category=form.cleaned_data.get("category", ""),
                acting_user=request.user,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The cause has been added."))
            return redirect(f"{request.path}?method={method}")
    causes = list(Cause.objects.filter(government=government, problem=problem))
    return render(
        request,
        "problems/cause_form.html",
        {
            "government": government,
            "team": problem.team,
            "problem": problem,
            "form": form,
            "method": method,
            "causes": causes,
            "refusal": selectors.causes_refusal(problem),
            "diagram": fishbone.layout(problem, selectors.categories(government), causes),
        },
    )


def _cause(problem: Problem, cause_pk: int) -> Cause:
    return get_object_or_404(
        Cause.objects.filter(government=problem.government, problem=problem), pk=cause_pk
    )


@login_required
def cause_edit(request: HttpRequest, slug: str, pk: int, cause: int) -> HttpResponse:
    """Correct a cause entered by mistake (its text, or its bone)."""
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    item = _cause(problem, cause)
    method = Problem.Method.FISHBONE if item.category else Problem.Method.FIVE_WHYS
    form = CauseForm(
        request.POST or None,
        categories=selectors.categories(government),
        method=method,
        initial={"text": item.text, "category": item.category},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cause(
                problem=problem,
                cause=item,
                text=form.cleaned_data["text"],
                category=form.cleaned_data.get("category"),
                acting_user=request.user,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The cause has been changed."))
            return redirect(
                reverse("problems:cause_add", kwargs={"slug": slug, "pk": problem.pk})
                + f"?method={method}"
            )
    return _problem_form(request, government, problem, form, _("Edit the cause"))


@login_required
@require_POST
def cause_delete(request: HttpRequest, slug: str, pk: int, cause: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    item = _cause(problem, cause)
    method = Problem.Method.FISHBONE if item.category else Problem.Method.FIVE_WHYS
    try:
        services.delete_cause(problem=problem, cause=item, acting_user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The cause has been deleted."))
    return redirect(
        reverse("problems:cause_add", kwargs={"slug": slug, "pk": problem.pk}) + f"?method={method}"
    )


@login_required
@require_POST
def root_cause(request: HttpRequest, slug: str, pk: int, cause: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    chosen = get_object_or_404(
        Cause.objects.filter(government=government, problem=problem), pk=cause
    )
    services.send_root_cause(problem=problem, cause=chosen, acting_user=request.user)
    messages.success(request, _("The root cause has been sent to the penanggung-jawab."))
    return redirect("problems:problem", slug=slug, pk=problem.pk)


@login_required
def direction(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    if not selectors.is_responsible(request.user, problem.team):
        raise PermissionDenied
    form = DirectionForm(request.POST or None, initial={"direction": problem.direction})
    if request.method == "POST" and form.is_valid():
        try:
            services.give_direction(
                problem=problem, direction=form.cleaned_data["direction"], acting_user=request.user
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            return redirect("problems:problem", slug=slug, pk=problem.pk)
    return _problem_form(request, government, problem, form, _("Direction on the root cause"))


def _owners(problem: Problem) -> Any:
    unit = selectors.unit_of(problem.team)
    return Employee.objects.filter(
        government=problem.government, unit__path__startswith=unit.path, active=True
    ).order_by("name")


def _action_form(request: HttpRequest, problem: Problem, **kwargs: Any) -> ActionForm:
    return ActionForm(
        request.POST or None,
        owners=_owners(problem),
        values=current_values(problem.government),
        **kwargs,
    )


@login_required
def action_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    form = _action_form(request, problem)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        values = data.pop("values")
        owner = data.pop("owner")
        try:
            services.add_action(
                problem=problem,
                acting_user=request.user,
                values=values,
                owner_id=owner.pk,
                **data,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            return redirect("problems:problem", slug=slug, pk=problem.pk)
    return _problem_form(request, government, problem, form, _("Add an action to the plan"))


def _action(request: HttpRequest, problem: Problem, action_pk: int) -> Action:
    return get_object_or_404(
        Action.objects.visible_to(request.user).filter(
            government=problem.government, plan__problem=problem
        ),
        pk=action_pk,
    )


@login_required
def action_edit(request: HttpRequest, slug: str, pk: int, action: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    item = _action(request, problem, action)
    form = _action_form(request, problem, instance=item)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        values = data.pop("values")
        owner = data.pop("owner")
        try:
            services.update_action(
                action=item, acting_user=request.user, values=values, owner_id=owner.pk, **data
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            return redirect("problems:problem", slug=slug, pk=problem.pk)
    return _problem_form(request, government, problem, form, _("Edit the action"))


@login_required
@require_POST
def action_delete(request: HttpRequest, slug: str, pk: int, action: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    item = _action(request, problem, action)
    title = item.title
    try:
        services.delete_action(action=item, acting_user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The action %(title)s was deleted.") % {"title": title})
    return redirect("problems:problem", slug=slug, pk=problem.pk)


@login_required
def action_execute(request: HttpRequest, slug: str, pk: int, action: int) -> HttpResponse:
    """Link the logged activities that carried out an approved action, and record its result."""
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    item = _action(request, problem, action)
    plan = item.plan
    since = (plan.approved_at or plan.created_at).date()
    activities = (
        Activity.objects.visible_to(request.user)
        .filter(
            government=government,
            unit__path__startswith=selectors.unit_of(problem.team).path,
            date__gte=since,
        )
        .exclude(pk__in=item.activity_links.values("activity_id"))
        .order_by("-date", "-pk")
    )
    link_form = LinkActivityForm(
        request.POST if "activity" in request.POST else None,
        activities=activities,
        # Back from the activity form with the activity just logged: it is the one to link.
        initial={"activity": request.GET.get("activity", "")},
    )
    result_form = ResultForm(
        request.POST if "result" in request.POST else None,
        initial={
            "result": item.result,
            "achieved": "" if item.achieved is None else ("yes" if item.achieved else "no"),
        },
    )
    if request.method == "POST":
        try:
            if "activity" in request.POST and link_form.is_valid():
                services.link_activity(
                    action=item,
                    activity=link_form.cleaned_data["activity"],
                    acting_user=request.user,
                )
                messages.success(request, _("The activity is linked as the action's execution."))
                return redirect(request.path)
            if "result" in request.POST and result_form.is_valid():
                services.record_result(
                    action=item,
                    result=result_form.cleaned_data["result"],
                    achieved=result_form.cleaned_data["achieved"],
                    acting_user=request.user,
                )
                return redirect("problems:problem", slug=slug, pk=problem.pk)
        except ValidationError as error:
            _refused(request, error)
    return render(
        request,
        "problems/action_execute.html",
        {
            "government": government,
            "team": problem.team,
            "problem": problem,
            "action": item,
            "links": item.activity_links.select_related("activity").order_by("activity__date"),
            "link_form": link_form,
            "result_form": result_form,
            "since": since,
        },
    )


@login_required
@require_POST
def plan_move(request: HttpRequest, slug: str, pk: int, to: str) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    plan = selectors.current_plan(problem)
    if plan is None or to not in ActionPlan.Status.values:
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        # The plan as moved (the service reads it again under a lock): its new status.
        plan = services.transition_plan(plan=plan, to=to, acting_user=request.user, note=note)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The action plan is now: %(status)s") % {"status": plan.get_status_display()}
        )
    return redirect("problems:problem", slug=slug, pk=problem.pk)


@login_required
@require_POST
def check(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    problem = _problem(request, government, pk)
    _working(request, problem.team)
    plan = selectors.current_plan(problem)
    if plan is None:
        raise Http404
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.record_check(
                plan=plan,
                decision=form.cleaned_data["decision"],
                lessons=form.cleaned_data["lessons"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The check has been recorded."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("problems:problem", slug=slug, pk=problem.pk)


# --- Minutes -----------------------------------------------------------------------------------


@login_required
def meeting_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _team(request, government, pk)
    _working(request, team)
    from budaya.teams.models import Membership

    # The attendees are the team as it was on the meeting's date (the date posted, or asked for
    # with ?held_on=), not as it is today.
    held_on = _date(request.POST.get("held_on") or request.GET.get("held_on"))
    members = Membership.objects.filter(
        pk__in=[m.pk for m in selectors.current_members(team, held_on)]
    ).select_related("employee", "role")
    problems = Problem.objects.filter(government=government, team=team).order_by("-raised_on")
    actions = (
        Action.objects.filter(government=government, plan__problem__team=team)
        .select_related("plan__problem")
        .order_by("-plan__created_at", "pk")
    )
    form = MeetingForm(
        request.POST or None,
        members=members,
        problems=problems,
        actions=actions,
        initial={"held_on": held_on or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        present = {m.pk for m in data["present"]}
        meeting = services.record_meeting(
            team=team,
            acting_user=request.user,
            held_on=data["held_on"],
            starts_at=data["starts_at"],
            place=data["place"],
            agenda=data["agenda"],
            discussion=data["discussion"],
            decisions=data["decisions"],
            follow_ups=data["follow_ups"],
            attendance={m.pk: m.pk in present for m in members},
            problems=data["problems"],
            actions=data["actions"],
        )
        messages.success(request, _("The minutes of the meeting have been recorded."))
        return redirect("problems:meeting", slug=slug, pk=meeting.pk)
    return render(
        request,
        "problems/form.html",
        {
            "government": government,
            "team": team,
            "form": form,
            "title": _("Minutes of a KBK meeting"),
            "members_on": held_on or timezone.localdate(),
        },
    )


def _date(text: str | None) -> datetime.date | None:
    try:
        return parse_date(text or "")
    except ValueError:
        return None


@login_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    meeting = get_object_or_404(selectors.meetings_of(request.user, government), pk=pk)
    return render(
        request,
        "problems/meeting_detail.html",
        {"government": government, "team": meeting.team, "minutes": minutes.build(meeting)},
    )


@login_required
def meeting_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    government = _government(request, slug)
    meeting = get_object_or_404(selectors.meetings_of(request.user, government), pk=pk)
    return minutes.respond(minutes.build(meeting), fmt)


# --- Progress reports --------------------------------------------------------------------------


@login_required
def report_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _team(request, government, pk)
    _working(request, team)
    today = timezone.localdate()
    form = ReportForm(
        request.POST or None,
        initial={"period_start": today.replace(month=1, day=1), "period_end": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.send_progress_report(
                team=team,
                acting_user=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The report has been sent to the penanggung-jawab."))
            return redirect("problems:report", slug=slug, pk=report.pk)
    return render(
        request,
        "problems/form.html",
        {
            "government": government,
            "team": team,
            "form": form,
            "title": _("Report progress to the penanggung-jawab"),
        },
    )


def _frozen_lines(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's action lines with their dates as dates again (frozen as ISO text in the
    report's JSON), so the page shows them the Indonesian way through the ``date`` filter."""
    return [
        {**line, "due_on": _date(line.get("due_on")), "done_on": _date(line.get("done_on"))}
        for line in figures.get("lines", [])
    ]


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    report = get_object_or_404(selectors.reports_of(request.user, government), pk=pk)
    responsible = selectors.is_responsible(request.user, report.team)
    form = FollowUpForm(request.POST or None, initial={"follow_up": report.follow_up})
    if request.method == "POST":
        if not responsible:
            raise PermissionDenied
        if form.is_valid():
            services.follow_up_report(
                report=report, follow_up=form.cleaned_data["follow_up"], acting_user=request.user
            )
            messages.success(request, _("The follow-up has been recorded."))
            return redirect(request.path)
    return render(
        request,
        "problems/report_detail.html",
        {
            "government": government,
            "team": report.team,
            "report": report,
            "figures": report.figures,
            "lines": _frozen_lines(report.figures),
            "form": form if responsible else None,
            "responsible": [m.employee for m in selectors.responsible_memberships(report.team)],
        },
    )
