"""The dashboard's figures as charts, each bar linked to the list page of its rows: the
monitoring board and reports, the obligations board, the teams' compliance board and the
activity log filtered to the agency, form and months."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budaya.dashboard.charts import Bar, Chart, Group, layout
from budaya.monev.models import Period
from budaya.org.models import Government

STATUS_WORDS = {
    "not_started": gettext_lazy("not started"),
    "draft": gettext_lazy("draft"),
    "submitted": gettext_lazy("submitted"),
    "returned": gettext_lazy("returned"),
    "accepted": gettext_lazy("accepted"),
}


def _activities(slug: str, **filters: Any) -> str:
    return reverse("activities:list", args=[slug]) + "?" + urlencode(filters)


def charts_of(
    government: Government, period: Period | None, data: dict[str, Any]
) -> dict[str, Chart]:
    slug = government.slug
    charts: dict[str, Chart] = {}
    start, end = data["start"].isoformat(), data["end"].isoformat()
    if period is not None:
        board = reverse("monev:board", args=[slug, period.pk])
        charts["maturity"] = Chart(
            "maturity",
            _("Maturity by agency"),
            _("Per agency, the maturity level it claims and the level verified, of %(max)s.")
            % {"max": data["maximum_level"]},
            [_("claimed"), _("verified")],
            [
                Group(
                    line.agency.name,
                    reverse("monev:report", args=[slug, line.summary.report_id])
                    if line.summary
                    else board,
                    [
                        Bar(
                            line.summary.own_level if line.summary else 0,
                            str(line.summary.own_level) if line.summary else _("no report"),
                        ),
                        Bar(
                            line.summary.verified_level or 0 if line.summary else 0,
                            str(line.summary.verified_level)
                            if line.summary and line.summary.verified_level is not None
                            else _("not verified"),
                        ),
                    ],
                )
                for line in data["lines"]
            ],
            maximum=data["maximum_level"],
        )
        charts["status"] = Chart(
            "status",
            _("Reports by status"),
            _("How many agencies' reports are in each status in %(period)s.")
            % {"period": period.title},
            [_("agencies")],
            [
                Group(str(STATUS_WORDS[status]), board, [Bar(count, str(count))])
                for status, count in data["counts"].items()
            ],
        )
    charts["on_time"] = Chart(
        "on_time",
        _("Reports on time per period"),
        _("Per period, the share of agencies that submitted by the deadline."),
        [_("on time")],
        [
            Group(
                p.title,
                reverse("monev:board", args=[slug, p.pk]),
                [
                    Bar(
                        done / expected if expected else 0,
                        f"{round(100 * done / expected) if expected else 0}% ({done}/{expected})",
                    )
                ],
            )
            for p, done, expected in data["on_time"]
        ],
        maximum=1,
    )
    obligations = data["obligations"]
    compliance = reverse("activities:compliance", args=[slug]) + f"?year={data['year']}"
    charts["obligations"] = Chart(
        "obligations",
        _("Obligations done against due by month"),
        _("Per month of %(year)s, the occurrences of the obligations done and due.")
        % {"year": data["year"]},
        [_("done"), _("due")],
        [
            Group(
                month.strftime("%m-%Y"),
                compliance,
                [Bar(tally.done, str(tally.done)), Bar(tally.due, str(tally.due))],
            )
            for month, tally in zip(obligations.months, obligations.totals, strict=True)
        ],
    )
    team_board = reverse("teams:compliance", args=[slug])
    charts["teams"] = Chart(
        "teams",
        _("Team compliance"),
        _("Per agency, the problems of its teams and decrees."),
        [_("problems")],
        [
            Group(
                line.agency.name,
                team_board,
                [Bar(len(line.team_problems), str(len(line.team_problems)))],
            )
            for line in data["lines"]
        ],
    )
    charts["forms"] = Chart(
        "forms",
        _("Activities by form"),
        _("Activities done per form from %(start)s to %(end)s.")
        % {"start": data["start"].strftime("%d-%m-%Y"), "end": data["end"].strftime("%d-%m-%Y")},
        [_("activities")],
        [
            Group(
                form.name,
                _activities(slug, form=form.pk, start=start, end=end),
                [Bar(data["by_form"][form.pk], str(data["by_form"][form.pk]))],
            )
            for form in data["forms"]
        ],
    )
    charts["values"] = Chart(
        "values",
        _("Activities by value"),
        _(
            "Activities done per core value from %(start)s to %(end)s (an activity counts "
            "for each value it addressed)."
        )
        % {"start": data["start"].strftime("%d-%m-%Y"), "end": data["end"].strftime("%d-%m-%Y")},
        [_("activities")],
        [
            Group(
                value.name,
                _activities(slug, value=value.pk, start=start, end=end),
                [Bar(data["by_value"][value.pk], str(data["by_value"][value.pk]))],
            )
            for value in data["values"]
        ],
    )
    charts["years"] = Chart(
        "years",
        _("Activities year on year"),
        _("Activities done per year."),
        [_("activities")],
        [
            Group(
                str(year),
                _activities(slug, start=f"{year}-01-01", end=f"{year}-12-31"),
                [Bar(total, str(total))],
            )
            for year, total in data["years"]
        ],
    )
    return {key: layout(chart) for key, chart in charts.items()}


def heatmap(government: Government, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Agencies × forms: per cell the activities done, its shade and the link to them."""
    start, end = data["start"].isoformat(), data["end"].isoformat()
    return [
        {
            "agency": agency,
            "cells": [
                {
                    "count": count,
                    "level": heat_level(count, data["heat_max"]),
                    "url": _activities(
                        government.slug, unit=agency.pk, form=form.pk, start=start, end=end
                    ),
                }
                for form, count in cells
            ],
        }
        for agency, cells in data["heat"]
    ]


def value_heatmap(government: Government, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Agencies × values (issue 25): per cell the activities done that addressed the value, its
    shade and the link to them."""
    start, end = data["start"].isoformat(), data["end"].isoformat()
    return [
        {
            "agency": agency,
            "cells": [
                {
                    "count": count,
                    "level": heat_level(count, data["value_heat_max"]),
                    "url": _activities(
                        government.slug, unit=agency.pk, value=value.pk, start=start, end=end
                    ),
                }
                for value, count in cells
            ],
        }
        for agency, cells in data["value_heat"]
    ]


def heat_level(count: int, largest: int) -> int:
    """The shade of a heatmap cell, 0 (none) to 4 (the largest)."""
    if not count or not largest:
        return 0
    return min(4, 1 + (3 * count) // largest)
