"""Pages of monitoring and evaluation: periods, the board, agency reports, the city report."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.accounts.models import Role
from budaya.activities.evidence import store_file
from budaya.activities.models import Evidence
from budaya.fragments import cached_fragment, frozen_fragment, kept, scope_key
from budaya.monev import exports, rules, selectors, services
from budaya.monev.forms import (
    AcknowledgeForm,
    DeadlineForm,
    DirectionFormSet,
    FollowUpDoneForm,
    ForwardForm,
    PeriodEditForm,
    PeriodForm,
    QuestionForm,
    ReturnForm,
    SignatoryForm,
)
from budaya.monev.models import (
    CityReport,
    CityState,
    FollowUp,
    Instrument,
    Period,
    Question,
    Report,
    ReportVersion,
    State,
    default_deadline,
)
from budaya.monev.summary import city_summary
from budaya.org.models import Government, Unit
from budaya.org.selectors import governments_visible_to, governments_with_content, is_city_admin
from budaya.pagination import page_of, query_without_page
from budaya.rulebook.selectors import current_rulebook
from budaya.spreadsheets import workbook_bytes, xlsx_response

AGENCY_ROLES = [Role.UNIT_HEAD, Role.UNIT_TEAM]
ACTING_ROLES = {Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM}


def _government(request: HttpRequest, slug: str) -> Government:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


def _administered(request: HttpRequest, slug: str) -> Government:
    government = _government(request, slug)
    if not is_city_admin(request.user, government):
        raise PermissionDenied
    return government


def _report(request: HttpRequest, government: Government, pk: int) -> Report:
    return get_object_or_404(
        selectors.reports_of(request.user, government).select_related("government"), pk=pk
    )


def _prepares(request: HttpRequest, report: Report) -> bool:
    """The agency team (unit team or head of the agency) prepares its report."""
    return Report.objects.visible_to(request.user, roles=AGENCY_ROLES).filter(pk=report.pk).exists()


def _preparing(request: HttpRequest, slug: str, pk: int) -> tuple[Government, Report]:
    government = _government(request, slug)
    report = _report(request, government, pk)
    if not _prepares(request, report):
        raise PermissionDenied
    return government, report


def _evidence_choices(report: Report) -> Any:
    return Evidence.objects.filter(
        government=report.government, unit__path__startswith=report.unit.path
    ).order_by("-created_at")[:200]


def _evidence_queryset(report: Report) -> Any:
    return Evidence.objects.filter(
        government=report.government, unit__path__startswith=report.unit.path
    )


def _fail(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Start and periods ---------------------------------------------------------------------------


@login_required
def start(request: HttpRequest) -> HttpResponse:
    governments = list(governments_with_content(request.user))
    if len(governments) == 1:
        return redirect("monev:period_list", slug=governments[0].slug)
    return render(request, "monev/choose_government.html", {"governments": governments})


@login_required
def period_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    periods = list(selectors.periods_of(request.user, government))
    admin = is_city_admin(request.user, government)
    book = current_rulebook(government)
    return render(
        request,
        "monev/period_list.html",
        {
            "government": government,
            "periods": periods,
            "is_admin": admin,
            "deadline": book.monev.deadline,
            "deadline_cite": book.cite(book.monev.deadline),
            "is_leader": request.user.has_role(Role.LEADERSHIP),  # type: ignore[union-attr]
        },
    )


@login_required
def period_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    agencies = Unit.objects.filter(
        government=government, parent__isnull=True, active_to__isnull=True
    ).order_by("path")
    today = timezone.localdate()
    form = PeriodForm(
        request.POST or None,
        agencies=agencies,
        initial={
            "kind": Period.Kind.BERKALA,
            "year": today.year,
            # The programme's name in the government's own words (budaya kerja, pemerintahan).
            "title": f"Monev {current_rulebook(government).words.programme_name} {today.year}",
            "starts_on": today.replace(month=1, day=1),
            "ends_on": today.replace(month=12, day=31),
        },
    )
    deadline_form = DeadlineForm(
        request.POST if "deadline_month" in request.POST else None,
        initial={
            "deadline_month": current_rulebook(government).monev.deadline.month,
            "deadline_day": current_rulebook(government).monev.deadline.day,
        },
    )
    if request.method == "POST" and "deadline_month" in request.POST:
        if deadline_form.is_valid():
            services.set_deadline(
                government,
                deadline_form.cleaned_data["deadline_month"],
                deadline_form.cleaned_data["deadline_day"],
                request.user,
                request,
            )
            messages.success(request, _("Default deadline saved."))
            return redirect("monev:period_list", slug=slug)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deadline = data["deadline"] or default_deadline(government, data["year"])
        try:
            period = services.create_period(
                government,
                kind=data["kind"],
                year=data["year"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                deadline=deadline,
                units=data["units"] if data["kind"] == Period.Kind.KHUSUS else [],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Period opened."))
            return redirect("monev:board", slug=slug, pk=period.pk)
    return render(
        request,
        "monev/period_form.html",
        {"government": government, "form": form, "deadline_form": deadline_form},
    )


@login_required
def period_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    period = get_object_or_404(selectors.periods_of(request.user, government), pk=pk)
    form = PeriodEditForm(
        request.POST or None, initial={"deadline": period.deadline, "closed": period.closed}
    )
    if request.method == "POST" and form.is_valid():
        services.update_period(
            period,
            deadline=form.cleaned_data["deadline"],
            closed=form.cleaned_data["closed"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Period saved."))
        return redirect("monev:board", slug=slug, pk=period.pk)
    return render(
        request,
        "monev/period_edit.html",
        {"government": government, "period": period, "form": form},
    )


@login_required
def board(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    period = get_object_or_404(selectors.periods_of(request.user, government), pk=pk)
    today = timezone.localdate()

    def compute() -> dict[str, Any]:
        data = selectors.board(request.user, period, today)
        return {
            "html": render_to_string(
                "monev/_board.html", {"government": government, "board": data}
            ),
            "started": [line.agency.pk for line in data["lines"] if line.summary],
            "accepted": sum(
                1 for line in data["lines"] if line.summary and line.summary.state == State.ACCEPTED
            ),
        }

    # The completeness board is kept per government and version (issue 25,
    # budaya/fragments.py), with what the page's buttons need of it: computed again only after
    # a write of the government, or for another period, language or part of the government.
    board = kept(
        "monev:board", government.pk, (scope_key(request.user, government.pk), period.pk), compute
    )
    own = selectors.own_agencies(request.user, period)
    every_agency = selectors.sees_every_agency(request.user, government)
    return render(
        request,
        "monev/board.html",
        {
            "government": government,
            "period": period,
            "board_html": mark_safe(board["html"]),  # noqa: S308 (our own template, autoescaped)
            "days_left": period.days_left(today),
            "to_start": [a for a in own if a.pk not in board["started"]],
            "is_admin": is_city_admin(request.user, government),
            "sees_overview": _reads_overview(request, government, every_agency=every_agency),
            # The period's one city report (its latest version), for those who may open it.
            "city_report": period.city_reports.order_by("-number").first()
            if every_agency
            else None,
            "accepted": board["accepted"],
        },
    )


def _reads_overview(request: HttpRequest, government: Government, *, every_agency: bool) -> bool:
    """City administrators and leadership (``every_agency``), unit heads and teams (their own)."""
    return every_agency or (
        Unit.objects.visible_to(request.user, roles=AGENCY_ROLES)
        .filter(government=government)
        .exists()
    )


def overview_header(period: Period) -> list[str]:
    numbers = [number for number, _text in maturity_indicators(period)]
    return [
        "Perangkat Daerah",
        "Kode",
        "Status",
        "Versi",
        *[f"Indikator {n}" for n in numbers],
        *[f"Indikator {n} terverifikasi" for n in numbers],
        "Tingkat",
        "Tingkat terverifikasi",
        "Skor",
        "Skor terverifikasi",
        "Skor tertinggi",
    ]


def maturity_indicators(period: Period) -> list[tuple[int, str]]:
    """The maturity indicators of the period's rulebook (none: no maturity table)."""
    maturity = rules.book_of(period).monev.maturity
    return [(i.number, i.text) for i in maturity.indicators] if maturity else []


def _groups(period: Period) -> list[tuple[int, str]]:
    """The row groups of the period's report form: (number, heading)."""
    return [(g.number, g.heading) for g in rules.book_of(period).monev.report_form.row_groups]


def _columns(period: Period) -> Any:
    return rules.book_of(period).monev.report_form.columns


@login_required
def maturity_overview(request: HttpRequest, slug: str, pk: int, fmt: str = "") -> HttpResponseBase:
    """Ikhtisar kematangan: per agency of the period, its report's state, the Tabel 2 items met
    per indicator, the levels and the instrument's scores (from the maintained summaries)."""
    government = _government(request, slug)
    period = get_object_or_404(selectors.periods_of(request.user, government), pk=pk)
    every_agency = selectors.sees_every_agency(request.user, government)
    if not _reads_overview(request, government, every_agency=every_agency):
        raise PermissionDenied
    if fmt not in ("", "xlsx"):
        raise Http404
    sort = request.GET.get("sort", "agency")
    sort = sort if sort in selectors.OVERVIEW_SORTS else "agency"
    if fmt == "xlsx":
        data = selectors.maturity_overview(request.user, period, sort)
        rows = []
        shown = {number for number, _text in maturity_indicators(period)}
        for line in data["lines"]:
            s = line.summary
            figures = (
                [
                    s.get_state_display(),
                    s.version,
                    *[own for n, own, _v in s.per_indicator() if n in shown],
                    *[verified for n, _o, verified in s.per_indicator() if n in shown],
                    s.own_level,
                    s.verified_level,
                    s.score,
                    s.verified_score,
                    s.max_score,
                ]
                if s
                else [_("not started")]
            )
            rows.append([line.agency.name, line.agency.code, *figures])
        content = workbook_bytes(
            "Maturitas",
            overview_header(period),
            rows,
            heading=[government.name, _("Maturity overview"), period.title],
        )
        return xlsx_response(f"maturitas-{government.slug}-{period.pk}.xlsx", content)
    indicators = maturity_indicators(period)

    def render_table() -> str:
        return render_to_string(
            "monev/_maturity_overview.html",
            {
                "government": government,
                "overview": selectors.maturity_overview(request.user, period, sort),
                "indicators": indicators,
            },
        )

    # The table is kept per government and version (issue 25, budaya/fragments.py): computed
    # again only after a write of the government, or for another period, order, language or
    # part of the government.
    parts = (scope_key(request.user, government.pk), period.pk, sort)
    return render(
        request,
        "monev/maturity_overview.html",
        {
            "government": government,
            "period": period,
            "table": cached_fragment("monev:maturity_overview", government.pk, parts, render_table),
            "sort": sort,
            "indicators": indicators,
            "sorts": selectors.OVERVIEW_SORTS,
        },
    )


@login_required
def overdue(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    if not selectors.sees_every_agency(request.user, government):
        raise PermissionDenied
    return render(
        request,
        "monev/overdue.html",
        {"government": government, "late": selectors.overdue(government, timezone.localdate())},
    )


# --- The agency report ---------------------------------------------------------------------------


@login_required
@require_POST
def report_start(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    period = get_object_or_404(selectors.periods_of(request.user, government), pk=pk)
    own = selectors.own_agencies(request.user, period)
    if (
        not Unit.objects.visible_to(request.user, roles=AGENCY_ROLES)
        .filter(government=government)
        .exists()
    ):
        raise PermissionDenied
    unit = next((a for a in own if str(a.pk) == request.POST.get("unit")), None)
    if unit is None and len(own) == 1 and not request.POST.get("unit"):
        unit = own[0]
    if unit is None:
        messages.error(request, _("Choose your agency."))
        return redirect("monev:board", slug=slug, pk=period.pk)
    try:
        report = services.start_report(period, unit, request.user, request)
    except ValidationError as error:
        _fail(request, error)
        return redirect("monev:board", slug=slug, pk=period.pk)
    return redirect("monev:report_pick", slug=slug, pk=report.pk)


def _grouped_rows(
    rows: list[Any], period: Period, key: Any = lambda row: row.indicator
) -> list[dict[str, Any]]:
    return [
        {"number": number, "heading": heading, "rows": [row for row in rows if key(row) == number]}
        for number, heading in _groups(period)
    ]


def _report_table(report: Report, changed: set[str], *, can_edit: bool, can_return: bool) -> str:
    """The report's Tabel 1: its rows under the form's groups, their evidence and review
    comments, the rows whose cited activity changed since the submission (``changed``) marked."""
    rows = list(report.rows.prefetch_related("evidence"))
    comments: dict[str, list[Any]] = {}
    for comment in report.comments.select_related("author"):
        comments.setdefault(str(comment.row_key), []).append(comment)
    for row in rows:
        row.review = comments.get(str(row.key), [])  # type: ignore[attr-defined]
        row.changed_since_submitted = str(row.key) in changed  # type: ignore[attr-defined]
    return render_to_string(
        "monev/_report_table.html",
        {
            "government": report.government,
            "report": report,
            "groups": _grouped_rows(rows, report.period),
            "columns": _columns(report.period),
            "can_edit": can_edit,
            "can_return": can_return,
        },
    )


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    report = _report(request, government, pk)
    moves = services.allowed_moves(report, request.user)
    own_level, verified_level = services.levels(report)
    can_edit = report.editable and _prepares(request, report)
    can_return = any(m.target == State.RETURNED for m in moves)
    # The table is kept (issue 25, budaya/fragments.py). A submitted report never changes
    # (its rows, evidence and the comments of its return): kept by report, state and version,
    # with the rows whose cited activity was edited since (one query) in its name. A draft's
    # per government version, which each of its edits moves.
    parts = (report.pk, report.state, report.version, can_edit, can_return)
    if selectors.is_frozen(report):
        changed = selectors.changed_since_submitted(report)
        table = frozen_fragment(
            "monev:report_table",
            government.pk,
            (*parts, *sorted(changed)),
            lambda: _report_table(report, changed, can_edit=can_edit, can_return=can_return),
        )
    else:
        table = cached_fragment(
            "monev:report_table",
            government.pk,
            parts,
            lambda: _report_table(
                report,
                selectors.changed_since_submitted(report),
                can_edit=can_edit,
                can_return=can_return,
            ),
        )
    book = rules.book_of(report.period)
    return render(
        request,
        "monev/report_detail.html",
        {
            "government": government,
            "report": report,
            "table": table,
            "form": book.monev.report_form,
            "form_cite": book.cite(book.monev.report_form),
            "has_maturity": bool(maturity_indicators(report.period)),
            "maturity_top": max((n for n, _t in maturity_indicators(report.period)), default=0),
            "moves": [m for m in moves if m.target != State.RETURNED],
            # The steps forward that someone else makes, with who: a team reading its draft
            # saw no button and no word of how the report goes up.
            "others_moves": [
                move
                for move in rules.moves_from(book, report.state)
                if not (move.on_city or move.returns or move in moves)
            ],
            "book": book,
            "can_return": can_return,
            "can_edit": can_edit,
            "versions": report.versions.count(),  # not their content: the page links to them
            "transitions": list(report.transitions.select_related("actor")),
            "own_level": own_level,
            "verified_level": verified_level,
            "unverified": bool(maturity_indicators(report.period)) and verified_level is None,
            "follow_ups": list(services.earlier_follow_ups(report).select_related("period")),
            "last_comments": [c for c in report.comments.all() if c.version == report.version - 1]
            if report.state == State.DRAFT
            else [],
        },
    )


@login_required
@require_POST
def row_delete(request: HttpRequest, slug: str, pk: int, row: int) -> HttpResponse:
    _unused, report = _preparing(request, slug, pk)
    instance = get_object_or_404(report.rows.all(), pk=row)
    try:
        services.delete_row(instance, request.user, request)
    except ValidationError as error:
        _fail(request, error)
    return redirect("monev:report", slug=slug, pk=pk)


@login_required
def signatory(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government, report = _preparing(request, slug, pk)
    signs = rules.book_of(report.period).monev.signatory("agency_report", "signs")
    form = SignatoryForm(
        request.POST or None,
        title=signs.title if signs else "",
        initial={
            "place": report.place,
            "signatory_name": report.signatory_name,
            "signatory_nip": report.signatory_nip,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_signatory(
                report,
                form.cleaned_data["place"],
                form.cleaned_data["signatory_name"],
                form.cleaned_data["signatory_nip"],
                request.user,
                request,
            )
        except ValidationError as error:
            _fail(request, error)
        return redirect("monev:report", slug=slug, pk=pk)
    return render(
        request, "monev/signatory.html", {"government": government, "report": report, "form": form}
    )


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@login_required
def maturity(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """S Tabel 2 self-assessment (agency, draft) and its verification (city team, review), and
    the scores of the government's instrument."""
    government = _government(request, slug)
    report = _report(request, government, pk)
    answers = list(report.maturity.prefetch_related("evidence").select_related("verified_by"))
    scores = list(report.scores.select_related("question"))
    agency = report.editable and _prepares(request, report)
    verifier = report.state in (State.SUBMITTED, State.ACCEPTED) and is_city_admin(
        request.user, government
    )
    evidence = _evidence_queryset(report)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if agency:
                services.save_maturity(
                    report,
                    {
                        a.pk: (
                            _yes_no(request.POST.get(f"answer_{a.pk}", "")),
                            request.POST.get(f"note_{a.pk}", "").strip(),
                            list(evidence.filter(pk__in=_ids(request, f"evidence_{a.pk}")))
                            + _uploads(request, report, f"upload_{a.pk}"),
                        )
                        for a in answers
                    },
                    request.user,
                    request,
                )
                services.save_scores(
                    report,
                    {s.pk: _score(request.POST.get(f"score_{s.pk}")) for s in scores},
                    request.user,
                    request,
                )
            elif verifier:
                services.verify_review(
                    report,
                    answers={
                        a.pk: (
                            _yes_no(request.POST.get(f"verified_{a.pk}", "")),
                            request.POST.get(f"reason_{a.pk}", ""),
                        )
                        for a in answers
                    },
                    scores={
                        s.pk: _score(request.POST.get(f"verified_score_{s.pk}")) for s in scores
                    },
                    score_reasons={
                        s.pk: request.POST.get(f"score_reason_{s.pk}", "") for s in scores
                    },
                    actor=request.user,
                    request=request,
                )
            else:
                raise PermissionDenied
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                _fail(request, error)
                return redirect("monev:maturity", slug=slug, pk=pk)
            # Nothing was saved: the form again, with each error at its field.
            errors = {name: " ".join(texts) for name, texts in error.message_dict.items()}
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            messages.success(request, _("Saved."))
            return redirect("monev:maturity", slug=slug, pk=pk)
    own_level, verified_level = services.levels(report)
    table = rules.book_of(report.period).monev.maturity
    by_indicator = [
        {
            "number": indicator.number,
            "text": indicator.text,
            "answers": [
                {
                    "answer": a,
                    "text": next((e.text for e in indicator.evidence if e.item == a.item), ""),
                    "error": errors.get(f"reason_{a.pk}", ""),
                }
                for a in answers
                if a.indicator == indicator.number
            ],
        }
        for indicator in (table.indicators if table else ())
    ]
    return render(
        request,
        "monev/maturity.html",
        {
            "government": government,
            "report": report,
            "indicators": by_indicator,
            "maturity_table": table,
            "maturity_cite": rules.book_of(report.period).cite(table) if table else "",
            "scores": [
                (
                    score,
                    errors.get(f"verified_score_{score.pk}", "")
                    or errors.get(f"score_reason_{score.pk}", ""),
                )
                for score in scores
            ],
            "agency": agency,
            "verifier": verifier,
            "evidence": list(evidence.order_by("-created_at")[:100]),
            "own_level": own_level,
            "verified_level": verified_level,
        },
    )


def _uploads(request: HttpRequest, report: Report, name: str) -> list[Evidence]:
    """Files attached to a maturity item, stored as the agency's evidence (checked by content)."""
    return [
        store_file(
            government=report.government,
            unit=report.unit,
            upload=upload,
            actor=request.user,
            request=request,
        )
        for upload in request.FILES.getlist(name)
    ]


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


def _score(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_POST
def transition(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    report = _report(request, government, pk)
    if not (request.user.role_names() & ACTING_ROLES):  # type: ignore[union-attr]
        raise PermissionDenied
    target = request.POST.get("target", "")
    if target not in State.values:
        messages.error(request, _("Choose a step."))
        return redirect("monev:report", slug=slug, pk=pk)
    comments = {
        key.removeprefix("comment_"): str(value)
        for key, value in request.POST.items()
        if key.startswith("comment_")
    }
    try:
        services.transition(
            report,
            target,
            request.user,
            request,
            note=request.POST.get("note", ""),
            comments=comments,
            accept_unverified=request.POST.get("accept_unverified", ""),
        )
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(
            request, _("The report is now: %(state)s.") % {"state": State(target).label}
        )
    return redirect("monev:report", slug=slug, pk=pk)


@login_required
def versions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every frozen version with its hash checked, and the diff between two of them."""
    government = _government(request, slug)
    report = _report(request, government, pk)
    items = selectors.versions_of(report)
    by_number = {v.number: v for v in items}
    changes = None
    old = new = None
    if len(items) >= 2:
        try:
            old = by_number[int(request.GET.get("from", items[-2].number))]
            new = by_number[int(request.GET.get("to", items[-1].number))]
        except (KeyError, ValueError):
            raise Http404 from None
        changes = services.diff(selectors.version_content(old), selectors.version_content(new))
    return render(
        request,
        "monev/versions.html",
        {
            "government": government,
            "report": report,
            "versions": [(v, v.verify()) for v in items],
            "changes": changes,
            "old": old,
            "new": new,
        },
    )


@login_required
def version_detail(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    government = _government(request, slug)
    report = _report(request, government, pk)
    version = get_object_or_404(ReportVersion.objects.filter(report=report), number=number)
    content = selectors.version_content(version)
    changed = selectors.changed_since_submitted(report, version)
    # Shown beside the frozen rows, never written into them (nor into the canonical text).
    rows = [{**row, "changed_since_submitted": row["key"] in changed} for row in content["rows"]]
    return render(
        request,
        "monev/version_detail.html",
        {
            "government": government,
            "report": report,
            "version": version,
            "valid": version.verify(),
            "groups": _grouped_rows(rows, report.period, key=lambda row: row["indicator"]),
            "columns": _columns(report.period),
            "canonical": json.dumps(content, indent=2, ensure_ascii=False),
        },
    )


@login_required
def report_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponseBase:
    government = _government(request, slug)
    report = _report(request, government, pk)
    number = request.GET.get("version")
    version = None
    if number and number.isdigit():
        version = get_object_or_404(ReportVersion.objects.filter(report=report), number=number)
    elif selectors.is_frozen(report):
        version = report.versions.filter(number=report.version).first()
    document = exports.agency_document(report, version, base_url=_base_url(request))
    return exports.respond(document, fmt)


def _base_url(request: HttpRequest) -> str:
    """Scheme and host of the request: the documents' links and QR codes are absolute."""
    return request.build_absolute_uri("/").rstrip("/")


# --- The city report -----------------------------------------------------------------------------


@login_required
@require_POST
def consolidate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    period = get_object_or_404(selectors.periods_of(request.user, government), pk=pk)
    try:
        city = services.consolidate(period, request.user, request)
    except ValidationError as error:
        _fail(request, error)
        return redirect("monev:board", slug=slug, pk=pk)
    messages.success(request, _("City report made."))
    return redirect("monev:city", slug=slug, pk=city.pk)


def _actor_title(book: Any, step: str) -> str:
    """Who acts at a chain step, in the rulebook's words ("" when the chain has no such step)."""
    found = book.monev.step(step)
    return book.actor_title(found.actor) if found else ""


def _city(request: HttpRequest, government: Government, pk: int) -> CityReport:
    if not selectors.sees_every_agency(request.user, government):
        raise PermissionDenied
    return get_object_or_404(
        CityReport.objects.visible_to(request.user)
        .filter(government=government)
        .select_related("period", "consolidated_by", "forwarded_by", "acknowledged_by"),
        pk=pk,
    )


def _city_page(
    request: HttpRequest, government: Government, city: CityReport, **forms: Any
) -> HttpResponse:
    """The city report: its versions and the diff to the one before, the chain so far, the
    summary, the agency reports it holds, the disposition and its follow-ups, and the step the
    reader may make now."""
    content = json.loads(city.canonical)
    book = rules.book_of(city.period)
    versions = list(
        CityReport.objects.filter(government=government, period=city.period)
        .order_by("number")
        .only("pk", "number", "state", "consolidated_at", "sha256")
    )
    latest = versions[-1].number
    actions = services.city_actions(request.user, city, latest)
    previous = next((v for v in versions if v.number == city.number - 1), None)
    agencies = city.period.agencies()
    return render(
        request,
        "monev/city_detail.html",
        {
            "government": government,
            "city": city,
            "content": content,
            "valid": city.verify(),
            "versions": versions,
            "latest": latest,
            "previous": previous,
            "changes": selectors.city_changes(
                json.loads(CityReport.objects.get(pk=previous.pk).canonical), content
            )
            if previous
            else None,
            "steps": list(city.steps.select_related("actor")),
            "follow_ups": list(city.follow_ups.select_related("unit")),
            "summary": city_summary(city),
            "links": True,
            "actions": actions,
            "forward_to": _actor_title(book, "acknowledge"),
            "forward_by": _actor_title(book, "forward"),
            "can_sign": city.number == latest
            and city.state != CityState.ACKNOWLEDGED
            and is_city_admin(request.user, government),
            "forward_form": forms.get("forward_form") or ForwardForm(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "acknowledge_form": forms.get("acknowledge_form") or AcknowledgeForm(),
            "directions": forms.get("directions")
            or DirectionFormSet(prefix="direction", form_kwargs={"agencies": agencies}),
            "signatory_form": forms.get("signatory_form")
            or SignatoryForm(
                initial={
                    "place": city.place,
                    "signatory_name": city.signatory_name,
                    "signatory_nip": city.signatory_nip,
                },
                title=_signer_title(book),
            ),
        },
    )


def _signer_title(book: Any) -> str:
    signs = book.monev.signatory("city_report", "signs")
    return signs.title if signs else ""


@login_required
def city_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    return _city_page(request, government, _city(request, government, pk))


def _field_errors(form: Any, error: ValidationError) -> bool:
    """Put a service's errors on the form's fields (those it names); False if none fits."""
    if not hasattr(error, "error_dict"):
        return False
    placed = False
    for name, messages_ in error.message_dict.items():
        if name in form.fields:
            for message in messages_:
                form.add_error(name, message)
            placed = True
    return placed


@login_required
@require_POST
def city_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Forward with a note, return with a reason, acknowledge with a disposition and its
    directions: only the office the rulebook's chain names for the step."""
    government = _government(request, slug)
    city = _city(request, government, pk)
    if not services.can_city(request.user, government, Role.LEADERSHIP):
        raise PermissionDenied
    step = str(request.POST.get("step", ""))
    actions = services.city_actions(request.user, city, services.latest_number(city.period))
    if step not in actions:
        messages.error(request, _("Choose a step."))
        return redirect("monev:city", slug=slug, pk=pk)
    if not actions[step]:
        raise PermissionDenied
    book = rules.book_of(city.period)
    try:
        if step == "forward":
            form = ForwardForm(request.POST)
            if not form.is_valid():
                return _city_page(request, government, city, forward_form=form)
            services.forward(city, request.user, request, note=form.cleaned_data["note"])
            messages.success(
                request,
                _("Forwarded to the %(title)s.") % {"title": _actor_title(book, "acknowledge")},
            )
        elif step == "return":
            back = ReturnForm(request.POST)
            if not back.is_valid():
                return _city_page(request, government, city, return_form=back)
            services.return_city(
                city, actor=request.user, reason=back.cleaned_data["reason"], request=request
            )
            messages.success(request, _("Returned with the reason given."))
        else:
            ack = AcknowledgeForm(request.POST)
            directions = DirectionFormSet(
                request.POST,
                prefix="direction",
                form_kwargs={"agencies": city.period.agencies()},
            )
            if not (ack.is_valid() and directions.is_valid()):
                return _city_page(
                    request, government, city, acknowledge_form=ack, directions=directions
                )
            services.acknowledge(
                city,
                request.user,
                request,
                disposition=ack.cleaned_data["disposition"],
                directions=[
                    services.Direction(unit=item["unit"], text=item["text"], due_on=item["due_on"])
                    for item in directions.cleaned_data
                    if item
                ],
            )
            messages.success(request, _("Acknowledged."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("monev:city", slug=slug, pk=pk)


@login_required
@require_POST
def city_signatory(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The city team fills in the place and the signatory of the latest version."""
    government = _administered(request, slug)
    city = _city(request, government, pk)
    form = SignatoryForm(request.POST, title=_signer_title(rules.book_of(city.period)))
    if not form.is_valid():
        return _city_page(request, government, city, signatory_form=form)
    try:
        services.save_city_signatory(
            city,
            place=form.cleaned_data["place"],
            name=form.cleaned_data["signatory_name"],
            nip=form.cleaned_data["signatory_nip"],
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Signatory saved."))
    return redirect("monev:city", slug=slug, pk=pk)


@login_required
def city_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponseBase:
    government = _government(request, slug)
    city = _city(request, government, pk)
    return exports.respond(exports.city_document(city, base_url=_base_url(request)), fmt)


# --- Follow-ups ----------------------------------------------------------------------------------


@login_required
def follow_ups(request: HttpRequest, slug: str) -> HttpResponse:
    """The follow-ups of the leadership's directions: the city team and leadership see every
    agency's, an agency its own; filter by agency and status."""
    government = _government(request, slug)
    items = selectors.follow_ups_of(request.user, government)
    agencies = Unit.objects.filter(
        government=government, parent__isnull=True, active_to__isnull=True
    ).order_by("path")
    unit = request.GET.get("unit", "")
    status = request.GET.get("status", "")
    if unit.isdigit():
        chosen = agencies.filter(pk=unit).first()
        items = items.filter(unit__path__startswith=chosen.path) if chosen else items.none()
    if status in FollowUp.Status.values:
        items = items.filter(status=status)
    page = page_of(request, items.select_related("unit", "period"), 50)
    return render(
        request,
        "monev/follow_ups.html",
        {
            "government": government,
            "page": page,
            "query_string": query_without_page(request),
            "agencies": agencies if selectors.sees_every_agency(request.user, government) else [],
            "unit": unit,
            "status": status,
            "statuses": FollowUp.Status.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
def follow_up(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One follow-up: its direction, due date and state; its agency reports it done with what
    it did and the evidence."""
    government = _government(request, slug)
    item = get_object_or_404(
        selectors.follow_ups_of(request.user, government).select_related(
            "unit", "period", "city", "done_by", "created_by"
        ),
        pk=pk,
    )
    evidence = Evidence.objects.filter(
        government=government, unit__path__startswith=item.unit.path
    ).order_by("-created_at")
    acts = item.status == FollowUp.Status.OPEN and (
        Unit.objects.visible_to(request.user, roles=AGENCY_ROLES).filter(pk=item.unit_id).exists()
    )
    # The agency's 200 latest pieces of evidence to choose from.
    recent = Evidence.objects.filter(pk__in=list(evidence.values_list("pk", flat=True)[:200]))
    form = FollowUpDoneForm(request.POST or None, evidence=recent.order_by("-created_at"))
    if request.method == "POST":
        if not acts:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.complete_follow_up(
                    item,
                    note=form.cleaned_data["done_note"],
                    evidence=form.cleaned_data["evidence"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                if not _field_errors(form, error):
                    _fail(request, error)
            else:
                messages.success(request, _("Follow-up reported done."))
                return redirect("monev:follow_up", slug=slug, pk=pk)
    return render(
        request,
        "monev/follow_up.html",
        {
            "government": government,
            "item": item,
            "form": form if acts else None,
            "done_evidence": list(item.evidence.all()),
            "today": timezone.localdate(),
            "reads_city": selectors.sees_every_agency(request.user, government),
        },
    )


# --- The instrument ------------------------------------------------------------------------------


@login_required
def instrument(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    current = Instrument.objects.filter(government=government, active=True).first()
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if "load" in request.POST:
            services.seed_instrument(government, request.user)
            messages.success(request, _("Instrument loaded from the rulebook."))
            return redirect("monev:instrument", slug=slug)
        if current is not None and request.POST.get("remove", "").isdigit():
            question = get_object_or_404(
                Question.objects.filter(instrument=current), pk=request.POST["remove"]
            )
            try:
                services.remove_question(question, request.user, request)
            except ValidationError as error:
                _fail(request, error)
            else:
                messages.success(request, _("Question removed."))
            return redirect("monev:instrument", slug=slug)
        if current is not None and form.is_valid():
            services.add_question(current, form.cleaned_data, request.user, request)
            messages.success(request, _("Question added."))
            return redirect("monev:instrument", slug=slug)
    return render(
        request,
        "monev/instrument.html",
        {
            "government": government,
            "instrument": current,
            "questions": list(Question.objects.filter(instrument=current)) if current else [],
            "form": form,
            "evaluation": current_rulebook(government).monev.evaluation,
            "evaluation_cite": current_rulebook(government).cite(
                current_rulebook(government).monev.evaluation
            ),
            "book": current_rulebook(government),
        },
    )
