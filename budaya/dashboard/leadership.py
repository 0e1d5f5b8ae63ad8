"""The leadership report of a period as a PDF (issue 20 item 4): what the head of government,
the regional secretary and the city administrator read on paper, from the same figures as the
dashboard (``selectors.dashboard``, its ``behind`` reasons) and the monitoring summary
(``monev.summary.period_lines``: reported on time, late or not at all).

Its parts, in the official form (docs/documents.md):

1. the letterhead of the government (``budaya/letterhead.py``), the title and the period;
2. the summary: agencies that reported on time, late or not at all, named; the maturity
   claimed against verified; reports by status; obligations done against due; follow-ups;
3. the ranking of the agencies (the rule: ``rank_key``);
4. the agencies needing attention and why: the dashboard's agencies behind, its reasons word
   for word (never a second rule);
5. the follow-ups of the head of government's directions (monev ``FollowUp``): the period's,
   and those of earlier periods still open, with their status and due dates;
6. appendices: one line per agency, and the dashboard's charts as SVG;
7. the place and date, the signature block of the rulebook's signatory for
   ``leadership_report`` (else the city report's forwarding office, else its signer) and the QR
   code of the version's page, which checks the file's hash; kept together on one page.

The document is in the interface's default language (Indonesian), whoever asked for it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from budaya import letterhead as kop
from budaya.activities.obligations import Tally
from budaya.dashboard import selectors
from budaya.dashboard.figures import STATUS_WORDS, charts_of
from budaya.dashboard.models import LeadershipReport
from budaya.monev import rules
from budaya.monev import services as monev_services
from budaya.monev.exports import local_only_fetcher, stylesheet_uri
from budaya.monev.models import FollowUp
from budaya.monev.summary import LATE, NOT_REPORTED, ON_TIME, period_lines
from budaya.org.models import Unit
from budaya.rulebook.document import RulebookDocument, Signatory
from budaya.rulebook.selectors import current_rulebook

STYLESHEET = "budaya/documents/leadership.css"
# The charts of the appendix, in the dashboard's order. Not the maturity by agency: a bar pair
# per agency is taller than a page for a city (33 agencies), and appendix A lists the same
# levels.
CHARTS = ("status", "on_time", "obligations", "forms")
# Where the signatory of the leadership report is read, first found first: its own entry, else
# the office that passes the city report up, else the city report's signer.
SIGNATORY_SLOTS = (
    ("leadership_report", "signs"),
    ("city_report", "forwards"),
    ("city_report", "signs"),
)
TIMELINESS = {ON_TIME: 0, LATE: 1, NOT_REPORTED: 2}


def signatory_of(book: RulebookDocument) -> Signatory | None:
    for document, position in SIGNATORY_SLOTS:
        found = book.monev.signatory(document, position)
        if found is not None:
            return found
    return None


@dataclass
class Ranked:
    """One agency in the ranking and the appendix."""

    agency: Unit
    reporting: str  # on_time, late, not_reported (monev.summary)
    submitted_at: datetime.datetime | None
    status: str  # the board's status (not_started, draft, ...)
    version: int | None
    claimed: int | None
    verified: int | None
    obligations: Tally | None
    team_problems: int
    activities: int
    rank: int = 0

    @property
    def status_text(self) -> str:
        return str(STATUS_WORDS[self.status])

    @property
    def obligations_share(self) -> float | None:
        if self.obligations is None or not self.obligations.due:
            return None
        return self.obligations.done / self.obligations.due

    @property
    def obligations_percent(self) -> int | None:
        share = self.obligations_share
        return None if share is None else round(100 * share)


def rank_key(row: Ranked) -> tuple[int, int, int, float]:
    """Best first: the verified maturity level, then the level claimed, then reporting on time
    (on time, late, not at all), then the share of obligations done. An agency without a
    figure comes after every agency with one."""
    share = row.obligations_share
    return (
        -(row.verified if row.verified is not None else -1),
        -(row.claimed if row.claimed is not None else -1),
        TIMELINESS[row.reporting],
        -(share if share is not None else -1.0),
    )


def ranking(rows: list[Ranked]) -> list[Ranked]:
    """The rows best first, numbered; equal figures share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda row: (rank_key(row), row.agency.name))
    previous = None
    for position, row in enumerate(ordered, start=1):
        key = rank_key(row)
        row.rank = position if key != previous else ordered[position - 2].rank
        previous = key
    return ordered


def _follow_ups(report: LeadershipReport, today: datetime.date) -> list[dict[str, Any]]:
    """The period's follow-ups, and those of other periods still open."""
    items = (
        FollowUp.objects.filter(government_id=report.government_id)
        .filter(Q(period=report.period) | Q(status=FollowUp.Status.OPEN))
        .select_related("unit", "period")
        .order_by("due_on", "unit__name", "pk")
    )
    return [
        {
            "item": item,
            "other_period": item.period_id != report.period_id,
            "overdue": item.overdue(today),
            "done_on": timezone.localdate(item.done_at) if item.done_at else None,
        }
        for item in items
    ]


def content(report: LeadershipReport, *, today: datetime.date) -> dict[str, Any]:
    """Everything the document shows, read as the user who asked for it reads the dashboard
    (a city role: every agency)."""
    government, period = report.government, report.period
    data = selectors.dashboard(report.requested_by, government, period=period, kind="", today=today)
    # A rulebook without a maturity table (T) has no levels to show or rank by.
    has_maturity = rules.book_of(period).monev.maturity is not None
    reporting = {line.agency.pk: line for line in period_lines(period)}
    activities = {agency.pk: sum(count for _form, count in cells) for agency, cells in data["heat"]}
    rows = []
    for line in data["lines"]:
        summary = line.summary
        found = reporting.get(line.agency.pk)
        rows.append(
            Ranked(
                agency=line.agency,
                reporting=found.status if found else NOT_REPORTED,
                submitted_at=found.submitted_at if found else None,
                status=line.status,
                version=summary.version if summary else None,
                # As submitted (``period_lines``): never a draft's answers.
                claimed=found.own_level if found and has_maturity else None,
                verified=found.verified_level if found and has_maturity else None,
                obligations=line.obligations,
                team_problems=len(line.team_problems),
                activities=activities.get(line.agency.pk, 0),
            )
        )
    appendix = sorted(rows, key=lambda row: row.agency.path)
    ranked = ranking(list(rows))
    follow_ups = _follow_ups(report, today)
    book = current_rulebook(government)
    signatory = signatory_of(book)
    name, nip = monev_services.signer_of(government, signatory.signer) if signatory else ("", "")
    verify_url = report.base_url + reverse("dashboard:report", args=[government.slug, report.pk])
    charts = charts_of(government, period, data)
    return {
        "report": report,
        "government": government,
        "period": period,
        "letterhead": kop.letterhead_of(government),
        "programme_name": book.words.programme_name.text,
        "head_title": book.head_of_government.title,
        "today": today,
        "data": data,
        "has_maturity": has_maturity,
        "header_rows": 2 if has_maturity else 1,
        "base_url": report.base_url,
        "named": {
            status: [row for row in appendix if row.reporting == status]
            for status in (ON_TIME, LATE, NOT_REPORTED)
        },
        "status_counts": [
            (STATUS_WORDS[status], count) for status, count in data["counts"].items()
        ],
        "ranked": ranked,
        "appendix": appendix,
        "behind": data["behind"],
        "follow_ups": follow_ups,
        "follow_up_counts": {
            "all": len(follow_ups),
            "done": sum(1 for f in follow_ups if f["item"].status == FollowUp.Status.DONE),
            "open": sum(1 for f in follow_ups if f["item"].status == FollowUp.Status.OPEN),
            "overdue": sum(1 for f in follow_ups if f["overdue"]),
        },
        "charts": [charts[key] for key in CHARTS if key in charts],
        "signatory": signatory,
        "signer_name": name,
        "signer_nip": nip,
        "place": monev_services.place_of(government),
        "verify_url": verify_url,
        "qr_uri": kop.qr_svg_uri(verify_url),
        "stylesheets": [stylesheet_uri(kop.STYLESHEET), stylesheet_uri(STYLESHEET)],
    }


def html(report: LeadershipReport, *, today: datetime.date) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        context = content(report, today=today)
        context["date"] = date_format(today, "j F Y")
        return render_to_string("dashboard/leadership_pdf.html", context)


def pdf(report: LeadershipReport, *, today: datetime.date) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import HTML

    document = HTML(  # type: ignore[no-untyped-call]
        string=html(report, today=today), url_fetcher=local_only_fetcher()
    ).render(presentational_hints=True)
    return bytes(document.write_pdf()), len(document.pages)
