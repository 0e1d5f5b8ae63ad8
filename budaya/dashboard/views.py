"""The leadership dashboard (issue 20 item 3): one page per government for the head of
government, the regional secretary and the city administrator, and an agency head's view of
their agency against the city. Every figure links to the rows it counts (docs/dashboard.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.dashboard import regions, selectors, services
from budaya.dashboard.figures import charts_of, heatmap, value_heatmap
from budaya.dashboard.models import LeadershipReport
from budaya.files import attach
from budaya.fragments import cached_fragment, scope_key
from budaya.monev import selectors as monev
from budaya.org.models import Government, Unit
from budaya.org.selectors import governments_visible_to
from budaya.rulebook.selectors import current_rulebook

# The agencies behind shown at once; the rest fold under them.
BEHIND_FIRST = 10


@login_required
def start(request: HttpRequest) -> HttpResponse:
    governments = list(selectors.governments_read_by(request.user))
    if not governments:
        raise PermissionDenied
    if len(governments) == 1:
        return redirect("dashboard:government", slug=governments[0].slug)
    return render(request, "dashboard/choose_government.html", {"governments": governments})


@login_required
def government(request: HttpRequest, slug: str) -> HttpResponse:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not selectors.reads(request.user, government):
        raise PermissionDenied
    today = timezone.localdate()
    periods = sorted(monev.periods_of(request.user, government), key=lambda p: (p.year, p.deadline))
    period = selectors.choose_period(periods, request.GET.get("period") or "")
    kinds = [(value, label) for value, label in Unit.Kind.choices]
    kind = request.GET.get("kind") or ""
    if kind not in dict(kinds):
        kind = ""
    book = current_rulebook(government)
    secretary = book.regional_secretary

    def render_figures() -> str:
        data = selectors.dashboard(request.user, government, period=period, kind=kind, today=today)
        return render_to_string(
            "dashboard/_figures.html",
            {
                "government": government,
                "period": period,
                "data": data,
                "charts": charts_of(government, period, data),
                "heatmap": heatmap(government, data),
                "value_heatmap": value_heatmap(government, data),
                "behind_first": data["behind"][:BEHIND_FIRST],
                "behind_rest": data["behind"][BEHIND_FIRST:],
            },
        )

    # The figures are kept per government and version (issue 25, budaya/fragments.py): they
    # are computed again only after a write of the government, on a new day, or for another
    # period, kind, language or part of the government read.
    parts = (scope_key(request.user, government.pk), period.pk if period else "", kind, today)
    figures = cached_fragment("dashboard:government", government.pk, parts, render_figures)
    city = selectors.sees_city(request.user, government)
    # The leadership report of the period (issue 20 item 4): the city roles ask for it here.
    latest_report = (
        LeadershipReport.objects.filter(government=government, period=period)
        .order_by("-number")
        .first()
        if city and period is not None
        else None
    )
    if (
        latest_report is not None
        and latest_report.is_running
        and services.fail_interrupted(LeadershipReport.objects.filter(pk=latest_report.pk))
    ):
        latest_report.refresh_from_db()  # its worker died: failed, with a retry
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "government": government,
            "periods": periods,
            "period": period,
            "kinds": kinds,
            "kind": kind,
            "city": city,
            "figures": figures,
            "head_title": book.head_of_government.title,
            "secretary_title": secretary.title if secretary else "",
            "latest_report": latest_report,
        },
    )


# --- Province and national views (issue 20 item 5) ----------------------------------------------


def _year(request: HttpRequest, years: list[int], today: datetime.date) -> int:
    raw = request.GET.get("year") or ""
    return int(raw) if raw.isdigit() and int(raw) in years else today.year


@login_required
def national(request: HttpRequest) -> HttpResponse:
    """The provinces in figures, ranked; each opens its province's view."""
    if not regions.reads_national(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    years = regions.years_of(None, today)
    year = _year(request, years, today)
    return render(
        request,
        "dashboard/national.html",
        {"year": year, "years": years, "data": regions.national_view(year, today)},
    )


@login_required
def province(request: HttpRequest, code: str) -> HttpResponse:
    """A province's governments in figures, ranked; each opens its dashboard for a reader
    allowed there."""
    governments = regions.in_province(code)
    if code not in regions.PROVINCES and not governments.exists():
        raise Http404
    if not regions.reads_province(request.user, code):
        raise PermissionDenied
    today = timezone.localdate()
    years = regions.years_of(governments, today)
    year = _year(request, years, today)
    return render(
        request,
        "dashboard/province.html",
        {
            "code": code,
            "name": regions.province_name(code),
            "year": year,
            "years": years,
            "national": regions.reads_national(request.user),
            "data": regions.province_view(request.user, code, year, today),
        },
    )


# --- The leadership report (issue 20 item 4) -------------------------------------------------


def _city_government(request: HttpRequest, slug: str) -> Government:
    """The government, for a user who reads every agency of it (city administrator,
    leadership); another government is 404, an agency's roles 403."""
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not selectors.sees_city(request.user, government):
        raise PermissionDenied
    return government


def _leadership_report(government: Government, pk: int) -> LeadershipReport:
    return get_object_or_404(
        LeadershipReport.objects.filter(government=government).select_related(
            "period", "requested_by", "government"
        ),
        pk=pk,
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_POST
def report_create(request: HttpRequest, slug: str, period: int) -> HttpResponse:
    """Ask for the period's leadership report: the next version, made in the background."""
    government = _city_government(request, slug)
    chosen = get_object_or_404(monev.periods_of(request.user, government), pk=period)
    report = services.request_report(
        period=chosen, actor=request.user, base_url=_base_url(request), request=request
    )
    messages.success(
        request,
        _(
            "The leadership report is being made in the background; this page shows when it is "
            "ready."
        ),
    )
    return redirect("dashboard:report", slug=government.slug, pk=report.pk)


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One version of a leadership report: its state while it is made (htmx polling), then the
    download and its hash checked again (what the document's QR code opens); the period's other
    versions."""
    government = _city_government(request, slug)
    report = _leadership_report(government, pk)
    if report.is_running and services.fail_interrupted(
        LeadershipReport.objects.filter(pk=report.pk)
    ):
        report.refresh_from_db()  # its worker died
    context: dict[str, Any] = {"government": government, "report": report}
    if request.htmx and request.GET.get("partial") == "progress":  # type: ignore[attr-defined]
        if report.is_running:
            return render(request, "dashboard/_leadership_progress.html", context)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context["versions"] = list(
        LeadershipReport.objects.filter(government=government, period=report.period)
        .select_related("requested_by")
        .order_by("-number")
    )
    context["unchanged"] = report.verify() if report.status == report.Status.READY else None
    return render(request, "dashboard/leadership_detail.html", context)


@login_required
def report_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    government = _city_government(request, slug)
    report = _leadership_report(government, pk)
    if report.status != LeadershipReport.Status.READY or not report.file:
        raise Http404
    response = FileResponse(report.file.open("rb"), content_type="application/pdf")
    attach(response, report.filename, "application/pdf")
    return response


@login_required
@require_POST
def report_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _city_government(request, slug)
    report = _leadership_report(government, pk)
    try:
        services.retry_report(report=report, actor=request.user, request=request)
    except services.ReportStateError as error:
        messages.error(request, str(error))
    return redirect("dashboard:report", slug=government.slug, pk=report.pk)
