"""Pages of competitions: the organiser's (the city team, acted for by the city administrator),
the entrants' (unit head and team of an agency), the judges' and everyone's (results, gallery).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.accounts.models import RoleGrant, User
from budaya.activities.models import Activity, Evidence
from budaya.competitions import certificate, selectors, services
from budaya.competitions.forms import (
    CompetitionForm,
    CriterionForm,
    EntryForm,
    JudgeForm,
    MaterialForm,
    ScoreForm,
)
from budaya.competitions.models import (
    Award,
    Category,
    Competition,
    Criterion,
    Entry,
    Judge,
    JudgeScore,
    Phase,
)
from budaya.org import selectors as org_selectors
from budaya.org.models import Government, Unit
from budaya.pagination import page_of, query_without_page
from budaya.problems.models import ActionPlan
from budaya.teams.models import Team, TeamKind

PAGE_SIZE = 20


def _government(request: HttpRequest, slug: str) -> Government:
    """404 for a government the user has no role in; 403 for a system administrator."""
    government = get_object_or_404(org_selectors.governments_visible_to(request.user), slug=slug)
    if not org_selectors.governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


def _competition(request: HttpRequest, government: Government, pk: int) -> Competition:
    return get_object_or_404(selectors.competitions_of(request.user, government), pk=pk)


def _organiser(request: HttpRequest, competition: Competition) -> None:
    if not selectors.is_organiser(request.user, competition):
        raise PermissionDenied


def _entry(request: HttpRequest, government: Government, pk: int) -> Entry:
    return get_object_or_404(selectors.entries_of(request.user, government), pk=pk)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: straight to the government's competitions when there is one."""
    governments = list(org_selectors.governments_with_content(request.user))
    if not governments:
        raise Http404
    if len(governments) == 1:
        return redirect("competitions:list", slug=governments[0].slug)
    return render(request, "competitions/choose_government.html", {"governments": governments})


@login_required
def competition_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    competitions = selectors.competitions_of(request.user, government)
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if query:
        competitions = competitions.filter(
            Q(name__icontains=query) | Q(description__icontains=query)
        )
    if kind in Competition.Kind.values:
        competitions = competitions.filter(kind=kind)
    return render(
        request,
        "competitions/list.html",
        {
            "government": government,
            "page": page_of(request, competitions, PAGE_SIZE),
            "query_string": query_without_page(request),
            "q": query,
            "kind": kind,
            "kinds": Competition.Kind.choices,
            "organiser": org_selectors.is_city_admin(request.user, government),
        },
    )


def _competition_form(
    request: HttpRequest, government: Government, instance: Competition | None
) -> CompetitionForm:
    return CompetitionForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        team_kinds=TeamKind.objects.filter(government=government, scope="agency"),
        organisers=Team.objects.filter(
            government=government, unit__isnull=True, dissolved_on__isnull=True
        ),
    )


@login_required
def competition_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    if not org_selectors.is_city_admin(request.user, government):
        raise PermissionDenied
    form = _competition_form(request, government, None)
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.create_competition(
                government=government,
                fields=form.competition_fields(),
                categories=form.category_names(),
                rules_upload=form.cleaned_data.get("rules_file"),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The competition is made. Now write its rubric."))
            return redirect("competitions:rubric", slug=slug, pk=competition.pk)
    return render(
        request,
        "competitions/form.html",
        {"government": government, "form": form, "title": _("New competition")},
    )


@login_required
def competition_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    _organiser(request, competition)
    form = _competition_form(request, government, competition)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_competition(
                competition=Competition.objects.get(pk=competition.pk),
                fields=form.competition_fields(),
                rules_upload=form.cleaned_data.get("rules_file"),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("competitions:detail", slug=slug, pk=pk)
    return render(
        request,
        "competitions/form.html",
        {
            "government": government,
            "form": form,
            "title": competition.name,
            "competition": competition,
        },
    )


@login_required
def competition_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    organiser = selectors.is_organiser(request.user, competition)
    entries = selectors.entries_of(request.user, government).filter(competition=competition)
    if not organiser and competition.published_at is None:
        # Before the results, an entrant sees their agency's entries, a judge those they judge.
        entries = entries.filter(
            Q(pk__in=Entry.objects.visible_to(request.user).values("pk"))
            | Q(category__judges__user_id=request.user.pk)
        ).distinct()
    criteria = selectors.criteria_of(competition)
    return render(
        request,
        "competitions/detail.html",
        {
            "government": government,
            "competition": competition,
            "phase": competition.phase(),
            "Phase": Phase,
            "categories": Category.objects.filter(government=government, competition=competition),
            "criteria": criteria,
            "weights": selectors.weight_sum(criteria),
            "entries": page_of(
                request, entries.order_by("category__order", "unit__path", "pk"), PAGE_SIZE
            ),
            "organiser": organiser,
            "may_enter": competition.phase() == Phase.REGISTRATION
            and selectors.may_enter(request.user, competition),
            "judging": Judge.objects.filter(
                government=government, competition=competition, user_id=request.user.pk or 0
            ).exists(),
            "sees_ranking": selectors.sees_all_scores(request.user, competition),
            "eligibility": [
                *TeamKind.objects.filter(
                    government=government, code__in=competition.team_kinds
                ).values_list("name", flat=True),
                *(
                    str(Unit.Kind(kind).label)
                    for kind in competition.unit_kinds
                    if kind in Unit.Kind.values
                ),
            ],
        },
    )


@login_required
def rubric(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The rubric: criteria, weights summing to 100 and what each score means."""
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    _organiser(request, competition)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_criterion(
                competition=competition,
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
                descriptors=form.descriptors(),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The criterion is added."))
            return redirect("competitions:rubric", slug=slug, pk=pk)
    criteria = selectors.criteria_of(competition)
    return render(
        request,
        "competitions/rubric.html",
        {
            "government": government,
            "competition": competition,
            "criteria": criteria,
            "weights": selectors.weight_sum(criteria),
            "form": form,
        },
    )


@login_required
@require_POST
def criterion_delete(request: HttpRequest, slug: str, pk: int, criterion: int) -> HttpResponse:
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    _organiser(request, competition)
    item = get_object_or_404(
        Criterion.objects.filter(government=government, competition=competition), pk=criterion
    )
    try:
        services.remove_criterion(criterion=item, actor=request.user, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The criterion is removed."))
    return redirect("competitions:rubric", slug=slug, pk=pk)


@login_required
def jury(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Judges per category, with their declared conflicts of interest."""
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    _organiser(request, competition)
    categories = Category.objects.filter(government=government, competition=competition)
    agencies = Unit.objects.filter(government=government, parent__isnull=True).order_by("path")
    form = JudgeForm(
        request.POST or None,
        categories=categories,
        users=User.objects.filter(
            pk__in=RoleGrant.objects.filter(government=government).values("user_id"),
            is_active=True,
        ).order_by("username"),
        agencies=agencies,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_judge(
                category=form.cleaned_data["category"],
                user=form.cleaned_data["user"],
                declared=form.cleaned_data["declared"],
                declaration=form.cleaned_data["declaration"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The judge is assigned."))
            return redirect("competitions:jury", slug=slug, pk=pk)
    judges = list(
        Judge.objects.filter(government=government, competition=competition).select_related(
            "user", "category"
        )
    )
    names = dict(agencies.values_list("pk", "name"))
    for judge in judges:
        judge.conflict_names = [names.get(pk, "?") for pk in judge.conflicts]  # type: ignore[attr-defined]
    return render(
        request,
        "competitions/jury.html",
        {"government": government, "competition": competition, "judges": judges, "form": form},
    )


@login_required
def entry_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Register a team's entry (an eligible team of the user's agency; the organiser: any)."""
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    teams = selectors.eligible_teams(request.user, competition)
    if not teams.exists():
        raise PermissionDenied
    form = EntryForm(
        request.POST or None,
        teams=teams,
        categories=Category.objects.filter(government=government, competition=competition),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                competition=competition,
                actor=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The entry is registered. Add its material, then submit it.")
            )
            return redirect("competitions:entry", slug=slug, pk=entry.pk)
    return render(
        request,
        "competitions/form.html",
        {
            "government": government,
            "competition": competition,
            "form": form,
            "title": _("Enter %(name)s") % {"name": competition.name},
        },
    )


REFERENCE_CHOICES = 50


def _latest(queryset: Any, *order: str) -> Any:
    """The newest choices of a reference field, as a queryset the form can still filter (a
    sliced queryset cannot be: every ticked choice would be refused as invalid)."""
    ordered = queryset.order_by(*order)
    return ordered.filter(pk__in=ordered.values("pk")[:REFERENCE_CHOICES])


def _material_form(request: HttpRequest, entry: Entry) -> MaterialForm:
    agency = entry.unit.path.split("/", 1)[0] + "/"
    government = entry.government
    return MaterialForm(
        request.POST or None,
        request.FILES or None,
        evidence=_latest(
            Evidence.objects.filter(government=government, unit__path__startswith=agency).exclude(
                pk__in=entry.evidence.values("pk")
            ),
            "-created_at",
            "-pk",
        ),
        activities=_latest(
            Activity.objects.filter(government=government, unit__path__startswith=agency).exclude(
                pk__in=entry.activities.values("pk")
            ),
            "-date",
            "-pk",
        ),
        plans=_latest(
            ActionPlan.objects.filter(
                government=government, problem__team__unit__path__startswith=agency
            )
            .exclude(pk__in=entry.plans.values("pk"))
            .select_related("problem"),
            "-pk",
        ),
    )


@login_required
def entry_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An entry and its material; its entrant adds files, links and references until the
    deadline."""
    government = _government(request, slug)
    entry = _entry(request, government, pk)
    competition = entry.competition
    editable = (
        competition.accepts_changes
        and entry.status != Entry.Status.WITHDRAWN
        and selectors.may_edit_entry(request.user, entry)
    )
    form = _material_form(request, entry) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_material(
                    entry=entry,
                    uploads=form.cleaned_data["uploads"],
                    links=form.cleaned_data["links"],
                    evidence=form.cleaned_data["evidence"],
                    activities=form.cleaned_data["activities"],
                    plans=form.cleaned_data["plans"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The material is added."))
                return redirect("competitions:entry", slug=slug, pk=pk)
    return render(
        request,
        "competitions/entry_detail.html",
        {
            "government": government,
            "entry": entry,
            "competition": competition,
            "evidence": entry.evidence.order_by("pk"),
            "activities": entry.activities.select_related("form").order_by("-date"),
            "plans": entry.plans.select_related("problem").order_by("pk"),
            "form": form,
            "editable": editable,
            "judge": selectors.judge_for(request.user, entry),
        },
    )


@login_required
@require_POST
def entry_move(request: HttpRequest, slug: str, pk: int, to: str) -> HttpResponse:
    """Submit or withdraw an entry (asked first on the page)."""
    government = _government(request, slug)
    entry = _entry(request, government, pk)
    if not selectors.may_edit_entry(request.user, entry):
        raise PermissionDenied
    actions = {"submit": services.submit_entry, "withdraw": services.withdraw_entry}
    if to not in actions:
        raise Http404
    try:
        actions[to](entry=entry, actor=request.user, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The entry is submitted.") if to == "submit" else _("The entry is withdrawn."),
        )
    return redirect("competitions:entry", slug=slug, pk=pk)


@login_required
def score(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A judge scores an entry with the rubric. They see only their own scores until judging
    closes; an entry of their own agency is refused by the service."""
    government = _government(request, slug)
    entry = _entry(request, government, pk)
    judge = selectors.judge_for(request.user, entry)
    if judge is None:
        raise PermissionDenied
    competition = entry.competition
    criteria = selectors.criteria_of(competition)
    mine = {
        s.criterion_id: s
        for s in JudgeScore.objects.filter(government=government, entry=entry, judge=judge)
    }
    initial: dict[str, Any] = {}
    for criterion_id, given in mine.items():
        initial[f"score_{criterion_id}"] = given.value
        initial[f"comment_{criterion_id}"] = given.comment
    form = ScoreForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_entry(
                entry=entry, actor=request.user, values=form.values(), request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your scores are kept."))
            return redirect("competitions:score", slug=slug, pk=pk)
    conflict = selectors.agency_id(entry.unit.path) in (
        set(judge.conflicts) | selectors.own_agencies(request.user, government)
    )
    return render(
        request,
        "competitions/score.html",
        {
            "government": government,
            "entry": entry,
            "competition": competition,
            "form": form,
            "conflict": conflict,
            "open": competition.phase() == Phase.JUDGING,
            "evidence": entry.evidence.order_by("pk"),
        },
    )


@login_required
def ranking(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The ranking per category: raw totals, the normalised score beside them, ties explained,
    and each judge's total (hidden from judges until judging closes)."""
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    if not selectors.sees_all_scores(request.user, competition):
        raise PermissionDenied
    judges = list(
        Judge.objects.filter(government=government, competition=competition).select_related("user")
    )
    categories = []
    for category, lines in selectors.ranking_of(competition):
        # Each judge of the category's total of every entry (raw, and the z-score), beside the
        # overall: the page is shown only to who may see every judge's scores.
        jury = [judge for judge in judges if judge.category_id == category.pk]
        rows = [
            (
                line,
                [
                    (judge, line.by_judge.get(judge.pk), line.z_by_judge.get(judge.pk))
                    for judge in jury
                ],
            )
            for line in lines
        ]
        categories.append((category, jury, rows))
    return render(
        request,
        "competitions/ranking.html",
        {
            "government": government,
            "competition": competition,
            "categories": categories,
            "organiser": selectors.is_organiser(request.user, competition),
            "may_publish": competition.phase() == Phase.CLOSED,
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    _organiser(request, competition)
    try:
        services.publish_results(competition=competition, actor=request.user, request=request)
    except ValidationError as error:
        _refused(request, error)
        return redirect("competitions:ranking", slug=slug, pk=pk)
    messages.success(request, _("The results are published."))
    return redirect("competitions:results", slug=slug, pk=pk)


@login_required
def results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The published results: winners per category with their entries and certificates."""
    government = _government(request, slug)
    competition = _competition(request, government, pk)
    if competition.published_at is None:
        raise Http404
    return render(
        request,
        "competitions/results.html",
        {
            "government": government,
            "competition": competition,
            "awards": selectors.awards_of(competition),
        },
    )


@login_required
def certificate_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    award = get_object_or_404(
        Award.objects.filter(
            government=government,
            competition__in=selectors.competitions_of(request.user, government),
        ).select_related(
            "entry__team", "entry__unit", "entry__category", "competition", "government"
        ),
        pk=pk,
    )
    return certificate.respond(request, award)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what a certificate's QR code opens: whether the certificate is genuine."""
    award = (
        Award.objects.filter(token=token, competition__published_at__isnull=False)
        .select_related(
            "entry__team", "entry__unit", "entry__category", "competition", "government"
        )
        .first()
    )
    return render(
        request, "competitions/verify.html", {"award": award}, status=200 if award else 404
    )


@login_required
def gallery(request: HttpRequest, slug: str) -> HttpResponse:
    """The government's published competitions: winners first, then every submitted entry."""
    government = _government(request, slug)
    entries = (
        Entry.objects.filter(
            government=government,
            competition__published_at__isnull=False,
            status=Entry.Status.SUBMITTED,
        )
        .select_related("team", "unit", "category", "competition")
        .order_by("-competition__announce_on", "competition_id", "category__order", "pk")
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        entries = entries.filter(
            Q(title__icontains=query)
            | Q(team__name__icontains=query)
            | Q(unit__name__icontains=query)
        )
    page = page_of(request, entries, PAGE_SIZE)
    ranks = dict(
        Award.objects.filter(government=government, entry__in=list(page)).values_list(
            "entry_id", "rank"
        )
    )
    for entry in page:
        entry.rank = ranks.get(entry.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "competitions/gallery.html",
        {
            "government": government,
            "page": page,
            "q": query,
            "query_string": query_without_page(request),
        },
    )
