"""Pages for drafting an agency report at scale (issue 19, Deliver 4): the period's activities
grouped by form and month, assigned to the report form's row groups in bulk, and the evidence
picker of a row (thumbnails, dates, the activities each file documents)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from budaya.activities.models import ActivityEvidence, ActivityForm
from budaya.frameworks.models import CoreValue
from budaya.links import link_maker
from budaya.monev import services
from budaya.monev.drafting import (
    Filters,
    activity_groups,
    add_group_rows,
    evidence_candidates,
)
from budaya.monev.forms import RowForm
from budaya.monev.models import Report
from budaya.monev.views import _evidence_queryset, _fail, _groups, _preparing
from budaya.org.models import Unit

# Evidence shown at once in the picker; more by searching or "more".
PICKER_PAGE = 24


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _month(value: str | None) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def _filters(data: QueryDict) -> Filters:
    return Filters(
        form=_int(data.get("form")),
        value=_int(data.get("value")),
        month=_month(data.get("month")),
        unit=_int(data.get("unit")),
        by=str(data.get("by")) if data.get("by") in ("month", "activity") else "form",
    )


def _months(report: Report) -> list[datetime.date]:
    start, end = report.period.starts_on, report.period.ends_on
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _filter_choices(report: Report) -> dict[str, Any]:
    """The choices of the filters: the government's forms, the values its activities address,
    the agency and its sub-units, the period's months."""
    government = report.government
    return {
        "forms": ActivityForm.objects.filter(government=government).only("pk", "name"),
        "values": CoreValue.objects.filter(
            activity_links__government=government,
            activity_links__activity__unit__path__startswith=report.unit.path,
        )
        .distinct()
        .only("pk", "name"),
        "units": Unit.objects.filter(government=government, path__startswith=report.unit.path).only(
            "pk", "name"
        ),
        "months": _months(report),
    }


@login_required
def report_pick(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Prefill from the activity log: the period's activities grouped by form (and month), each
    group assigned to a row group of the report form in one go."""
    government, report = _preparing(request, slug, pk)
    if not report.editable:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("monev:report", slug=slug, pk=pk)
    numbers = {number for number, _heading in _groups(report.period)}
    if request.method == "POST":
        filters = _filters(request.POST)
        every = _int(request.POST.get("every"))
        picks: dict[str, int] = {}
        for name in request.POST:
            if name.startswith("group_"):
                number = _int(request.POST.get(name)) or every
                if number in numbers:
                    picks[name.removeprefix("group_")] = number  # type: ignore[assignment]
        try:
            made = add_group_rows(
                report=report,
                filters=filters,
                picks=picks,
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            if made:
                messages.success(request, _("%(count)d rows added.") % {"count": len(made)})
            else:
                messages.warning(request, _("No group was chosen: nothing was added."))
        return redirect("monev:report", slug=slug, pk=pk)
    filters = _filters(request.GET)
    groups = activity_groups(report, filters)
    # What every group's row repeats, made once here (a busy agency's one-activity-per-row
    # page has hundreds of rows: issue 19, "the page answers in under 1 s at city scale").
    thumbnail = link_maker("activities:evidence_thumbnail")
    evidence_file = link_maker("activities:evidence_file")
    for group in groups:
        group.label = _("Group of rows for %(form)s") % {  # type: ignore[attr-defined]
            "form": group.titles[0] if group.activity_id else group.form_name
        }
        group.links = [  # type: ignore[attr-defined]
            (thumbnail(pk) if has_thumbnail else evidence_file(pk), title, has_thumbnail)
            for pk, title, has_thumbnail in group.evidence
        ]
    choices = _groups(report.period)
    options = format_html_join(
        "",
        '<option value="{}">{}. {}</option>',
        ((number, number, Truncator(heading).chars(70)) for number, heading in choices),
    )
    return render(
        request,
        "monev/report_pick.html",
        {
            "government": government,
            "report": report,
            "groups": groups,
            "filters": filters,
            "activity_count": sum(group.count for group in groups),
            "choices": choices,
            "options": options,
            **_filter_choices(report),
        },
    )


def _picker(report: Report, data: QueryDict, chosen: list[int]) -> dict[str, Any]:
    """The chosen evidence (kept checked whatever the search) and one page of candidates."""
    query = data.get("q", "").strip()[:100]
    month = _month(data.get("month"))
    candidates = evidence_candidates(report, query=query, month=month).exclude(pk__in=chosen)
    page = Paginator(candidates, PICKER_PAGE).get_page(data.get("page"))
    items = list(
        _evidence_queryset(report).filter(pk__in=chosen).order_by("-created_at", "-pk")
    ) + list(page.object_list)
    documents: dict[int, list[tuple[str, datetime.date]]] = {}
    for evidence_id, title, day in ActivityEvidence.objects.filter(
        government_id=report.government_id, evidence_id__in=[item.pk for item in items]
    ).values_list("evidence_id", "activity__title", "activity__date"):
        documents.setdefault(evidence_id, []).append((title, day))
    return {
        "items": [
            {
                "evidence": item,
                "checked": item.pk in chosen,
                "activities": sorted(documents.get(item.pk, []), key=lambda pair: pair[1])[:3],
            }
            for item in items
        ],
        "page": page,
        "query": query,
        "month": month,
        "months": _months(report),
    }


@login_required
def row_edit(request: HttpRequest, slug: str, pk: int, row: int | None = None) -> HttpResponse:
    government, report = _preparing(request, slug, pk)
    instance = get_object_or_404(report.rows.all(), pk=row) if row is not None else None
    if not report.editable:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("monev:report", slug=slug, pk=pk)
    form = RowForm(
        request.POST or None,
        instance=instance,
        evidence=_evidence_queryset(report),
        groups=_groups(report.period),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_row(
                report,
                instance,
                form.cleaned_data,
                form.cleaned_data["evidence"],
                request.user,
                request,
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Row saved."))
        return redirect("monev:report", slug=slug, pk=pk)
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("evidence") if pk.isdigit()]
    else:
        chosen = list(form.fields["evidence"].initial or [])
    return render(
        request,
        "monev/row_form.html",
        {
            "government": government,
            "report": report,
            "form": form,
            "row": instance,
            "picker": _picker(report, request.GET, chosen),
        },
    )


@login_required
@require_GET
def evidence_picker(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The picker's list again for a search, a month or a page (htmx), the checked items kept."""
    government, report = _preparing(request, slug, pk)
    chosen = [int(pk) for pk in request.GET.getlist("evidence") if pk.isdigit()]
    return render(
        request,
        "monev/_evidence_picker.html",
        {
            "government": government,
            "report": report,
            "picker": _picker(report, request.GET, chosen),
        },
    )
