"""Who may reach the routes of monitoring and evaluation (merged into the permission registry)."""

from __future__ import annotations

import datetime
from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    ALL_BUT_SYSTEM,
    CITY_ADMIN,
    SIGNED_IN,
    Access,
    Args,
    Foreign,
    other_agency,
    other_government,
)

AGENCY_TEAM = frozenset({Role.UNIT_HEAD, Role.UNIT_TEAM})
ACTING = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM})
CITY_READERS = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP})
LEADERSHIP = frozenset({Role.LEADERSHIP})
AGENCY_AND_EMPLOYEE = frozenset({Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE})
READERS = "city administrator and leadership: every agency; unit roles and employees: own agency"


def world(w: Any) -> None:
    """A yearly period in both governments; a report of the own agency (a draft with one row),
    of a second agency and of the second government, each with a frozen version; a city report
    in both governments; a follow-up of the own agency, of a second agency and of the second
    government."""
    from budaya.monev import services
    from budaya.monev.models import (
        CityReport,
        FollowUp,
        Period,
        Report,
        ReportRow,
        ReportVersion,
    )

    for government, key in ((w.government, ""), (w.other_government, "foreign_")):
        period = Period.objects.create(
            government=government,
            kind=Period.Kind.BERKALA,
            year=2025,
            title="Monev 2025",
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 12, 31),
            deadline=datetime.date(2025, 8, 31),
        )
        w.extras[f"{key}period"] = period
        content = services.canonical_json(services.city_content(period, [], 1))
        w.extras[f"{key}city_report"] = CityReport.objects.create(
            government=government,
            period=period,
            canonical=content,
            sha256=services.sha256_of(content),
        )
    for unit, key in (
        (w.agency, "report"),
        (w.other_agency, "other_report"),
        (w.foreign_agency, "foreign_report"),
    ):
        period = w.extras["foreign_period" if key.startswith("foreign") else "period"]
        report = Report.objects.create(government=unit.government, period=period, unit=unit)
        row = ReportRow.objects.create(
            government=unit.government,
            report=report,
            indicator=1,
            when="17-03-2025",
            activity_title="Apel pagi",
        )
        content = services.canonical_json(services.report_content(report))
        ReportVersion.objects.create(
            government=unit.government,
            report=report,
            number=1,
            canonical=content,
            sha256=services.sha256_of(content),
        )
        w.extras[key] = report
        w.extras[f"{key}_row"] = row
        city = w.extras["foreign_city_report" if key.startswith("foreign") else "city_report"]
        w.extras[key.replace("report", "follow_up")] = FollowUp.objects.create(
            government=unit.government,
            period=period,
            city=city,
            unit=unit,
            text="Perkuat apel pagi",
            due_on=datetime.date(2025, 12, 31),
        )


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _foreign_gov(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug}


def _in_gov(key: str, **more: Any) -> Args:
    return lambda w: {"slug": w.government.slug, "pk": w.extras[key].pk, **more}


def _in_foreign_gov(key: str, **more: Any) -> Args:
    return lambda w: {"slug": w.other_government.slug, "pk": w.extras[key].pk, **more}


def _row(prefix: str, slug: str) -> Args:
    def args(w: Any) -> dict[str, Any]:
        government = w.government if slug == "own" else w.other_government
        return {
            "slug": government.slug,
            "pk": w.extras[f"{prefix}report"].pk,
            "row": w.extras[f"{prefix}report_row"].pk,
        }

    return args


def _government_page(action: str, who: Any = ALL_BUT_SYSTEM, **extra: Any) -> Access:
    return Access(action, who, args=_gov, foreign=(other_government(_foreign_gov),), **extra)


def _period(action: str, who: Any = ALL_BUT_SYSTEM, **extra: Any) -> Access:
    return Access(
        action,
        who,
        args=_in_gov("period"),
        foreign=(other_government(_in_foreign_gov("foreign_period")),),
        **extra,
    )


def _report(
    action: str,
    who: Any = ALL_BUT_SYSTEM,
    *,
    hidden_from: frozenset[str] = frozenset({Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE}),
    **more: Any,
) -> Access:
    extra = {k: v for k, v in more.items() if k in ("method", "data", "scope")}
    kwargs = {k: v for k, v in more.items() if k not in extra}
    foreign: tuple[Foreign, ...] = (
        other_agency(_in_gov("other_report", **kwargs), hidden_from=hidden_from),
        other_government(_in_foreign_gov("foreign_report", **kwargs)),
    )
    return Access(action, who, args=_in_gov("report", **kwargs), foreign=foreign, **extra)


def _city(action: str, who: Any = CITY_READERS, **extra: Any) -> Access:
    return Access(
        action,
        who,
        args=_in_gov("city_report", **{k: v for k, v in extra.items() if k == "fmt"}),
        foreign=(
            other_government(
                _in_foreign_gov(
                    "foreign_city_report", **{k: v for k, v in extra.items() if k == "fmt"}
                )
            ),
        ),
        **{k: v for k, v in extra.items() if k != "fmt"},
    )


ROUTES: dict[str, Access] = {
    "monev:start": Access("Menu: monitoring and evaluation of one's government", SIGNED_IN),
    "monev:period_list": _government_page("Monitoring periods of a government", scope=READERS),
    "monev:period_create": _government_page(
        "Open a yearly or special period; set the default deadline", CITY_ADMIN
    ),
    "monev:period_edit": _period("Change a period's deadline, close it", CITY_ADMIN),
    "monev:board": _period("Completeness board of a period, days left", scope=READERS),
    "monev:maturity_overview": _period(
        "Maturity overview of a period: per agency its state, Tabel 2 figures, levels, scores",
        ACTING,
        scope="city administrator and leadership: every agency; unit head and team: own agency",
    ),
    "monev:maturity_overview_export": Access(
        "Export the maturity overview (XLSX)",
        ACTING,
        args=_in_gov("period", fmt="xlsx"),
        foreign=(other_government(_in_foreign_gov("foreign_period", fmt="xlsx")),),
        scope="city administrator and leadership: every agency; unit head and team: own agency",
    ),
    "monev:report_start": _period(
        "Start the agency's report for a period",
        AGENCY_TEAM,
        method="POST",
        scope="unit head and team: own agency",
    ),
    "monev:consolidate": _period(
        "Consolidate accepted reports into the city report", CITY_ADMIN, method="POST"
    ),
    "monev:overdue": _government_page(
        "Overdue reports (for the regional secretary)", CITY_READERS, scope="every agency"
    ),
    "monev:instrument": _government_page(
        "Evaluation instrument: load the regulation's, add questions", CITY_ADMIN
    ),
    "monev:report": _report("An agency report in the Tabel 1 layout", scope=READERS),
    "monev:report_pick": _report(
        "Add rows from the period's activity log", AGENCY_TEAM, scope="own agency"
    ),
    "monev:row_create": _report("Add a row to a draft report", AGENCY_TEAM, scope="own agency"),
    "monev:evidence_picker": _report(
        "The evidence picker of a draft report's row (search, month, page)",
        AGENCY_TEAM,
        scope="own agency",
    ),
    "monev:row_edit": Access(
        "Edit a row of a draft report",
        AGENCY_TEAM,
        args=_row("", "own"),
        foreign=(
            other_agency(_row("other_", "own"), hidden_from=AGENCY_AND_EMPLOYEE),
            other_government(_row("foreign_", "foreign")),
        ),
        scope="own agency",
    ),
    "monev:row_delete": Access(
        "Remove a row of a draft report (asks first)",
        AGENCY_TEAM,
        method="POST",
        args=_row("", "own"),
        foreign=(
            other_agency(_row("other_", "own"), hidden_from=AGENCY_AND_EMPLOYEE),
            other_government(_row("foreign_", "foreign")),
        ),
        scope="own agency",
    ),
    "monev:signatory": _report(
        "Place and signatory of a draft report", AGENCY_TEAM, scope="own agency"
    ),
    "monev:maturity": _report(
        "Maturity self-assessment (Tabel 2) and instrument scores; the city team verifies",
        scope=READERS,
    ),
    "monev:transition": _report(
        "Move a report: approve, submit, return, revise, accept (by role, as the rulebook's "
        "approval chain says)",
        ACTING,
        method="POST",
        scope="unit head and team: own agency; city administrator: every agency",
    ),
    "monev:versions": _report("Submitted versions, hash check and diff", scope=READERS),
    "monev:version": _report("One submitted version", number=1, scope=READERS),
    "monev:report_export": _report(
        "Export an agency report (XLSX, DOCX, PDF)", fmt="xlsx", scope=READERS
    ),
    "monev:city": _city("The city report and its hash"),
    "monev:city_move": _city(
        "Forward with a note, return with a reason, or acknowledge with a disposition and "
        "directions: only the office the rulebook's chain names for the step (leadership grant "
        "holding that office)",
        LEADERSHIP,
        method="POST",
    ),
    "monev:city_signatory": _city(
        "Place and signatory of the latest version of the city report", CITY_ADMIN, method="POST"
    ),
    "monev:city_export": _city("Export the city report (XLSX, DOCX, PDF)", fmt="xlsx"),
    "monev:follow_ups": _government_page(
        "Follow-ups of the leadership's directions (filter by agency and status)", scope=READERS
    ),
    "monev:follow_up": Access(
        "One follow-up; its agency reports it done with evidence",
        ALL_BUT_SYSTEM,
        args=_in_gov("follow_up"),
        foreign=(
            other_agency(_in_gov("other_follow_up"), hidden_from=AGENCY_AND_EMPLOYEE),
            other_government(_in_foreign_gov("foreign_follow_up")),
        ),
        scope=READERS,
    ),
}
