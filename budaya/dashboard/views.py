"""The leadership dashboard (issue 20 item 3): one page per government for the head of
government, the regional secretary and the city administrator, and an agency head's view of
their agency against the city. Every figure links to the rows it counts (docs/dashboard.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from budaya.dashboard import selectors
from budaya.dashboard.figures import charts_of, heatmap
from budaya.fragments import cached_fragment, scope_key
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
                "behind_first": data["behind"][:BEHIND_FIRST],
                "behind_rest": data["behind"][BEHIND_FIRST:],
            },
        )

    # The figures are kept per government and version (issue 25, budaya/fragments.py): they
    # are computed again only after a write of the government, on a new day, or for another
    # period, kind, language or part of the government read.
    parts = (scope_key(request.user, government.pk), period.pk if period else "", kind, today)
    figures = cached_fragment("dashboard:government", government.pk, parts, render_figures)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "government": government,
            "periods": periods,
            "period": period,
            "kinds": kinds,
            "kind": kind,
            "city": selectors.sees_city(request.user, government),
            "figures": figures,
            "head_title": book.head_of_government.title,
            "secretary_title": secretary.title if secretary else "",
        },
    )
