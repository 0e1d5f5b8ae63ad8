"""Drafting an agency's report from its activity log at the scale a busy agency has (issue 19,
Deliver 4): a year of daily apel is 233 activities, and the report form (S Lampiran D, Tabel 1)
wants it as one row, "Apel pagi: 233 kali, Januari–Desember", with a sample of its evidence.

The period's activities not yet in the report are grouped by form of activity (and by month when
asked), filtered by form, value, month and unit; each group is assigned to a row group of the
report form in one go. A group of one activity makes the row of that activity, as before; a larger
group makes one row that links every activity it stands for (``RowActivity``), so a submitted
version cites them all and a later edit of any shows on the row (issue 17).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.activities.models import Activity, ActivityEvidence, Evidence
from budaya.monev.models import Report, ReportRow, RowActivity, RowEvidence
from budaya.monev.services import (
    _editable,
    _row_data,
    _touch,
    group_numbers,
    period_activities,
)

# Evidence linked to a grouped row: a sample, newest first (the rest stays with the activities).
SAMPLE_EVIDENCE = 6
# Problems and solutions of a group's activities, joined: bounded like a typed cell.
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Filters:
    form: int | None = None
    value: int | None = None
    month: datetime.date | None = None  # the month's first day
    unit: int | None = None
    # How to group: "form" (over the whole period), "month" (form and month) or "activity"
    # (each activity its own row, for the one-off ones).
    by: str = "form"


@dataclass
class ActivityGroup:
    """The activities of one form (in one month when grouping by month) not yet in the report."""

    form_id: int
    form_name: str
    month: datetime.date | None
    # Set when grouping by activity: the group is that one activity.
    activity_id: int | None = None
    activity_ids: list[int] = field(default_factory=list)
    first: datetime.date | None = None
    last: datetime.date | None = None
    unit_names: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)
    # The sample's (pk, title, has a thumbnail), for the page.
    evidence: list[tuple[int, str, bool]] = field(default_factory=list)

    @property
    def key(self) -> str:
        if self.activity_id:
            return f"a{self.activity_id}"
        return f"{self.form_id}-{self.month:%Y%m}" if self.month else str(self.form_id)

    @property
    def count(self) -> int:
        return len(self.activity_ids)

    @property
    def sample_titles(self) -> list[str]:
        return sorted(set(self.titles))[:3]


def used_activity_ids(report: Report) -> set[int]:
    """The activities the report's rows already stand for."""
    single = report.rows.exclude(activity=None).values_list("activity_id", flat=True)
    grouped = RowActivity.objects.filter(
        government_id=report.government_id, row__report=report
    ).values_list("activity_id", flat=True)
    return set(single) | set(grouped)


def _filtered(report: Report, filters: Filters) -> Any:
    activities = period_activities(report)
    if filters.form:
        activities = activities.filter(form_id=filters.form)
    if filters.value:
        activities = activities.filter(value_links__value_id=filters.value)
    if filters.month:
        activities = activities.filter(
            date__year=filters.month.year, date__month=filters.month.month
        )
    if filters.unit:
        activities = activities.filter(unit_id=filters.unit)
    return activities


def activity_groups(report: Report, filters: Filters) -> list[ActivityGroup]:
    """The groups of the period's activities not yet in the report, largest first; three queries
    whatever the number of activities."""
    used = used_activity_ids(report)
    groups: dict[tuple[int, datetime.date | None, int | None], ActivityGroup] = {}
    rows = _filtered(report, filters).values_list(
        "pk", "date", "form_id", "form__name", "unit__name", "title"
    )
    for pk, day, form_id, form_name, unit_name, title in rows.distinct():
        if pk in used:
            continue
        month = day.replace(day=1) if filters.by == "month" else None
        single = pk if filters.by == "activity" else None
        group = groups.get((form_id, month, single))
        if group is None:
            group = ActivityGroup(form_id, form_name, month, single)
            groups[(form_id, month, single)] = group
        group.activity_ids.append(pk)
        group.first = min(group.first or day, day)
        group.last = max(group.last or day, day)
        group.unit_names.add(unit_name)
        group.titles.append(title)
    by_activity = {pk: group for group in groups.values() for pk in group.activity_ids}
    links = ActivityEvidence.objects.filter(
        government_id=report.government_id, activity_id__in=list(by_activity)
    ).order_by("-evidence__created_at", "-evidence_id")
    sample = links.values_list(
        "activity_id", "evidence_id", "evidence__title", "evidence__url", "evidence__thumbnail"
    )
    for activity_id, evidence_id, title, url, thumbnail in sample.iterator():
        group = by_activity[activity_id]
        if len(group.evidence_ids) < SAMPLE_EVIDENCE and evidence_id not in group.evidence_ids:
            group.evidence_ids.append(evidence_id)
            group.evidence.append((evidence_id, title or url, bool(thumbnail)))
    if filters.by == "activity":
        return list(groups.values())  # in the order of their dates
    return sorted(
        groups.values(),
        key=lambda g: (-g.count, g.form_name.casefold(), g.month or datetime.date.min),
    )


def month_span(first: datetime.date, last: datetime.date) -> str:
    """ "Maret 2026", "Januari–Desember 2026" or "November 2025–Februari 2026", in the site's
    language (the report's language, not the reader's)."""
    with translation.override(settings.LANGUAGE_CODE):
        if (first.year, first.month) == (last.year, last.month):
            return date_format(first, "F Y")
        if first.year == last.year:
            return f"{date_format(first, 'F')}–{date_format(last, 'F Y')}"
        return f"{date_format(first, 'F Y')}–{date_format(last, 'F Y')}"


def _joined(texts: Iterable[str]) -> str:
    seen: list[str] = []
    for text in texts:
        text = text.strip()
        if text and text not in seen:
            seen.append(text)
    joined = "; ".join(seen)
    return joined if len(joined) <= TEXT_LIMIT else joined[: TEXT_LIMIT - 1] + "…"


@transaction.atomic
def add_group_rows(
    *,
    report: Report,
    filters: Filters,
    picks: dict[str, int],
    acting_user: Any,
    request: HttpRequest | None = None,
) -> list[ReportRow]:
    """One row per picked group (``picks``: group key → row group number of the report form),
    the groups computed again here from the same filters, so nothing the browser sends can add
    another agency's or another period's activity. Evidence is linked, not copied."""
    _editable(report)
    numbers = set(group_numbers(report.period))
    if any(number not in numbers for number in picks.values()):
        raise ValidationError(_("The report form has no such group of rows."))
    chosen = [
        (group, picks[group.key])
        for group in activity_groups(report, filters)
        if group.key in picks
    ]
    if not chosen:
        return []
    activities = Activity.objects.in_bulk(
        [pk for group, _number in chosen for pk in group.activity_ids]
    )
    last = report.rows.order_by("-order").values_list("order", flat=True).first() or 0
    rows: list[ReportRow] = []
    for group, number in chosen:
        last += 1
        members = [activities[pk] for pk in group.activity_ids]
        rows.append(_group_row(report, group, members, number, last))
    _touch(report, acting_user)
    audit.record_many(
        acting_user,
        [(AuditAction.CREATE, row, None, _row_data(row, with_evidence=True)) for row in rows],
        request,
        government=report.government,
    )
    return rows


def _group_row(
    report: Report, group: ActivityGroup, members: list[Activity], number: int, order: int
) -> ReportRow:
    government = report.government
    single = members[0] if len(members) == 1 else None
    if single is not None:
        title = single.title
        when = single.date.strftime("%d-%m-%Y")
        form = f"{group.form_name}: {single.description}" if single.description else group.form_name
    else:
        title = _("%(form)s: %(count)d times") % {"form": group.form_name, "count": len(members)}
        when = month_span(group.first or members[0].date, group.last or members[-1].date)
        form = group.form_name
    row = ReportRow.objects.create(
        government=government,
        report=report,
        indicator=number,
        order=order,
        activity=single,
        when=when[:120],
        activity_title=title[:300],
        form=form,
        problems=_joined(activity.problems for activity in members),
        solutions=_joined(activity.solutions for activity in members),
    )
    if single is None:
        RowActivity.objects.bulk_create(
            RowActivity(government=government, row=row, activity=activity) for activity in members
        )
    RowEvidence.objects.bulk_create(
        RowEvidence(government=government, row=row, evidence_id=evidence_id)
        for evidence_id in group.evidence_ids
    )
    return row


def evidence_candidates(
    report: Report, *, query: str = "", month: datetime.date | None = None
) -> Any:
    """The agency's evidence for the picker, newest first, with the activities it documents:
    searchable by evidence or activity title, filterable by the activity's month."""
    evidence = Evidence.objects.filter(
        government=report.government, unit__path__startswith=report.unit.path
    )
    if query:
        evidence = evidence.filter(
            Q(title__icontains=query)
            | Q(original_name__icontains=query)
            | Q(activity_links__activity__title__icontains=query)
        )
    if month:
        evidence = evidence.filter(
            activity_links__activity__date__year=month.year,
            activity_links__activity__date__month=month.month,
        )
    return evidence.distinct().order_by("-created_at", "-pk")
