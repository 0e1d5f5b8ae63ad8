"""Demo data: a closed previous year and an open current year in both cities, with reports in
every state of the workflow (issue 8 item 7).

Rows come from each agency's logged activities (the activities demo runs first); where an agency
logged nothing in a period, one row is typed in. Steps are written as the services write them
(state, transition row, frozen version with its hash, audit entry), by the demo logins where
they exist (Dinas Kesehatan's team and head, the city administrator, the regional secretary and
the mayor). Idempotent: a government whose yearly period of a year exists is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, User
from budaya.monev import aggregates, services
from budaya.monev.models import (
    CityReport,
    Period,
    Report,
    ReportRow,
    ReportVersion,
    ReviewComment,
    State,
    Transition,
    default_deadline,
)
from budaya.org.models import Government, Unit
from budaya.rulebook import demo as rulebook_demo

GOVERNMENTS = ("kota-serang", "kota-tangerang")

# The current year: the state each agency's report reaches, in agency order; the rest have not
# started. "returned-revised" is a returned report the agency took back as version 2.
CURRENT = [
    "acknowledged",
    "acknowledged",
    "forwarded",
    "accepted",
    "accepted",
    "submitted",
    "returned",
    "returned-revised",
    "approved",
    "draft",
]


# The steps the city report takes the reports of these goals to, version by version (a report
# accepted after the latest version waits, accepted, for the next one).
CITY_STEPS = ("acknowledged", "forwarded")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


class _Actors:
    def __init__(self, government: Government) -> None:
        city = government.slug.removeprefix("kota-")
        self.admin = _user(f"admin.{city}")
        self.sekda = _user(f"sekda.{city}")
        self.mayor = _user(f"walikota.{city}")
        self.team = _user(f"tim.dinkes.{city}")
        self.head = _user(f"kepala.dinkes.{city}")

    def agency(self, unit: Unit, head: bool = False) -> User | None:
        if unit.code != "DINKES":
            return None
        return self.head if head else self.team


def _step(report: Report, target: str, actor: Any, note: str = "") -> None:
    source = report.state
    report.state = target
    report.save(update_fields=["state", "updated_at"])
    Transition.objects.create(
        government=report.government,
        report=report,
        source=source,
        target=target,
        version=report.version,
        actor=actor,
        note=note,
    )
    audit.record(
        actor,
        AuditAction.OTHER,
        report,
        {"state": source, "version": report.version},
        {"state": target, "version": report.version},
    )
    if target == State.SUBMITTED:
        content = services.canonical_json(services.report_content(report))
        version = ReportVersion.objects.create(
            government=report.government,
            report=report,
            number=report.version,
            canonical=content,
            sha256=services.sha256_of(content),
            submitted_by=actor,
        )
        services.cite_activities(version)  # as a submission does (issue 17)
        # As services.transition records it: verify_reports checks the hash against it.
        audit.record(
            actor,
            AuditAction.CREATE,
            version,
            after={"number": version.number, "sha256": version.sha256},
        )
    if target == State.DRAFT and source == State.RETURNED:
        report.version += 1
        report.save(update_fields=["version", "updated_at"])


def _prepare(period: Period, unit: Unit, actors: _Actors, index: int) -> Report:
    actor = actors.agency(unit)
    report = services.start_report(period, unit, actor)
    activities = list(services.period_activities(report)[:40])
    # The row groups of the government's own report form (its rulebook).
    groups = services.group_numbers(period)
    picks: list[tuple[Any, int]] = []
    seen_forms: set[int] = set()
    for activity in activities:
        if activity.form_id in seen_forms:
            continue
        seen_forms.add(activity.form_id)
        picks.append((activity, groups[len(picks) % len(groups)]))
        if len(picks) == 6:
            break
    services.add_rows_from_activities(report, picks, actor)
    if not picks:
        ReportRow.objects.create(
            government=period.government,
            report=report,
            indicator=groups[0],
            order=1,
            when=period.ends_on.strftime("%m-%Y"),
            activity_title="Pemasangan slogan nilai organisasi di ruang pelayanan",
            form="Spanduk dan poster",
            problems="Anggaran cetak terbatas",
            solutions="Menggunakan media digital dan papan informasi",
        )
    answers = list(report.maturity.order_by("indicator", "item"))
    met = 2 + index % 6  # some agencies further along than others
    for position, answer in enumerate(answers):
        answer.answer = position < met
        answer.save(update_fields=["answer"])
    for score in report.scores.select_related("question"):
        score.score = min(score.question.max_score, 2 + index % 3)
        score.save(update_fields=["score"])
    return report


def _drive(report: Report, goal: str, actors: _Actors) -> None:
    """Take a draft report up to ``goal`` (at most accepted; the city report does the rest)."""
    unit = report.unit
    if goal == "draft":
        return
    _step(report, State.APPROVED, actors.agency(unit, head=True))
    if goal == "approved":
        return
    _step(report, State.SUBMITTED, actors.agency(unit, head=True))
    if goal == "submitted":
        return
    if goal in ("returned", "returned-revised"):
        _step(report, State.RETURNED, actors.admin, "Data dukung belum lengkap")
        row = report.rows.order_by("indicator", "order").first()
        if row is not None:
            ReviewComment.objects.create(
                government=report.government,
                report=report,
                version=report.version,
                row_key=row.key,
                text="Lampirkan daftar hadir dan foto kegiatan.",
                author=actors.admin,
            )
        if goal == "returned-revised":
            _step(report, State.DRAFT, actors.agency(unit))
        return
    _step(report, State.ACCEPTED, actors.admin)
    for answer in report.maturity.all():
        answer.verified = answer.answer if answer.indicator < 4 else False
        answer.reason = (
            "" if answer.verified == bool(answer.answer) else "Belum ada evaluasi rutin."
        )
        answer.verified_by, answer.verified_at = actors.admin, timezone.now()
        answer.save()


def _city(
    period: Period,
    actors: _Actors,
    until: str,
    directions: list[services.Direction] | None = None,
) -> CityReport:
    """The next version of the period's city report, through the services: consolidated by
    the city administrator, forwarded by the regional secretary with a note, acknowledged by
    the head of government with a disposition and its directions."""
    city = services.consolidate(period, actors.admin)
    if not city.signatory_name:
        name, nip = services.person_of(actors.admin)
        city = services.save_city_signatory(
            city, place=city.place, name=name, nip=nip, actor=actors.admin
        )
    if until in ("forwarded", "acknowledged"):
        city = services.forward(
            city, actors.sekda, note="Mohon arahan atas hasil monitoring dan evaluasi."
        )
    if until == "acknowledged":
        city = services.acknowledge(
            city,
            actors.mayor,
            disposition="Tindak lanjuti temuan monitoring; laporkan pelaksanaannya.",
            directions=directions or [],
        )
    return city


def _period(government: Government, year: int, closed: bool, actor: Any) -> Period:
    period = services.create_period(
        government,
        kind=Period.Kind.BERKALA,
        year=year,
        title=f"Monev Budaya Kerja {year}",
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31),
        deadline=default_deadline(government, year),
        actor=actor,
    )
    if closed:
        period.closed = True
        period.save(update_fields=["closed"])
    return period


@transaction.atomic
def _seed(government: Government) -> str:
    actors = _Actors(government)
    services.seed_instrument(government, actors.admin)
    year = timezone.localdate().year
    agencies = list(
        Unit.objects.filter(
            government=government, parent__isnull=True, active_to__isnull=True
        ).order_by("code")
    )
    # DINKES first: its demo logins walk the live steps.
    agencies.sort(key=lambda unit: unit.code != "DINKES")

    previous = _period(government, year - 1, closed=False, actor=actors.admin)
    done = []
    for index, unit in enumerate(agencies[:8]):
        report = _prepare(previous, unit, actors, index)
        _drive(report, "accepted", actors)
        done.append(report)
    due = timezone.localdate() + datetime.timedelta(days=60)
    _city(
        previous,
        actors,
        "acknowledged",
        [
            services.Direction(
                unit=unit, text="Lengkapi dokumen internalisasi nilai budaya kerja.", due_on=due
            )
            for unit in agencies[:2]
        ],
    )
    previous.closed = True
    previous.save(update_fields=["closed"])

    current = _period(government, year, closed=False, actor=actors.admin)
    # DINKES is the one in draft, so its team can carry on in the demo.
    reports: dict[str, list[Report]] = {}
    for index, (unit, goal) in enumerate(zip(agencies[1:], CURRENT[:-1], strict=False)):
        reports.setdefault(goal, []).append(_prepare(current, unit, actors, index))
    # The period's one city report: version 1 acknowledged, version 2 (with the reports
    # accepted since) forwarded; the reports accepted after it wait for the next version.
    for goal in CITY_STEPS:
        for report in reports.get(goal, []):
            _drive(report, "accepted", actors)
        if reports.get(goal):
            _city(current, actors, goal)
    for goal, waiting in reports.items():
        if goal not in CITY_STEPS:
            for report in waiting:
                _drive(report, goal, actors)
    dinkes = _prepare(current, agencies[0], actors, 0)
    reports.setdefault("draft", []).append(dinkes)
    aggregates.rebuild(government)  # the steps above bypassed the services
    states = sorted({r.state for r in Report.objects.filter(period=current)})
    return (
        f"{government.name}: monev {year - 1} closed ({len(done)} reports acknowledged), "
        f"{year} open ({sum(len(v) for v in reports.values())} reports: {', '.join(states)})"
    )


def seed() -> list[str]:
    # Each city's periods are made under its own rulebook: load it first (idempotent; the
    # rulebook app's own demo step then finds it there).
    lines: list[str] = rulebook_demo.seed()
    year = timezone.localdate().year
    for slug in GOVERNMENTS:
        government = Government.objects.filter(slug=slug).first()
        if government is None:
            continue
        if Period.objects.filter(government=government, kind="berkala", year=year).exists():
            lines.append(f"{government.name}: monitoring periods already there")
            continue
        lines.append(_seed(government))
    return lines
