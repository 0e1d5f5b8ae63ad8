"""The province and national views (issue 20 item 5): a province sees its governments, the
country sees its provinces, from the maintained rollups only (``GovernmentPeriod``,
``GovernmentMonth``; ``budaya/dashboard/rollup.py``), never from activities or reports.

A government belongs to the province whose Kemendagri code starts its own (Permendagri 58/2021:
"36.71" lies in province "36"; a province's own government has the code "36"). Who reads:

- the national view: the system administrator (the installation's operator), who reads figures
  of every government but no content (docs/permissions.md);
- a province's view: the system administrator, and the city administrator and leadership of the
  province's own government (a government of kind "provinsi" with the province's code: the
  governor's office, which supervises the regencies and cities of its province). They read the
  figures only; a government's dashboard stays for those who hold a role there.

The number of queries does not depend on the number of governments or provinces.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from budaya.accounts.models import Role
from budaya.dashboard import selectors
from budaya.dashboard.charts import Bar, Chart, Group, layout
from budaya.dashboard.figures import STATUS_WORDS
from budaya.dashboard.models import GovernmentMonth, GovernmentPeriod
from budaya.dashboard.rollup import STATUSES
from budaya.monev.models import Period
from budaya.org.models import Government

# The provinces by Kemendagri code (Permendagri 58/2021 and the laws of 2022 forming the four
# new provinces of Papua): national reference data, the same for every government.
PROVINCES = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}
# The city roles of a province's own government read the province's view.
PROVINCE_ROLES = (Role.CITY_ADMIN, Role.LEADERSHIP)


def province_of(code: str) -> str:
    """The province part of a Kemendagri code ("36.71" → "36")."""
    return code.split(".", 1)[0]


def province_name(code: str) -> str:
    name = PROVINCES.get(code)
    return (
        _("Province %(name)s") % {"name": name} if name else _("Province %(code)s") % {"code": code}
    )


# --- Who reads ---------------------------------------------------------------------------------


def reads_national(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN))


def provinces_read_by(user: Any) -> list[str]:
    """The province codes whose view ``user`` reads as the city administrator or leadership of
    the province's own government (the system administrator reads every one)."""
    if not user.is_authenticated:
        return []
    return sorted(
        set(
            Government.objects.visible_to(user, roles=list(PROVINCE_ROLES))
            .filter(kind=Government.Kind.PROVINSI)
            .values_list("kemendagri_code", flat=True)
        )
    )


def reads_province(user: Any, code: str) -> bool:
    return reads_national(user) or code in provinces_read_by(user)


# --- Figures -----------------------------------------------------------------------------------


@dataclass
class Line:
    """A government (in a province's view) or a province (in the national view)."""

    key: str
    label: str
    url: str  # its own view, or "" where the reader may not open it
    governments: int = 1
    agencies: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    on_time: int = 0
    late: int = 0
    claimed: float | None = None
    verified: float | None = None
    activities: int = 0
    reported: bool = False  # has a yearly period this year
    rank: int = 0

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.agencies if self.agencies else 0.0

    @property
    def on_time_text(self) -> str:
        return f"{round(100 * self.on_time_share)}% ({self.on_time}/{self.agencies})"


def _sums(today: datetime.date) -> dict[str, Any]:
    """The columns a line adds up, as SQL sums over ``GovernmentPeriod`` rows; "late" counts the
    reports not submitted of the periods whose deadline has passed."""
    late = Case(
        When(
            deadline__lt=today,
            then=F("not_started") + F("draft") + F("returned"),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return {
        "agencies_sum": Sum("agencies"),
        **{f"{status}_sum": Sum(status) for status in STATUSES},
        "on_time_sum": Sum("on_time"),
        "late_sum": Sum(late),
        "claimed_total_sum": Sum("claimed_total"),
        "claimed_count_sum": Sum("claimed_count"),
        "verified_total_sum": Sum("verified_total"),
        "verified_count_sum": Sum("verified_count"),
        "governments_sum": Count("pk"),
    }


def _fill(line: Line, row: dict[str, Any] | None) -> None:
    if not row:
        return
    line.reported = True
    line.agencies = row["agencies_sum"] or 0
    line.counts = {status: row[f"{status}_sum"] or 0 for status in STATUSES}
    line.on_time = row["on_time_sum"] or 0
    line.late = row["late_sum"] or 0
    claimed, verified = row["claimed_count_sum"] or 0, row["verified_count_sum"] or 0
    line.claimed = round(row["claimed_total_sum"] / claimed, 1) if claimed else None
    line.verified = round(row["verified_total_sum"] / verified, 1) if verified else None


def _rank(lines: list[Line]) -> list[Line]:
    """Best first: the share of reports on time, then the verified and claimed levels; lines
    without a yearly period this year last."""
    ordered = sorted(
        lines,
        key=lambda line: (
            not line.reported,
            -line.on_time_share,
            -(line.verified or 0),
            -(line.claimed or 0),
            line.label,
        ),
    )
    for number, line in enumerate(ordered, start=1):
        line.rank = number
    return ordered


def _yearly(year: int) -> QuerySet[GovernmentPeriod]:
    # S Lampiran D: the yearly (berkala) period is the one every government reports in; one
    # per government and year (``create_period``).
    return GovernmentPeriod.objects.filter(year=year, kind=Period.Kind.BERKALA)


def _months(rows: list[tuple[datetime.date, int]], year: int) -> list[tuple[datetime.date, int]]:
    totals: dict[datetime.date, int] = {}
    for month, total in rows:
        totals[month] = totals.get(month, 0) + (total or 0)
    return [
        (datetime.date(year, number, 1), totals.get(datetime.date(year, number, 1), 0))
        for number in range(1, 13)
    ]


def years_of(governments: QuerySet[Government] | None, today: datetime.date) -> list[int]:
    """The years with a yearly period (among ``governments``; all when None), this year too."""
    rows = GovernmentPeriod.objects.filter(kind=Period.Kind.BERKALA)
    if governments is not None:
        rows = rows.filter(government__in=governments)
    years = set(rows.values_list("year", flat=True).distinct())
    years.add(today.year)
    return sorted(years, reverse=True)


def in_province(code: str) -> QuerySet[Government]:
    return Government.objects.filter(
        Q(kemendagri_code__startswith=f"{code}.") | Q(kemendagri_code=code)
    )


def province_view(user: Any, code: str, year: int, today: datetime.date) -> dict[str, Any]:
    """A province's governments in figures, ranked; each links to its dashboard when the user
    reads it there."""
    governments = list(in_province(code).order_by("name"))
    ids = [government.pk for government in governments]
    readable = set(selectors.governments_read_by(user).values_list("pk", flat=True))
    periods: dict[int, dict[str, Any]] = {
        row["government_id"]: dict(row)
        for row in _yearly(year)
        .filter(government_id__in=ids)
        .values("government_id")
        .annotate(**_sums(today))
        .order_by()
    }
    activity_rows = list(
        GovernmentMonth.objects.filter(
            government_id__in=ids,
            month__gte=datetime.date(year, 1, 1),
            month__lte=datetime.date(year, 12, 1),
        ).values_list("government_id", "month", "activities")
    )
    per_government: dict[int, int] = {}
    for government_id, _month, done in activity_rows:
        per_government[government_id] = per_government.get(government_id, 0) + done
    lines = []
    for government in governments:
        line = Line(
            government.slug,
            government.name,
            reverse("dashboard:government", args=[government.slug])
            if government.pk in readable
            else "",
        )
        _fill(line, periods.get(government.pk))
        line.activities = per_government.get(government.pk, 0)
        lines.append(line)
    lines = _rank(lines)
    total = _total(lines)
    months = _months([(month, n) for _g, month, n in activity_rows], year)
    return {
        "lines": lines,
        "total": total,
        "months": months,
        "charts": _charts(
            lines, total, months, year, per=_("Per government"), unit=_("governments")
        ),
    }


def national_view(year: int, today: datetime.date) -> dict[str, Any]:
    """The provinces in figures, ranked, each linking to its view."""
    province = Left("government__kemendagri_code", 2)
    counts = dict(
        Government.objects.annotate(province=Left("kemendagri_code", 2))
        .values("province")
        .annotate(count=Count("pk"))
        .values_list("province", "count")
        .order_by()
    )
    periods: dict[str, dict[str, Any]] = {
        row["province"]: dict(row)
        for row in _yearly(year)
        .annotate(province=province)
        .values("province")
        .annotate(**_sums(today))
        .order_by()
    }
    month_rows = list(
        GovernmentMonth.objects.filter(
            month__gte=datetime.date(year, 1, 1), month__lte=datetime.date(year, 12, 1)
        )
        .annotate(province=province)
        .values_list("province", "month")
        .annotate(total=Sum("activities"))
        .order_by()
    )
    per_province: dict[str, int] = {}
    for code, _month, total in month_rows:
        per_province[code] = per_province.get(code, 0) + (total or 0)
    lines = []
    for code in sorted(set(counts) | set(periods)):
        line = Line(
            code,
            province_name(code),
            reverse("dashboard:province", args=[code]),
            governments=counts.get(code, 0),
        )
        _fill(line, periods.get(code))
        line.activities = per_province.get(code, 0)
        lines.append(line)
    lines = _rank(lines)
    total = _total(lines)
    months = _months([(month, n) for _c, month, n in month_rows], year)
    return {
        "lines": lines,
        "total": total,
        "months": months,
        "charts": _charts(lines, total, months, year, per=_("Per province"), unit=_("provinces")),
    }


def _total(lines: list[Line]) -> Line:
    total = Line("", _("Total"), "", governments=sum(line.governments for line in lines))
    total.agencies = sum(line.agencies for line in lines)
    total.counts = {
        status: sum(line.counts.get(status, 0) for line in lines) for status in STATUSES
    }
    total.on_time = sum(line.on_time for line in lines)
    total.late = sum(line.late for line in lines)
    total.activities = sum(line.activities for line in lines)
    total.reported = any(line.reported for line in lines)
    return total


def _level(value: float | None, missing: str) -> str:
    """An average level as the table writes it ("2,5" in Indonesian)."""
    return number_format(value, 1) if value is not None else missing


def _charts(
    lines: list[Line],
    total: Line,
    months: list[tuple[datetime.date, int]],
    year: int,
    *,
    per: str,
    unit: str,
) -> dict[str, Chart]:
    reported = [line for line in lines if line.reported]
    charts = {
        "on_time": Chart(
            "on_time",
            _("Reports on time"),
            _(
                "%(per)s, ranked: the share of agencies that submitted the %(year)s yearly "
                "report by the deadline."
            )
            % {"per": per, "year": year},
            [_("on time")],
            [
                Group(line.label, line.url, [Bar(line.on_time_share, line.on_time_text)])
                for line in reported
            ],
            maximum=1,
        ),
        "maturity": Chart(
            "maturity",
            _("Maturity claimed and verified"),
            _("%(per)s: the average maturity level the agencies claim and the average verified.")
            % {"per": per},
            [_("claimed"), _("verified")],
            [
                Group(
                    line.label,
                    line.url,
                    [
                        Bar(
                            line.claimed or 0,
                            _level(line.claimed, _("no report")),
                        ),
                        Bar(
                            line.verified or 0,
                            _level(line.verified, _("not verified")),
                        ),
                    ],
                )
                for line in reported
            ],
        ),
        "status": Chart(
            "status",
            _("Reports by status"),
            _("How many agencies' %(year)s yearly reports are in each status, over all %(unit)s.")
            % {"year": year, "unit": unit},
            [_("agencies")],
            [
                Group(
                    str(STATUS_WORDS[status]),
                    "",
                    [Bar(total.counts.get(status, 0), str(total.counts.get(status, 0)))],
                )
                for status in STATUSES
            ]
            if total.reported
            else [],
        ),
        "months": Chart(
            "months",
            _("Activities done by month"),
            _("Activities done per month of %(year)s, over all %(unit)s.")
            % {"year": year, "unit": unit},
            [_("activities")],
            [
                Group(month.strftime("%m-%Y"), "", [Bar(count, str(count))])
                for month, count in months
            ],
        ),
    }
    return {key: layout(chart) for key, chart in charts.items()}
