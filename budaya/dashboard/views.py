"""The leadership dashboard (issue 20 item 3): one page per government for the head of
government, the regional secretary and the city administrator, and an agency head's view of
their agency against the city. Every figure links to the rows it counts (docs/dashboard.md)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from budaya.dashboard import regions, selectors
from budaya.dashboard.figures import charts_of, heatmap, value_heatmap
from budaya.monev import selectors as monev
from budaya.org.models import Unit
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
    data = selectors.dashboard(request.user, government, period=period, kind=kind, today=today)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "government": government,
            "periods": periods,
            "period": period,
            "kinds": kinds,
            "kind": kind,
            "data": data,
            "charts": charts_of(government, period, data),
            "heatmap": heatmap(government, data),
            "value_heatmap": value_heatmap(government, data),
            "behind_first": data["behind"][:BEHIND_FIRST],
            "behind_rest": data["behind"][BEHIND_FIRST:],
            "head_title": book.head_of_government.title,
            "secretary_title": secretary.title if secretary else "",
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
