"""Where survey results and participation show in other apps' pages, each one line in their
template (issue 22, Deliver 1 and 7): the dashboard's participation section, the agency's
monitoring report (where its rulebook names the source ``surveys``) and a role-model
nomination. Every figure is a released one (``Figure``) or a count of participation."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from budaya.dashboard.charts import Bar, Chart, Group, layout
from budaya.fragments import cached_fragment, frozen_fragment
from budaya.org.models import Unit
from budaya.surveys import feeds, participation
from budaya.surveys.anonymity import DEFAULT_K
from budaya.surveys.services import policy_of

register = template.Library()


def _report_evidence(report: Any, frozen: bool) -> str:
    if frozen:
        version = report.versions.filter(number=report.version).first()
        content = json.loads(version.canonical) if version else {}
        evidence = content.get("surveys")
    else:
        evidence = feeds.report_evidence(report)
    if evidence is None:
        return ""
    return render_to_string(
        "surveys/_report_evidence.html",
        {
            "evidence": evidence,
            "frozen": frozen,
            "shares": feeds.share_rows(evidence["participation"]),
            "floor": participation.PARTICIPATION_FLOOR,
        },
    )


@register.simple_tag
def survey_evidence(report: Any) -> SafeString:
    """The agency's survey results and participation on its report: the submitted version's
    (frozen with it) once the report has gone up, else today's. Kept (issue 25,
    ``budaya/fragments.py``): the frozen version's by report and version, for good; today's per
    government version and day."""
    from budaya.monev import selectors as monev

    if monev.is_frozen(report):
        return frozen_fragment(
            "surveys:report_evidence",
            report.government_id,
            (report.pk, report.version),
            lambda: _report_evidence(report, frozen=True),
        )
    return cached_fragment(
        "surveys:report_evidence",
        report.government_id,
        (report.pk, timezone.localdate()),
        lambda: _report_evidence(report, frozen=False),
    )


@register.inclusion_tag("surveys/_participation.html", takes_context=True)
def participation_section(context: Any, government: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's participation per agency (and, for an agency head, per unit of their
    agency), with a chart and its table; each figure opens who has not yet done it."""
    today = timezone.localdate()
    agencies = [line.agency for line in data["lines"]]
    units = list(agencies)
    if not data["city"] and agencies:
        units += list(
            Unit.objects.filter(
                government=government, parent__in=agencies, active_to__isnull=True
            ).order_by("path")
        )
    lines = participation.participation(
        government, units, start=data["start"], end=data["end"], today=today, kept=True
    )
    slug = government.slug

    def drill(unit: Unit, what: str) -> str:
        url = reverse("surveys:participation", args=[slug, unit.pk])
        return f"{url}?what={what}"

    rows = [
        {
            "line": line,
            "sub": line.unit.parent_id is not None,
            "links": {what: drill(line.unit, what) for what in participation.WHAT},
        }
        for line in lines
    ]
    chart = Chart(
        "participation",
        _("Participation by agency"),
        _(
            "Per agency, the share of employees who signed the commitment, confirmed this "
            "month's twibbon, and answered the pulses of the period."
        ),
        [_("commitment"), _("twibbon"), _("pulses")],
        [
            Group(
                line.unit.name,
                drill(line.unit, "commitment"),
                [_bar(line.commitment), _bar(line.twibbon), _bar(line.survey)],
            )
            for line in lines
        ],
        maximum=1,
    )
    return {
        "government": government,
        "rows": rows,
        "chart": layout(chart),
        "floor": participation.PARTICIPATION_FLOOR,
        "k": policy_of(government).k or DEFAULT_K,
        "month": today.replace(day=1),
        "start": data["start"],
        "end": data["end"],
    }


def _bar(rate: participation.Rate | None) -> Bar:
    if rate is None or rate.percent is None:
        return Bar(0, "–")
    flag = " ⚑" if rate.low else ""
    return Bar(rate.done / rate.of, f"{rate.text}{flag}")


@register.inclusion_tag("surveys/_role_model.html", takes_context=True)
def role_model_results(context: Any, designation: Any) -> dict[str, Any]:
    """A nominee's 360 results by rater group, only where a group reached k (else the words
    "fewer than k raters"); only for an employee nominated as a role model, and only to a reader
    of the employee's rounds."""
    if designation.kind != "role_model" or designation.employee_id is None:
        return {"rounds": None}
    user = context["request"].user
    government = context.get("government") or designation.government
    return {
        "rounds": feeds.role_model_rounds(user, government, designation.employee_id),
        "government": government,
    }
