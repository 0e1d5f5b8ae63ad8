"""Pages of surveys and of the employee's own part (issue 22).

Results pages read only released figures (``Figure``): nothing is shown while a survey is open
but participation, and a group under k shows its participation and where it is counted.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya import spreadsheets
from budaya.accounts.models import Role
from budaya.activities import choices
from budaya.frameworks.models import CoreValue, FrameworkVersion
from budaya.frameworks.selectors import current_adoptions
from budaya.org import selectors as org_selectors
from budaya.org.models import Employee, Government, Unit
from budaya.pagination import page_of, query_without_page
from budaya.surveys import selectors, services
from budaya.surveys.forms import (
    ItemForm,
    NationalIndexForm,
    PolicyForm,
    QuestionnaireForm,
    SurveyForm,
    TwibbonForm,
)
from budaya.surveys.models import (
    Figure,
    Invitation,
    Item,
    NationalIndex,
    Relation,
    Survey,
)

PAGE_SIZE = 25


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _government(request: HttpRequest, slug: str, *, manage: bool = False) -> Government:
    government = get_object_or_404(org_selectors.governments_visible_to(request.user), slug=slug)
    allowed = (
        selectors.manages(request.user, government)
        if manage
        else selectors.reads_results(request.user, government)
    )
    if not allowed:
        raise PermissionDenied
    return government


def _survey(request: HttpRequest, government: Government, pk: int) -> Survey:
    return get_object_or_404(selectors.surveys_of(request.user, government), pk=pk)


# --- Results readers and the city administrator ------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: the government's surveys, or the employee's own page."""
    governments = [
        g
        for g in org_selectors.governments_with_content(request.user)
        if selectors.reads_results(request.user, g)
    ]
    if not governments:
        return redirect("surveys:me")
    if len(governments) == 1:
        return redirect("surveys:index", slug=governments[0].slug)
    return render(request, "surveys/choose_government.html", {"governments": governments})


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    surveys = selectors.surveys_of(request.user, government)
    status = request.GET.get("status", "")
    if status in Survey.Status.values:
        surveys = surveys.filter(status=status)
    return render(
        request,
        "surveys/index.html",
        {
            "government": government,
            "page": page_of(request, surveys, PAGE_SIZE),
            "query_string": query_without_page(request),
            "statuses": Survey.Status.choices,
            "status": status,
            "manages": selectors.manages(request.user, government),
            "policy": services.policy_of(government),
        },
    )


def _value_names(figures: list[Figure]) -> dict[str, str]:
    ids = {int(value) for figure in figures for value in figure.values}
    return {str(v.pk): v.name for v in CoreValue.objects.filter(pk__in=ids)}


@login_required
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A survey: participation while open; when closed, the released figures by group and value,
    the change since the previous round and the national reference."""
    government = _government(request, slug)
    survey = _survey(request, government, pk)
    context: dict[str, Any] = {
        "government": government,
        "survey": survey,
        "manages": selectors.manages(request.user, government),
    }
    if survey.status == Survey.Status.OPEN:
        # The maintained tallies, a page of them (issue 22, Deliver 8).
        # Only the groups the user reads, as the released figures (issue 22).
        tallies = selectors.participation_of(request.user, survey)
        page = page_of(request, tallies, PAGE_SIZE)
        context.update(
            page=page,
            query_string=query_without_page(request),
            participation=[selectors.participation_row(tally) for tally in page],
            total=selectors.participation_total(tallies),
        )
    elif survey.status == Survey.Status.CLOSED:
        # One level of the released figures' tree: the chosen group, the groups above it and a
        # page of the groups below it (a government has hundreds; issue 22, Deliver 8).
        selected, above, below = selectors.figure_tree(
            request.user, survey, request.GET.get("group", "")
        )
        page = page_of(request, below, PAGE_SIZE)
        children = list(page)
        figures = [*above, *([selected] if selected else []), *children]
        previous = selectors.previous_indices(survey, units=[f.unit_id for f in figures])
        names = _value_names(figures)
        for figure in figures:
            before = previous.get((figure.unit_id, figure.relation))
            figure.change = (  # type: ignore[attr-defined]
                round(figure.index - before, 1) if figure.index is not None and before else None
            )
            figure.value_rows = [  # type: ignore[attr-defined]
                {"name": names.get(value, value), **data} for value, data in figure.values.items()
            ]
        context.update(
            figures=figures,
            above=above,
            children=children,
            page=page,
            query_string=query_without_page(request),
            selected=selected,
            comments=page_of(request, selected.comments if selected else [], 50, "comments"),
            national=selectors.national_index(survey.year),
            points=range(1, survey.questionnaire.points + 1),
        )
    return render(request, "surveys/detail.html", context)


@login_required
def export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The released figures as XLSX: exactly what the page shows (groups under k: no figure).

    A closed survey's figures never change, so the workbook is built once per survey, part of
    the government the reader reads (``figure_paths``), language and version of the names it
    prints (units and values: ``activities.choices``' version, moved in the transaction of any
    change of a unit or value) and kept in the cache (issue 22, Deliver 8: a province's
    government has hundreds of groups)."""
    government = _government(request, slug)
    survey = _survey(request, government, pk)
    if survey.status != Survey.Status.CLOSED:
        raise Http404
    paths = selectors.figure_paths(request.user, survey)
    scope = "all" if paths is None else ",".join(paths)
    detail = hashlib.sha256(f"{scope}|{survey.k}|{survey.title}".encode()).hexdigest()[:24]
    key = f"surveys:export:{survey.pk}:{choices.version_of(government)}:{get_language()}:{detail}"
    content: bytes | None = cache.get(key)
    if content is None:
        content = _workbook(request.user, survey)
        cache.set(key, content, settings.BUDAYA_FRAGMENT_CACHE_SECONDS)
    return spreadsheets.xlsx_response(f"survey-{survey.pk}.xlsx", content)


def _workbook(user: Any, survey: Survey) -> bytes:
    # Every group the user reads, in tree order; comments are not exported (not read).
    figures = list(selectors.figures_of(user, survey).defer("comments"))
    names = _value_names(figures)
    rows = []
    for figure in figures:
        base = [figure.group, figure.invited, figure.answered]
        if not figure.shown:
            rows.append(
                [
                    *base,
                    "",
                    "",
                    _(
                        "Not shown (fewer than k answers, or it would reveal a smaller group): "
                        "counted in the group above"
                    ),
                ]
            )
            continue
        rows.append([*base, "", figure.index, ""])
        rows.extend(
            [figure.group, "", "", names.get(value, value), data["index"], ""]
            for value, data in figure.values.items()
        )
    header = [_("Group"), _("Invited"), _("Answered"), _("Value"), _("Index"), _("Note")]
    return spreadsheets.workbook_bytes(
        _("Results"), header, rows, heading=[survey.title, f"k = {survey.k}"]
    )


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug, manage=True)
    form = SurveyForm(
        request.POST or None,
        questionnaires=selectors.questionnaires_of(government),
        units=Unit.objects.filter(government=government),
        employees=Employee.objects.filter(government=government, active=True),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.create_survey(
                actor=request.user,
                government=government,
                questionnaire=data["questionnaire"],
                kind=data["kind"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                unit=data["unit"],
                subject=data["subject"],
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            return redirect("surveys:detail", slug=government.slug, pk=survey.pk)
    return render(
        request,
        "surveys/form.html",
        {"government": government, "form": form, "title": _("New survey")},
    )


@login_required
@require_POST
def move(request: HttpRequest, slug: str, pk: int, to: str) -> HttpResponse:
    """Open a draft survey (invites the people) or close an open one (releases the figures)."""
    government = _government(request, slug, manage=True)
    survey = get_object_or_404(Survey, government=government, pk=pk)
    try:
        if to == "open":
            count = services.open_survey(
                actor=request.user, survey=survey, today=timezone.localdate()
            )
            messages.success(request, _("Survey opened: %(n)s people invited.") % {"n": count})
        elif to == "close":
            services.close_survey(actor=request.user, survey=survey)
            messages.success(request, _("Survey closed; the results are released."))
        else:
            raise Http404
    except ValidationError as error:
        _refused(request, error)
    return redirect("surveys:detail", slug=government.slug, pk=survey.pk)


@login_required
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug, manage=True)
    form = PolicyForm(request.POST or None, instance=services.policy_of(government))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_policy(actor=request.user, government=government, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("surveys:index", slug=government.slug)
    return render(
        request,
        "surveys/form.html",
        {"government": government, "form": form, "title": _("Survey thresholds")},
    )


@login_required
def questionnaires(request: HttpRequest, slug: str) -> HttpResponse:
    """The questionnaires, and a new one generated from an adopted framework version."""
    government = _government(request, slug, manage=True)
    adoption = current_adoptions([government]).get(government.pk)
    versions = FrameworkVersion.objects.filter(pk__in=[adoption.version_id] if adoption else [])
    form = QuestionnaireForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.generate_questionnaire(
                actor=request.user,
                government=government,
                version=data["version"],
                name=data["name"],
                scale=data["scale"],
                comments=data["comments"],
                source=data["source"],
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            return redirect("surveys:questionnaire", slug=government.slug, pk=made.pk)
    return render(
        request,
        "surveys/questionnaires.html",
        {
            "government": government,
            "form": form,
            "page": page_of(request, selectors.questionnaires_of(government), PAGE_SIZE),
            "query_string": query_without_page(request),
        },
    )


@login_required
def questionnaire(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug, manage=True)
    made = get_object_or_404(selectors.questionnaires_of(government), pk=pk)
    items = made.items.select_related("value")
    return render(
        request,
        "surveys/questionnaire.html",
        {"government": government, "questionnaire": made, "items": items},
    )


@login_required
def item_edit(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    government = _government(request, slug, manage=True)
    row = get_object_or_404(Item, government=government, questionnaire_id=pk, pk=item)
    form = ItemForm(request.POST or None, initial={"text_id": row.text_id, "text_en": row.text_en})
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.edit_item(actor=request.user, item=row, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            if edited.questionnaire_id != row.questionnaire_id:
                messages.info(request, _("The questionnaire was in use: a new version was made."))
            return redirect(
                "surveys:questionnaire", slug=government.slug, pk=edited.questionnaire_id
            )
    return render(
        request,
        "surveys/form.html",
        {"government": government, "form": form, "title": _("Edit an item")},
    )


@login_required
def national(request: HttpRequest) -> HttpResponse:
    """The national Indeks BerAKHLAK by year with its source: reference data the system
    administrator keeps current."""
    if not request.user.is_superuser:
        raise PermissionDenied
    year = request.GET.get("year", "")
    instance = NationalIndex.objects.filter(year=year).first() if year.isdigit() else None
    form = NationalIndexForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_national_index(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("surveys:national")
    return render(
        request,
        "surveys/national.html",
        {"form": form, "rows": NationalIndex.objects.all()},
    )


# --- The employee's own part ---------------------------------------------------------------------


def _employee(request: HttpRequest) -> Employee:
    employee = request.user.employee  # type: ignore[union-attr]
    if employee is None or not request.user.has_role(*Role.values):  # type: ignore[union-attr]
        raise Http404
    return employee


def _commitment_text(employee: Employee) -> str:
    """What the employee signs: their government's values and their agency's slogan as they read
    today."""
    adoption = current_adoptions([employee.government]).get(employee.government_id)
    values = (
        list(CoreValue.objects.filter(version_id=adoption.version_id).order_by("order"))
        if adoption
        else []
    )
    lines = [_("I commit to live the values of my government:")]
    lines += [f"- {value.name}: {value.definition}".rstrip(": ") for value in values]
    return "\n".join(lines)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The employee's own page: their values and team, the commitment, the month's twibbon and
    the surveys waiting for them."""
    employee = getattr(request.user, "employee", None)
    if employee is None:
        return render(request, "surveys/me.html", {"employee": None})
    today = timezone.localdate()
    declaration = selectors.current_declaration(employee)
    from budaya.teams.models import Membership

    return render(
        request,
        "surveys/me.html",
        {
            "employee": employee,
            "values_text": _commitment_text(employee),
            "memberships": Membership.objects.filter(employee=employee).select_related("team")[:10],
            "declaration": declaration,
            "commitment": selectors.commitment_of(employee, declaration),
            "twibbon": selectors.twibbon_of(employee, today),
            "month": today.replace(day=1),
            "twibbon_form": TwibbonForm(),
            # A page of them: an employee may be invited to hundreds (issue 22, Deliver 8).
            "waiting": page_of(request, selectors.invitations_waiting(employee.pk, today), 10),
            "query_string": query_without_page(request),
        },
    )


@login_required
@require_POST
def sign(request: HttpRequest) -> HttpResponse:
    employee = _employee(request)
    declaration = selectors.current_declaration(employee)
    if declaration is None:
        raise Http404
    services.sign(
        actor=request.user,
        declaration=declaration,
        employee=employee,
        text=_commitment_text(employee),
    )
    messages.success(request, _("You signed the commitment."))
    return redirect("surveys:me")


@login_required
@require_POST
def twibbon(request: HttpRequest) -> HttpResponse:
    employee = _employee(request)
    form = TwibbonForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.confirm_twibbon(
                actor=request.user,
                employee=employee,
                month=timezone.localdate(),
                photo=form.cleaned_data["photo"],
                request=request,
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Twibbon confirmed for this month."))
    return redirect("surveys:me")


def _invited(request: HttpRequest, slug: str, pk: int) -> services.Invited:
    """The signed-in employee's invitation to survey ``pk`` of the government ``slug``, as the
    page names it (404 for a user who is no employee)."""
    employee_id = getattr(request.user, "employee_id", None)
    if employee_id is None:
        raise Http404
    return services.Invited(slug, pk, employee_id)


def _invitation(request: HttpRequest, slug: str, pk: int) -> Invitation:
    invited = _invited(request, slug, pk)
    return get_object_or_404(
        Invitation.objects.filter(
            survey__government__slug=invited.slug,
            survey_id=invited.survey_id,
            employee_id=invited.employee_id,
        ).select_related("survey__questionnaire", "survey__subject")
    )


def _points(request: HttpRequest) -> dict[int, int]:
    """The answers on the form (``item-<id>``: a point); the service checks them against the
    survey's items."""
    points = {}
    for name in request.POST:
        raw = request.POST.get(name, "")
        if name.startswith("item-") and name[5:].isdigit() and raw.isdigit():
            points[int(name[5:])] = int(raw)
    return points


@login_required
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Answer a survey from a phone: every item on one page, or one a screen (``?one=1``); each
    choice saved as it is made (htmx), so the person can stop and come back. Sending reads and
    writes in one transaction, with no page built (issue 22, Deliver 8)."""
    if request.method == "POST" and request.POST.get("send"):
        invited = _invited(request, slug, pk)
        try:
            services.submit(
                actor=request.user,
                invitation=invited,
                points=_points(request),
                comment=request.POST.get("comment"),
            )
        except Invitation.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponse(" ".join(error.messages), status=200)
            _refused(request, error)
        else:
            messages.success(request, _("Thank you: your answers were sent anonymously."))
            return redirect("surveys:me")
    invitation = _invitation(request, slug, pk)
    survey = invitation.survey
    items = list(survey.questionnaire.items.all())
    one = request.GET.get("one") == "1"
    raw_at = request.GET.get("at", "")
    at = min(int(raw_at) if raw_at.isdigit() else 0, max(len(items) - 1, 0))
    if request.method == "POST" and not request.POST.get("send") and not invitation.answered:
        try:
            services.save_answers(
                invitation=invitation,
                points=_points(request),
                comment=request.POST.get("comment"),
            )
        except ValidationError as error:
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponse(" ".join(error.messages), status=200)
            _refused(request, error)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponse(_("Saved"))
            if one and request.POST.get("next"):
                at = min(at + 1, len(items) - 1)
                return redirect(f"{request.path}?one=1&at={at}")
    language = get_language()
    draft = invitation.draft
    # A sending refused for unanswered questions: each is marked, the first one linked.
    refused = bool(request.method == "POST" and request.POST.get("send"))
    rows = [
        {
            "item": item,
            "number": number,
            "text": item.text(language),
            "chosen": draft.get(str(item.pk)),
            "missing": refused and not draft.get(str(item.pk)),
        }
        for number, item in enumerate(items, 1)
    ]
    first_missing = next((row for row in rows if row["missing"]), None)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "invitation": invitation,
            "rows": rows[at : at + 1] if one else rows,
            "one": one,
            "at": at,
            "count": len(items),
            "done": sum(1 for row in rows if row["chosen"]),
            "first_missing": first_missing,
            "points": _scale_labels(survey.questionnaire.points),
            "comment": draft.get(services.COMMENT, ""),
            "is_last": at >= len(items) - 1,
            "open": survey.status == Survey.Status.OPEN
            and survey.opens_on <= timezone.localdate() <= survey.closes_on,
            "relation": Relation(invitation.relation).label,
        },
    )


def _scale_labels(points: int) -> list[tuple[int, str]]:
    if points == 3:
        return [(1, _("Below expectation")), (2, _("As expected")), (3, _("Above expectation"))]
    labels = {1: _("Strongly disagree"), points: _("Strongly agree")}
    return [(point, labels.get(point, str(point))) for point in range(1, points + 1)]
