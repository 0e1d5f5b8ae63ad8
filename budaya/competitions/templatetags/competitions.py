"""``{% competition_results unit period %}``: the awards an agency won in a monitoring period, as
evidence on its report's pages (monev loads this tag; it imports nothing of competitions)."""

from __future__ import annotations

from typing import Any

from django import template

from budaya.competitions.selectors import results_for_unit

register = template.Library()


@register.inclusion_tag("competitions/_report_results.html")
def competition_results(unit: Any, period: Any) -> dict[str, Any]:
    return {"awards": results_for_unit(unit, period)}
