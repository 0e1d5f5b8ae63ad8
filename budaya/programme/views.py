from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.org import selectors as org_selectors
from budaya.org.models import Government
from budaya.programme import selectors, services
from budaya.programme.forms import (
    ChecklistAnswerForm,
    ChecklistItemForm,
    ChecklistLoadForm,
    DeclarationForm,
    EngagementForm,
    EvidenceForm,
    InstitutionalChangeForm,
    ProgrammeForm,
    ProgrammeNotesForm,
    ResultForm,
    ScorecardItemForm,
    SensitiveAreaForm,
    StepForm,
)
from budaya.programme.models import (
    ChecklistAnswer,
    ChecklistItem,
    Declaration,
    Engagement,
    FormulationStep,
    InstitutionalChange,
    Programme,
    ProgrammeEvidence,
    ScorecardItem,
    ScorecardResult,
    SensitiveArea,
)
from budaya.rulebook.document import RulebookDocument
from budaya.rulebook.selectors import current_rulebook
from budaya.spreadsheets import workbook_bytes, xlsx_response

# --- Shared -----------------------------------------------------------------------------------


def _government(request: HttpRequest, slug: str) -> Government:
    """404 when the government is not visible, 403 for a system administrator (no content)."""
    government = get_object_or_404(org_selectors.governments_visible_to(request.user), slug=slug)
    if not org_selectors.governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


def _programme(request: HttpRequest, slug: str, pk: int, *, write: bool = False) -> Programme:
    government = _government(request, slug)
    programme = get_object_or_404(selectors.programmes_of(request.user, government), pk=pk)
    if write and not selectors.can_write(request.user, programme):
        raise PermissionDenied
    return programme


def _part(model: type[Any], programme: Programme, pk: int) -> Any:
    """A row of a programme already read through the user's scope."""
    return get_object_or_404(model.objects.filter(programme=programme), pk=pk)


def _context(request: HttpRequest, programme: Programme, **extra: Any) -> dict[str, Any]:
    book = selectors.rulebook_of(programme)
    return {
        "government": programme.government,
        "programme": programme,
        "book": book,
        "programme_name": book.words.programme_name.text,
        "can_write": selectors.can_write(request.user, programme),
        **extra,
    }


def _evidence_context(programme: Programme, field: str, target: Any) -> dict[str, Any]:
    """What the evidence block of an edit page needs; nothing before the row exists."""
    if target is None:
        return {}
    return {
        "evidence_target": field,
        "evidence_target_id": target.pk,
        "evidence_links": selectors.evidence_links(programme, field, [target.pk]).get(
            target.pk, []
        ),
    }


def _back(programme: Programme, name: str = "detail", anchor: str = "") -> HttpResponse:
    url = reverse(f"programme:{name}", args=[programme.government.slug, programme.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: straight to the government when the user has one."""
    governments = list(org_selectors.governments_with_content(request.user))
    if len(governments) == 1:
        return redirect("programme:list", slug=governments[0].slug)
    return render(request, "programme/choose_government.html", {"governments": governments})


# --- The list and board -----------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    this_year = timezone.localdate().year
    return year if 2000 <= year <= this_year + 5 else this_year


@login_required
def programme_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's programme and each agency's for a year: which stage each has reached."""
    government = _government(request, slug)
    year = _year(request)
    programmes = list(selectors.programmes_of(request.user, government).filter(year=year))
    progress = selectors.progress_of(programmes)
    by_unit = {programme.unit_id: programme for programme in programmes}
    city = by_unit.get(None)
    writable = set(
        selectors.agencies_writable_by(request.user, government).values_list("pk", flat=True)
    )
    is_admin = org_selectors.is_city_admin(request.user, government)
    book = current_rulebook(government)
    columns = selectors.columns_of(book)
    rows: list[dict[str, Any]] = []
    for agency in selectors.board_agencies(request.user, government):
        programme = by_unit.get(agency.pk)
        row_progress = progress.get(programme.pk) if programme else None
        rows.append(
            {
                "agency": agency,
                "programme": programme,
                "progress": row_progress,
                "cells": row_progress.cells(columns) if row_progress else [],
                "can_create": programme is None and agency.pk in writable,
            }
        )
    stage_totals = []
    for index, column in enumerate(columns):
        cells = [row["cells"][index] for row in rows if row["cells"]]
        statuses = [cell.status for cell in cells if cell is not None]
        stage_totals.append(
            {
                "label": column.label,
                "started": sum(status != selectors.NOT_STARTED for status in statuses),
                "done": sum(status == selectors.DONE for status in statuses),
            }
        )
    years = sorted(
        set(selectors.programmes_of(request.user, government).values_list("year", flat=True))
        | {timezone.localdate().year, year},
        reverse=True,
    )
    return render(
        request,
        "programme/programme_list.html",
        {
            "government": government,
            "year": year,
            "years": years,
            "city": city,
            "city_progress": progress.get(city.pk) if city else None,
            "rows": rows,
            "book": book,
            "programme_name": book.words.programme_name.text,
            "columns": columns,
            "stage_totals": stage_totals,
            "agency_count": len(rows),
            "can_create_city": city is None and is_admin,
            "is_city_admin": is_admin,
        },
    )


@login_required
def programme_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    units = selectors.agencies_writable_by(request.user, government)
    is_admin = org_selectors.is_city_admin(request.user, government)
    if not is_admin and not units.exists():
        raise PermissionDenied
    initial = {"year": _year(request)}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = int(request.GET["unit"])
    form = ProgrammeForm(
        request.POST or None,
        units=units,
        city_wide=is_admin,
        level=current_rulebook(government).words.government_name.text,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(
                government=government,
                unit=form.cleaned_data["unit"],
                year=form.cleaned_data["year"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
                request=request,
            )
        except services.ProgrammeExists:
            form.add_error(None, _("There is already a programme for this agency and year."))
        else:
            messages.success(request, _("The programme was created."))
            return redirect(programme.get_absolute_url())
    book = current_rulebook(government)
    return render(
        request,
        "programme/programme_form.html",
        {
            "government": government,
            "form": form,
            "book": book,
            "programme_name": book.words.programme_name.text,
        },
    )


# --- One programme ----------------------------------------------------------------------------


@login_required
def programme_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk)
    progress = selectors.progress_of([programme])[programme.pk]
    book = selectors.rulebook_of(programme)
    stages, earlier = selectors.step_entries(book, programme)
    declaration = Declaration.objects.filter(programme=programme).first()
    engagements = list(programme.engagements.all())
    links = selectors.evidence_links(programme, "engagement", [e.pk for e in engagements])
    for engagement in engagements:
        engagement.links = links.get(engagement.pk, [])  # type: ignore[attr-defined]
    declaration_links = (
        selectors.evidence_links(programme, "declaration", [declaration.pk]).get(declaration.pk, [])
        if declaration
        else []
    )
    return render(
        request,
        "programme/programme_detail.html",
        _context(
            request,
            programme,
            progress=progress,
            stages=stages,
            earlier=earlier,
            areas=list(programme.sensitive_areas.select_related("value")),
            rows=selectors.scorecard(programme),
            declaration=declaration,
            declaration_links=declaration_links,
            socialisations=[e for e in engagements if e.kind == Engagement.Kind.SOCIALISATION],
            internalisations=[e for e in engagements if e.kind == Engagement.Kind.INTERNALISATION],
            changes=list(programme.institutional_changes.prefetch_related("values")),
            checklists=_checklists(programme),
        ),
    )


@login_required
def programme_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    form = ProgrammeNotesForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        services.update_programme(form, request.user, request)
        messages.success(request, _("The changes were saved."))
        return _back(programme)
    return render(request, "programme/programme_edit.html", _context(request, programme, form=form))


# --- The steps of the rulebook's stages ---------------------------------------------------------


@login_required
def step_edit(request: HttpRequest, slug: str, pk: int, stage: str, step: str = "") -> HttpResponse:
    """One step of a stage of the programme's rulebook (or a stage without steps): its text and
    citation, and the programme's record of it."""
    programme = _programme(request, slug, pk)
    book = selectors.rulebook_of(programme)
    entry = selectors.find_step(book, stage, step)
    if entry is None:
        raise Http404
    record = FormulationStep.objects.filter(programme=programme, stage=stage, step=step).first()
    can_write = selectors.can_write(request.user, programme)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    instance = record or FormulationStep(
        government=programme.government, programme=programme, stage=stage, step=step
    )
    form = StepForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_step(form=form, programme=programme, actor=request.user, request=request)
        messages.success(request, _("The step was saved."))
        return _back(programme, anchor=f"stage-{stage}")
    return render(
        request,
        "programme/step.html",
        _context(
            request,
            programme,
            entry=entry,
            record=record,
            form=form,
            links=selectors.evidence_links(programme, "step", [record.pk]).get(record.pk, [])
            if record
            else [],
        ),
    )


@login_required
def area_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    form = SensitiveAreaForm(
        request.POST or None, values=selectors.adopted_values(programme.government)
    )
    if request.method == "POST" and form.is_valid():
        services.save_sensitive_area(form, programme, request.user, request)
        messages.success(request, _("The sensitive area was added."))
        return _back(programme, anchor="records")
    return render(
        request,
        "programme/simple_form.html",
        _context(request, programme, form=form, title=_("Add a sensitive area")),
    )


@login_required
@require_POST
def area_delete(request: HttpRequest, slug: str, pk: int, area: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    services.delete_sensitive_area(_part(SensitiveArea, programme, area), request.user, request)
    messages.success(request, _("The sensitive area was removed."))
    return _back(programme, anchor="records")


# --- Scorecard --------------------------------------------------------------------------------


@login_required
def scorecard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk)
    return _scorecard_page(request, programme)


def _scorecard_page(
    request: HttpRequest, programme: Programme, failed: ResultForm | None = None, item: int = 0
) -> HttpResponse:
    rows = selectors.scorecard(programme)
    for row in rows:
        row.form = failed if failed and row.item.pk == item else _result_form(row.item.pk)
    return render(
        request,
        "programme/scorecard.html",
        _context(request, programme, rows=rows),
    )


def _result_form(item: int, data: Any = None) -> ResultForm:
    return ResultForm(data, prefix=f"item{item}")


@login_required
def item_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _item_form(request, slug, pk, None)


@login_required
def item_edit(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    return _item_form(request, slug, pk, item)


def _item_form(request: HttpRequest, slug: str, pk: int, item_pk: int | None) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    item = _part(ScorecardItem, programme, item_pk) if item_pk else None
    values = selectors.adopted_values(programme.government)
    form = ScorecardItemForm(request.POST or None, instance=item, values=values)
    if request.method == "POST" and form.is_valid():
        services.save_scorecard_item(form, programme, request.user, request)
        messages.success(request, _("The scorecard item was saved."))
        return _back(programme, "scorecard")
    title = _("Edit a scorecard item") if item else _("Add a key behaviour to the scorecard")
    return render(
        request,
        "programme/simple_form.html",
        _context(
            request,
            programme,
            form=form,
            title=title,
            no_values=not values.exists(),
            back=reverse("programme:scorecard", args=[slug, programme.pk]),
        ),
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    services.delete_scorecard_item(_part(ScorecardItem, programme, item), request.user, request)
    messages.success(request, _("The scorecard item was removed."))
    return _back(programme, "scorecard")


@login_required
@require_POST
def result_create(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    record = _part(ScorecardItem, programme, item)
    form = _result_form(record.pk, request.POST)
    if form.is_valid():
        services.record_result(
            record,
            period_start=form.cleaned_data["period_start"],
            granularity=form.cleaned_data["granularity"],
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("The result was recorded."))
        return _back(programme, "scorecard", anchor=f"item-{record.pk}")
    return _scorecard_page(request, programme, form, record.pk)


@login_required
@require_POST
def result_delete(request: HttpRequest, slug: str, pk: int, result: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    row = get_object_or_404(ScorecardResult.objects.filter(item__programme=programme), pk=result)
    services.delete_result(row, request.user, request)
    messages.success(request, _("The result was removed."))
    return _back(programme, "scorecard", anchor=f"item-{row.item_id}")


@login_required
def scorecard_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk)
    header = [
        _("Value"),
        _("Behaviour manifestation"),
        _("Key behaviour"),
        _("Metric"),
        _("Target"),
        _("Unit of measure"),
        _("Direction"),
        _("Period"),
        _("Result"),
        _("Attainment (%)"),
        _("Note"),
    ]
    rows: list[list[Any]] = []
    for row in selectors.scorecard(programme):
        item = row.item
        base = [
            item.value.name,
            item.manifestation.text if item.manifestation else "",
            item.key_behaviour,
            item.metric,
            float(item.target),
            item.measure_unit,
            str(item.get_direction_display()),
        ]
        if not row.results:
            rows.append([*base, "", "", "", ""])
        for result in row.results:
            rows.append(
                [
                    *base,
                    result.period_label,
                    float(result.value),
                    item.attainment(result.value),
                    result.note,
                ]
            )
    owner = programme.unit.name if programme.unit else programme.government.name
    content = workbook_bytes(
        str(_("Scorecard")),
        [str(h) for h in header],
        rows,
        heading=[f"{_('Scorecard')} {owner} {programme.year}"],
    )
    return xlsx_response(f"scorecard-{programme.year}-{programme.pk}.xlsx", content)


# --- Implementation records -------------------------------------------------------------------


@login_required
def declaration_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    declaration = Declaration.objects.filter(programme=programme).first()
    form = DeclarationForm(
        request.POST or None,
        instance=declaration,
        employees=selectors.employees_for(programme),
    )
    if request.method == "POST" and form.is_valid():
        services.save_declaration(
            form, programme, form.cleaned_data["attendee_nips"], request.user, request
        )
        messages.success(request, _("The declaration was saved."))
        return _back(programme, anchor="implementation")
    return render(
        request,
        "programme/simple_form.html",
        _context(
            request,
            programme,
            form=form,
            title=_("Declaration of the values"),
            **_evidence_context(programme, "declaration", declaration),
        ),
    )


@login_required
def engagement_create(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    if kind not in Engagement.Kind.values:
        raise Http404
    return _engagement_form(request, slug, pk, kind, None)


@login_required
def engagement_edit(request: HttpRequest, slug: str, pk: int, engagement: int) -> HttpResponse:
    return _engagement_form(request, slug, pk, None, engagement)


def _engagement_form(
    request: HttpRequest, slug: str, pk: int, kind: str | None, engagement_pk: int | None
) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    engagement = _part(Engagement, programme, engagement_pk) if engagement_pk else None
    kind = engagement.kind if engagement else kind
    assert kind is not None
    form = EngagementForm(request.POST or None, instance=engagement, kind=kind)
    if request.method == "POST" and form.is_valid():
        services.save_engagement(form, programme, kind, request.user, request)
        messages.success(request, _("The event was saved."))
        return _back(programme, anchor="implementation")
    title = _("Socialisation") if kind == Engagement.Kind.SOCIALISATION else _("Internalisation")
    return render(
        request,
        "programme/simple_form.html",
        _context(
            request,
            programme,
            form=form,
            title=title,
            **_evidence_context(programme, "engagement", engagement),
        ),
    )


@login_required
@require_POST
def engagement_delete(request: HttpRequest, slug: str, pk: int, engagement: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    services.delete_engagement(_part(Engagement, programme, engagement), request.user, request)
    messages.success(request, _("The event was removed."))
    return _back(programme, anchor="implementation")


@login_required
def change_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _change_form(request, slug, pk, None)


@login_required
def change_edit(request: HttpRequest, slug: str, pk: int, change: int) -> HttpResponse:
    return _change_form(request, slug, pk, change)


def _change_form(request: HttpRequest, slug: str, pk: int, change_pk: int | None) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    change = _part(InstitutionalChange, programme, change_pk) if change_pk else None
    form = InstitutionalChangeForm(
        request.POST or None,
        instance=change,
        values=selectors.adopted_values(programme.government),
    )
    if request.method == "POST" and form.is_valid():
        services.save_institutional_change(
            form, programme, form.cleaned_data["values"], request.user, request
        )
        messages.success(request, _("The institutional change was saved."))
        return _back(programme, anchor="implementation")
    return render(
        request,
        "programme/simple_form.html",
        _context(
            request,
            programme,
            form=form,
            title=_("Institutionalisation: a rule, SOP or system changed"),
            **_evidence_context(programme, "change", change),
        ),
    )


@login_required
@require_POST
def change_delete(request: HttpRequest, slug: str, pk: int, change: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    services.delete_institutional_change(
        _part(InstitutionalChange, programme, change), request.user, request
    )
    messages.success(request, _("The institutional change was removed."))
    return _back(programme, anchor="implementation")


# --- Checklists (the rulebook's: T Lampiran II II.2.d and IV) ---------------------------------


def _checklists(programme: Programme) -> list[dict[str, Any]]:
    """The checklists of the programme's rulebook with the government's items and the answers."""
    book = selectors.rulebook_of(programme)
    items = list(selectors.checklist_items(programme.government))
    answers = {
        answer.item_id: answer
        for answer in ChecklistAnswer.objects.filter(programme=programme, item__in=items)
    }
    links = selectors.evidence_links(programme, "answer", [a.pk for a in answers.values()])
    for answer in answers.values():
        answer.links = links.get(answer.pk, [])  # type: ignore[attr-defined]
    return [
        {
            "code": checklist.code,
            "label": checklist.name,
            "source": book.cite(checklist),
            "rows": [(i, answers.get(i.pk)) for i in items if i.checklist == checklist.code],
        }
        for checklist in book.programme.checklists
    ]


def _checklist_choices(book: RulebookDocument) -> list[tuple[str, str]]:
    return [(checklist.code, checklist.name) for checklist in book.programme.checklists]


@login_required
def checklist(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, pk)
    if request.method == "POST":
        if not selectors.can_write(request.user, programme):
            raise PermissionDenied
        item = get_object_or_404(
            selectors.checklist_items(programme.government), pk=request.POST.get("item") or 0
        )
        form = ChecklistAnswerForm(request.POST)
        if form.is_valid():
            services.answer_checklist(
                programme,
                item,
                met=form.cleaned_data["met"],
                note=form.cleaned_data["note"],
                actor=request.user,
                request=request,
            )
            messages.success(request, _("The checklist was saved."))
        return redirect(
            reverse("programme:checklist", args=[slug, programme.pk]) + f"#item-{item.pk}"
        )
    return render(
        request,
        "programme/checklist.html",
        _context(request, programme, checklists=_checklists(programme)),
    )


@login_required
def checklist_items(request: HttpRequest, slug: str) -> HttpResponse:
    """The city administrator's checklists: seeded from the text, editable, replaceable."""
    government = _government(request, slug)
    if not org_selectors.is_city_admin(request.user, government):
        raise PermissionDenied
    book = current_rulebook(government)
    choices = _checklist_choices(book)
    item_form = ChecklistItemForm(prefix="item", checklists=choices)
    load_form = ChecklistLoadForm(prefix="load", checklists=choices)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rulebook":
            made = services.load_rulebook_checklists(
                government=government, actor=request.user, request=request
            )
            messages.success(request, _("%(count)d items were added.") % {"count": len(made)})
            return redirect("programme:checklist_items", slug=slug)
        if action == "add":
            item_form = ChecklistItemForm(request.POST, prefix="item", checklists=choices)
            if item_form.is_valid():
                if ChecklistItem.objects.filter(
                    government=government,
                    checklist=item_form.cleaned_data["checklist"],
                    order=item_form.cleaned_data["order"],
                ).exists():
                    item_form.add_error("order", _("This checklist already has an item there."))
                else:
                    services.save_checklist_item(item_form, government, request.user, request)
                    messages.success(request, _("The item was added."))
                    return redirect("programme:checklist_items", slug=slug)
        if action == "load":
            load_form = ChecklistLoadForm(request.POST, prefix="load", checklists=choices)
            if load_form.is_valid():
                services.replace_checklist(
                    government,
                    load_form.cleaned_data["checklist"],
                    load_form.cleaned_data["lines"],
                    load_form.cleaned_data["source"],
                    request.user,
                    request,
                )
                messages.success(request, _("The checklist was replaced."))
                return redirect("programme:checklist_items", slug=slug)
    items = list(ChecklistItem.objects.visible_to(request.user).filter(government=government))
    named = dict(choices)
    groups = [
        (checklist.name, book.cite(checklist), [i for i in items if i.checklist == checklist.code])
        for checklist in book.programme.checklists
    ]
    # Items of checklists the rulebook does not have (kept with their answers, shown nowhere).
    others = [item for item in items if item.checklist not in named]
    return render(
        request,
        "programme/checklist_items.html",
        {
            "government": government,
            "book": book,
            "groups": groups,
            "others": others,
            "item_form": item_form,
            "load_form": load_form,
        },
    )


@login_required
def checklist_item_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    if not org_selectors.is_city_admin(request.user, government):
        raise PermissionDenied
    item = get_object_or_404(
        ChecklistItem.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    form = ChecklistItemForm(
        request.POST or None,
        instance=item,
        checklists=_checklist_choices(current_rulebook(government)),
    )
    if request.method == "POST" and form.is_valid():
        clash = ChecklistItem.objects.filter(
            government=government,
            checklist=form.cleaned_data["checklist"],
            order=form.cleaned_data["order"],
        ).exclude(pk=item.pk)
        if clash.exists():
            form.add_error("order", _("This checklist already has an item there."))
        else:
            services.save_checklist_item(form, government, request.user, request)
            messages.success(request, _("The changes were saved."))
            return redirect("programme:checklist_items", slug=slug)
    return render(
        request,
        "programme/checklist_item_form.html",
        {"government": government, "form": form, "item": item},
    )


# --- Evidence ---------------------------------------------------------------------------------

# What an evidence form names as its target, and where the link keeps it.
EVIDENCE_TARGETS: dict[str, type[Any]] = {
    "step": FormulationStep,
    "declaration": Declaration,
    "engagement": Engagement,
    "change": InstitutionalChange,
    "item": ChecklistItem,
}


def _next(request: HttpRequest, programme: Programme) -> str:
    wanted = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return programme.get_absolute_url()


@login_required
@require_POST
def evidence_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Attach a file or a link to a step, the declaration, an event, a change or a checklist
    item of the programme."""
    programme = _programme(request, slug, pk, write=True)
    model = EVIDENCE_TARGETS.get(request.POST.get("target") or "")
    target_id = request.POST.get("target_id") or ""
    if model is None or not target_id.isdigit():
        messages.error(request, _("Choose what the evidence belongs to."))
        return redirect(_next(request, programme))
    if model is ChecklistItem:
        item = get_object_or_404(selectors.checklist_items(programme.government), pk=target_id)
        target = None
    else:
        target = _part(model, programme, int(target_id))
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_next(request, programme))
    try:
        if target is None:
            target = services.answer_for(programme, item, request.user, request)
        services.attach_evidence(
            programme,
            target,
            upload=form.cleaned_data["file"],
            url=form.cleaned_data["url"],
            title=form.cleaned_data["title"],
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The evidence was attached."))
    return redirect(_next(request, programme))


@login_required
@require_POST
def evidence_remove(request: HttpRequest, slug: str, pk: int, link: int) -> HttpResponse:
    programme = _programme(request, slug, pk, write=True)
    row = get_object_or_404(
        ProgrammeEvidence.objects.filter(programme=programme).select_related("evidence"), pk=link
    )
    services.detach_evidence(row, request.user, request)
    messages.success(request, _("The evidence was removed."))
    return redirect(_next(request, programme))
