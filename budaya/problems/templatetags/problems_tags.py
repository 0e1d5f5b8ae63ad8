"""Where the problem-solving cycle shows in other apps' pages, each one line in their template:
the agency's programme (its approved actions), an activity (the action it carried out) and the
monitoring report (the KBKs' problems and results, and the maturity evidence they give). Nothing
shows where the government's rulebook does not apply problem solving."""

from __future__ import annotations

from typing import Any

from django import template

from budaya.problems import selectors
from budaya.rulebook.schema import EVIDENCE_SOURCES
from budaya.rulebook.selectors import current_rulebook, problem_solving_applies_in

register = template.Library()

SOURCE = EVIDENCE_SOURCES[0]  # "problem_solving"


def _applies(government_id: int) -> bool:
    return problem_solving_applies_in([government_id])


@register.inclusion_tag("problems/_programme_actions.html", takes_context=True)
def programme_actions(context: Any, programme: Any) -> dict[str, Any]:
    """T Lampiran II III: approved action plans become activities of the unit's plan."""
    if not _applies(programme.government_id):
        return {"applies": False}
    book = current_rulebook(programme.government)
    return {
        "applies": True,
        "government": programme.government,
        "programme": programme,
        "citation": book.cite(book.problem_solving),
        "actions": selectors.programme_actions(context["request"].user, programme),
    }


@register.inclusion_tag("problems/_activity_actions.html", takes_context=True)
def activity_actions(context: Any, activity: Any) -> dict[str, Any]:
    """The approved actions the activity carried out (T Lampiran II III: melaksanakan)."""
    if not _applies(activity.government_id):
        return {"links": []}
    return {
        "government": activity.government,
        "links": selectors.executed_actions(context["request"].user, activity),
    }


@register.inclusion_tag("problems/_report_results.html")
def report_results(report: Any) -> dict[str, Any]:
    """The KBKs' problems and results in the report's period (T Pasal 9(2)(c), (e)), and the
    maturity evidence items of the period's rulebook whose ``sources`` name problem solving."""
    from budaya.monev.rules import book_of

    period = report.period
    if not _applies(report.government_id):
        return {"results": None}
    maturity = book_of(period).monev.maturity
    evidence = [
        (indicator, item)
        for indicator in (maturity.indicators if maturity else ())
        for item in indicator.evidence
        if SOURCE in item.sources
    ]
    return {
        "government": report.government,
        "results": selectors.results_for_report(report.unit, period.starts_on, period.ends_on),
        "evidence": evidence,
    }
