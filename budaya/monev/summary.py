"""The summary of a city report (issue 19, item 1): what the head of government reads before
acknowledging. One selector for the page and the documents (``monev/_city_summary.html``).

- every agency of the period, named: reported on time (its first version submitted by the
  deadline), late, or not at all; whether this version holds its report, its version and rows;
- the maturity level by agency, claimed and verified, as submitted: an agency that has not
  submitted shows none, one revising a returned report its last submitted version's, and a report
  the version holds the level of the content it holds (never a draft's answers);
- the most frequent problems and solutions, and the rows by form of activity and by value, over
  the rows of the agency reports the version holds (frozen: those reports are accepted or later).

A fixed number of queries whatever the number of agencies or rows.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min
from django.utils import timezone

from budaya.activities.models import ActivityValue
from budaya.monev import rules
from budaya.monev.aggregates import maturity_figures
from budaya.monev.models import (
    CityReport,
    Period,
    ReportRow,
    ReportSummary,
    ReportVersion,
    State,
)
from budaya.org.models import Unit

# How many of the most frequent problems and solutions are shown.
TOP = 5

ON_TIME, LATE, NOT_REPORTED = "on_time", "late", "not_reported"


@dataclass
class AgencyLine:
    agency: Unit
    status: str
    submitted_at: datetime.datetime | None = None
    report_id: int | None = None
    # The version of its report this city report holds (None: not in it), and its rows.
    version: int | None = None
    rows: int = 0
    own_level: int | None = None
    verified_level: int | None = None


@dataclass
class CitySummary:
    deadline: datetime.date
    agencies: list[AgencyLine]
    problems: list[tuple[str, int]]
    solutions: list[tuple[str, int]]
    forms: list[tuple[str, int]]
    values: list[tuple[str, int]]
    has_maturity: bool
    top_level: int
    counts: dict[str, int] = field(default_factory=dict)

    def named(self, status: str) -> list[AgencyLine]:
        return [line for line in self.agencies if line.status == status]

    @property
    def on_time(self) -> list[AgencyLine]:
        return self.named(ON_TIME)

    @property
    def late(self) -> list[AgencyLine]:
        return self.named(LATE)

    @property
    def not_reported(self) -> list[AgencyLine]:
        return self.named(NOT_REPORTED)


def _frequent(texts: list[str]) -> list[tuple[str, int]]:
    """The most frequent texts, compared without case and surrounding spaces; shown as first
    written."""
    shown: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for text in texts:
        key = " ".join(text.split()).casefold()
        if key:
            shown.setdefault(key, " ".join(text.split()))
            counts[key] += 1
    return [(shown[key], count) for key, count in counts.most_common(TOP)]


def claimed_level(content: dict[str, Any]) -> int:
    """The agency's maturity level in a submitted version's content (its Tabel 2 answers)."""
    answers = [(a["indicator"], a["item"], a["answer"], None) for a in content.get("maturity", [])]
    return int(maturity_figures(answers)["own_level"])


def period_lines(period: Period) -> list[AgencyLine]:
    """Every agency of the period, named: reported on time (its first version submitted by the
    deadline), late, or not at all, with its maturity levels claimed and verified as submitted.
    The maintained ``ReportSummary`` holds the working copy's answers, which are the last
    submitted version's once the report is submitted; an agency that has not submitted shows no
    level, and one whose returned report is again in draft (or approved, not yet sent) the level
    of its last submitted version. Four queries whatever the number of agencies; the city
    report's summary and the leadership report (issue 20 item 4) both read it."""
    government_id = period.government_id
    summaries = {
        s.unit_id: s
        for s in ReportSummary.objects.filter(government_id=government_id, period=period)
    }
    first = dict(
        ReportVersion.objects.filter(government_id=government_id, report__period=period)
        .values("report__unit_id")
        .annotate(first=Min("submitted_at"))
        .values_list("report__unit_id", "first")
    )
    # A returned report back in the agency's hands counts its version on (services.transition):
    # its last submitted version is the one before.
    revising = {
        unit_id: claimed_level(json.loads(canonical))
        for unit_id, canonical in ReportVersion.objects.filter(
            government_id=government_id,
            report__period=period,
            report__state__in=[State.DRAFT, State.APPROVED],
            number=F("report__version") - 1,
        ).values_list("report__unit_id", "canonical")
    }
    end_of_deadline = datetime.datetime.combine(
        period.deadline + datetime.timedelta(days=1),
        datetime.time(),
        timezone.get_current_timezone(),
    )
    lines = []
    for agency in period.agencies():
        submitted = first.get(agency.pk)
        status = (
            NOT_REPORTED if submitted is None else ON_TIME if submitted < end_of_deadline else LATE
        )
        summary = summaries.get(agency.pk)
        line = AgencyLine(
            agency=agency,
            status=status,
            submitted_at=submitted,
            report_id=summary.report_id if summary else None,
        )
        if summary is not None and submitted is not None:
            line.own_level = revising.get(agency.pk, summary.own_level)
            line.verified_level = summary.verified_level
        lines.append(line)
    return lines


def city_summary(city: CityReport) -> CitySummary:
    """The summary of one version of the period's city report."""
    period = city.period
    content = json.loads(city.canonical)
    held = {item["unit"]["code"]: item for item in content["reports"]}
    lines = period_lines(period)
    for line in lines:
        item = held.get(line.agency.code)
        if item:
            line.version = item["version"]
            line.rows = len(item["content"]["rows"])
            if "maturity" in item["content"]:
                # The level of the version this city report holds.
                line.own_level = claimed_level(item["content"])
    held_ids = [line.report_id for line in lines if line.version is not None and line.report_id]
    rows = ReportRow.objects.filter(government=city.government, report_id__in=held_ids)
    texts = list(rows.values_list("problems", "solutions"))
    forms = (
        rows.exclude(activity=None)
        .values("activity__form__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "activity__form__name")
        .values_list("activity__form__name", "count")
    )
    values = (
        ActivityValue.objects.filter(
            government=city.government,
            activity_id__in=rows.exclude(activity=None).values("activity_id"),
        )
        .values("value__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "value__name")
        .values_list("value__name", "count")
    )
    maturity = rules.book_of(period).monev.maturity
    result = CitySummary(
        deadline=period.deadline,
        agencies=lines,
        problems=_frequent([problems for problems, _solutions in texts]),
        solutions=_frequent([solutions for _problems, solutions in texts]),
        forms=list(forms),
        values=list(values),
        has_maturity=maturity is not None,
        top_level=max((i.number for i in maturity.indicators), default=0) if maturity else 0,
    )
    result.counts = {
        ON_TIME: len(result.on_time),
        LATE: len(result.late),
        NOT_REPORTED: len(result.not_reported),
        "held": sum(1 for line in lines if line.version is not None),
        "rows": len(texts),
    }
    return result
