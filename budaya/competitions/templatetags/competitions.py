"""``{% competition_results report %}``: the awards an agency won in the report's monitoring
period, as evidence on its report's pages (monev loads this tag; it imports nothing of
competitions), with the maturity evidence items of the period's rulebook whose ``sources`` name
competitions (S Tabel 2 indicators 3.b and 4.b count a "lomba Budaya Kerja")."""

from __future__ import annotations

from typing import Any

from django import template

from budaya.competitions.feeds import cited_items
from budaya.competitions.selectors import results_for_designation, results_for_unit

register = template.Library()


@register.inclusion_tag("competitions/_report_results.html")
def competition_results(report: Any) -> dict[str, Any]:
    from budaya.monev.rules import book_of

    awards = results_for_unit(report.unit, report.period)
    return {
        "awards": awards,
        "items": cited_items(book_of(report.period)) if awards else [],
    }


@register.inclusion_tag("competitions/_designation_results.html")
def designation_results(designation: Any) -> dict[str, Any]:
    """``{% designation_results designation %}`` (teams loads this tag): the competitions the
    designated employee's or unit's teams won, evidence for the role-model designation."""
    return {"awards": results_for_designation(designation)}
