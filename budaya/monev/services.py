"""Every write of monitoring and evaluation, each in one transaction with its audit entry."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role, RoleGrant
from budaya.accounts.selectors import people_of, people_over
from budaya.activities.models import Activity, Evidence
from budaya.events import announce
from budaya.monev import aggregates, rules
from budaya.monev.models import (
    CitedActivity,
    CityReport,
    Instrument,
    MaturityAnswer,
    MaturityEvidence,
    Period,
    PeriodUnit,
    Question,
    Reminder,
    Report,
    ReportRow,
    ReportVersion,
    ReviewComment,
    RowActivity,
    RowEvidence,
    Score,
    State,
    Transition,
)
from budaya.monev.rules import Move, book_of
from budaya.org.models import Government, Unit
from budaya.rulebook.selectors import current_rulebook, current_version_id

log = logging.getLogger(__name__)

# --- Settings and periods ------------------------------------------------------------------------


@transaction.atomic
def set_deadline(
    government: Government, month: int, day: int, actor: Any, request: HttpRequest | None = None
) -> int:
    """Change the default deadline of the yearly report: it is the rulebook's ``monev.deadline``,
    so this writes the rulebook's next version (the government's own choice, audited there); the
    periods made before keep theirs. Returns the rulebook's version number."""
    import copy

    from budaya.rulebook import services as rulebook
    from budaya.rulebook.selectors import forget

    try:
        datetime.date(2024, month, day)
    except ValueError as error:
        raise ValidationError(_("Not a day of the year.")) from error
    book = current_rulebook(government)
    content = copy.deepcopy(book.content)
    deadline = content.setdefault("monev", {}).setdefault("deadline", {})
    if (deadline.get("month"), deadline.get("day")) == (month, day):
        return book.version_number
    deadline.update(
        month=month,
        day=day,
        choice="government",
        note=_("Set on the monitoring page."),
    )
    result = rulebook.import_rulebook(
        government=government,
        text=rulebook.to_yaml(content),
        acting_user=actor,
        note=_("Default deadline of the yearly report: %(day)d-%(month)d.")
        % {"day": day, "month": month},
        source_name="monev",
    )
    forget(government)
    return result.version.number if result.version is not None else book.version_number


@transaction.atomic
def create_period(
    government: Government,
    *,
    kind: str,
    year: int,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    deadline: datetime.date,
    units: Iterable[Unit] = (),
    actor: Any,
    request: HttpRequest | None = None,
) -> Period:
    if ends_on < starts_on:
        raise ValidationError(_("The period ends before it starts."))
    if (
        kind == Period.Kind.BERKALA
        and Period.objects.filter(government=government, kind=kind, year=year).exists()
    ):
        raise ValidationError(_("This year already has its yearly period."))
    period = Period.objects.create(
        government=government,
        kind=kind,
        year=year,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=deadline,
        rulebook_version_id=current_version_id(government),
    )
    chosen = [unit for unit in units if unit.government_id == government.pk]
    PeriodUnit.objects.bulk_create(
        [PeriodUnit(government=government, period=period, unit=unit) for unit in chosen]
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        period,
        after={
            **audit.snapshot(period, ["kind", "year", "title", "starts_on", "ends_on", "deadline"]),
            "units": [unit.code for unit in chosen],
            "rulebook_version": period.rulebook_version_id,
        },
        request=request,
    )
    return period


@transaction.atomic
def update_period(
    period: Period, *, deadline: datetime.date, closed: bool, actor: Any, request: Any = None
) -> Period:
    before = audit.snapshot(period, ["deadline", "closed"])
    period.deadline, period.closed = deadline, closed
    period.save(update_fields=["deadline", "closed"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        period,
        before,
        audit.snapshot(period, ["deadline", "closed"]),
        request,
    )
    return period


# --- Starting and editing a report ---------------------------------------------------------------


def team_chair(unit: Unit | None, government: Government) -> tuple[str, str]:
    """Name and NIP of the chair of the agency's (or, with no unit, the city's) current team."""
    try:
        from budaya.teams.models import Membership

        memberships = Membership.objects.filter(
            government=government,
            role__chart_place="chair",
            end_on__isnull=True,
            team__dissolved_on__isnull=True,
        ).select_related("employee")
        if unit is None:
            memberships = memberships.filter(team__unit__isnull=True)
        else:
            memberships = memberships.filter(team__unit=unit)
        chair = memberships.order_by("-start_on", "pk").first()
    except Exception:  # the teams app is optional here
        log.exception("team chair lookup failed")
        return "", ""
    if chair is None:
        return "", ""
    employee = chair.employee
    return str(getattr(employee, "full_name", "") or employee.name), str(employee.nip or "")


def agency_head(unit: Unit) -> tuple[str, str]:
    """Name and NIP of the head of the agency: the unit head's account linked to an employee,
    else the employee of the agency with the highest echelon, else nobody."""
    grant = (
        RoleGrant.objects.filter(
            government_id=unit.government_id,
            role=Role.UNIT_HEAD,
            unit=unit,
            user__employee__isnull=False,
        )
        .select_related("user__employee")
        .order_by("pk")
        .first()
    )
    if grant is not None:
        return person_of(grant.user)
    from budaya.org.models import Employee

    heads = Employee.objects.filter(government_id=unit.government_id, unit=unit).exclude(echelon="")
    head = min(heads, key=lambda e: (e.echelon, e.pk), default=None)
    if head is None:
        return "", ""
    return str(head.full_name or head.name), str(head.nip or "")


def office_holder(government: Government, office: str) -> tuple[str, str]:
    """Name and NIP of whoever holds an office of the rulebook (the leadership grant's user,
    through the employee linked to the account), or blanks."""
    grant = (
        RoleGrant.objects.filter(government=government, role=Role.LEADERSHIP, office=office)
        .select_related("user", "user__employee")
        .order_by("pk")
        .first()
    )
    if grant is None:
        return "", ""
    return person_of(grant.user)


def person_of(user: Any) -> tuple[str, str]:
    """A user's name and NIP as a signature shows them."""
    if user is None:
        return "", ""
    employee = getattr(user, "employee", None)
    if employee is not None:
        return str(getattr(employee, "full_name", "") or employee.name), str(employee.nip or "")
    return user.get_full_name() or user.get_username(), ""


def signer_of(government: Government, signer: str, unit: Unit | None = None) -> tuple[str, str]:
    """Name and NIP of a signatory of the rulebook (``monev.signatories[].signer``)."""
    if signer == "agency_team_chair":
        return team_chair(unit, government)
    if signer == "city_team_chair":
        return team_chair(None, government)
    if signer == "agency_head":
        return agency_head(unit) if unit is not None else ("", "")
    return office_holder(government, signer)


def place_of(government: Government) -> str:
    return government.name.removeprefix("Kota ").removeprefix("Kabupaten ")


@transaction.atomic
def start_report(
    period: Period, unit: Unit, actor: Any, request: HttpRequest | None = None
) -> Report:
    if period.closed:
        raise ValidationError(_("This period is closed."))
    if not period.agencies().filter(pk=unit.pk).exists():
        raise ValidationError(_("This agency does not report in this period."))
    existing = Report.objects.filter(government=period.government, period=period, unit=unit)
    if existing.exists():
        return existing.get()
    book = book_of(period)
    signatory = book.monev.signatory("agency_report", "signs")
    name, nip = signer_of(
        period.government, signatory.signer if signatory else "agency_team_chair", unit
    )
    report = Report.objects.create(
        government=period.government,
        period=period,
        unit=unit,
        place=place_of(period.government),
        signatory_name=name,
        signatory_nip=nip,
        created_by=actor,
        prepared_by=actor,
    )
    maturity = book.monev.maturity
    MaturityAnswer.objects.bulk_create(
        [
            MaturityAnswer(
                government=period.government,
                report=report,
                indicator=indicator.number,
                item=evidence.item,
            )
            for indicator in (maturity.indicators if maturity else ())
            for evidence in indicator.evidence
        ]
    )
    instrument = Instrument.objects.filter(government=period.government, active=True).first()
    if instrument is not None:
        Score.objects.bulk_create(
            [
                Score(government=period.government, report=report, question=question)
                for question in instrument.questions.all()
            ]
        )
    aggregates.refresh(report)
    audit.record(
        actor,
        AuditAction.CREATE,
        report,
        after={"period": period.title, "unit": unit.code, "state": report.state},
        request=request,
    )
    return report


def group_numbers(period: Period) -> list[int]:
    """The numbers of the report form's row groups (a row's ``indicator``)."""
    return [group.number for group in book_of(period).monev.report_form.row_groups]


def _editable(report: Report) -> None:
    if not report.editable:
        raise ValidationError(_("Only a draft can be changed."))


def period_activities(report: Report) -> Any:
    """The activities of the agency (and its sub-units) done within the period."""
    return (
        Activity.objects.filter(
            government=report.government,
            unit__path__startswith=report.unit.path,
            date__gte=report.period.starts_on,
            date__lte=report.period.ends_on,
            status=Activity.Status.DONE,
        )
        .select_related("form", "unit")
        .order_by("date", "pk")
    )


def _when(activity: Activity) -> str:
    return activity.date.strftime("%d-%m-%Y")


def _touch(report: Report, actor: Any) -> None:
    report.prepared_by = actor
    report.save(update_fields=["prepared_by", "updated_at"])


@transaction.atomic
def add_rows_from_activities(
    report: Report,
    picks: Iterable[tuple[Activity, int]],
    actor: Any,
    request: HttpRequest | None = None,
) -> list[ReportRow]:
    """One row per picked activity under the chosen indicator; its evidence linked, not copied."""
    _editable(report)
    allowed = set(period_activities(report).values_list("pk", flat=True))
    groups = group_numbers(report.period)
    last = report.rows.order_by("-order").values_list("order", flat=True).first() or 0
    rows: list[ReportRow] = []
    for activity, indicator in picks:
        if activity.pk not in allowed or indicator not in groups:
            continue
        last += 1
        form = activity.form.name
        if activity.description:
            form = f"{form}: {activity.description}"
        row = ReportRow.objects.create(
            government=report.government,
            report=report,
            indicator=indicator,
            order=last,
            activity=activity,
            when=_when(activity),
            activity_title=activity.title[:300],
            form=form,
            problems=activity.problems,
            solutions=activity.solutions,
        )
        RowEvidence.objects.bulk_create(
            [
                RowEvidence(government=report.government, row=row, evidence_id=evidence_id)
                for evidence_id in activity.evidence_links.values_list("evidence_id", flat=True)
            ]
        )
        rows.append(row)
    if rows:
        _touch(report, actor)
        audit.record_many(
            actor,
            [(AuditAction.CREATE, row, None, _row_data(row, with_evidence=True)) for row in rows],
            request,
            government=report.government,
        )
    return rows


ROW_FIELDS = ["indicator", "when", "activity_title", "form", "problems", "solutions"]


def _row_data(row: ReportRow, with_evidence: bool = False) -> dict[str, Any]:
    data = audit.snapshot(row, ROW_FIELDS)
    if with_evidence:
        data["evidence"] = sorted(row.evidence_links.values_list("evidence_id", flat=True))
    return data


@transaction.atomic
def save_row(
    report: Report,
    row: ReportRow | None,
    data: dict[str, Any],
    evidence: Iterable[Evidence],
    actor: Any,
    request: HttpRequest | None = None,
) -> ReportRow:
    _editable(report)
    if data["indicator"] not in group_numbers(report.period):
        raise ValidationError(_("The report form has no such group of rows."))
    before = _row_data(row, with_evidence=True) if row else None
    if row is None:
        last = report.rows.order_by("-order").values_list("order", flat=True).first() or 0
        row = ReportRow(government=report.government, report=report, order=last + 1)
    for field in ROW_FIELDS:
        setattr(row, field, data[field])
    row.save()
    wanted = {item.pk for item in evidence if item.government_id == report.government_id}
    row.evidence_links.exclude(evidence_id__in=wanted).delete()
    have = set(row.evidence_links.values_list("evidence_id", flat=True))
    RowEvidence.objects.bulk_create(
        [
            RowEvidence(government=report.government, row=row, evidence_id=pk)
            for pk in sorted(wanted - have)
        ]
    )
    _touch(report, actor)
    after = _row_data(row, with_evidence=True)
    if before is None:
        audit.record(actor, AuditAction.CREATE, row, None, after, request)
    else:
        old, new = audit.changed(before, after)
        if new:
            audit.record(actor, AuditAction.UPDATE, row, old, new, request)
    return row


@transaction.atomic
def delete_row(row: ReportRow, actor: Any, request: HttpRequest | None = None) -> None:
    _editable(row.report)
    before = _row_data(row, with_evidence=True)
    audit.record(actor, AuditAction.DELETE, row, before, None, request)
    row.delete()
    _touch(row.report, actor)


@transaction.atomic
def save_signatory(
    report: Report, place: str, name: str, nip: str, actor: Any, request: Any = None
) -> None:
    _editable(report)
    fields = ["place", "signatory_name", "signatory_nip"]
    before = audit.snapshot(report, fields)
    report.place, report.signatory_name, report.signatory_nip = place, name, nip
    report.prepared_by = actor
    report.save()
    old, new = audit.changed(before, audit.snapshot(report, fields))
    if new:
        audit.record(actor, AuditAction.UPDATE, report, old, new, request)


# --- Maturity and instrument ---------------------------------------------------------------------


@transaction.atomic
def save_maturity(
    report: Report,
    answers: dict[int, tuple[bool | None, str, list[Evidence]]],
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """The agency's answers, by answer pk: (yes/no, note, evidence)."""
    _editable(report)
    changes = []
    for answer in report.maturity.all():
        if answer.pk not in answers:
            continue
        value, note, evidence = answers[answer.pk]
        before = {
            "answer": answer.answer,
            "note": answer.note,
            "evidence": sorted(answer.evidence_links.values_list("evidence_id", flat=True)),
        }
        answer.answer, answer.note = value, note
        answer.save(update_fields=["answer", "note"])
        wanted = {item.pk for item in evidence if item.government_id == report.government_id}
        answer.evidence_links.exclude(evidence_id__in=wanted).delete()
        have = set(answer.evidence_links.values_list("evidence_id", flat=True))
        MaturityEvidence.objects.bulk_create(
            [
                MaturityEvidence(government=report.government, answer=answer, evidence_id=pk)
                for pk in sorted(wanted - have)
            ]
        )
        after = {"answer": value, "note": note, "evidence": sorted(wanted)}
        old, new = audit.changed(before, after)
        if new:
            changes.append((AuditAction.UPDATE, answer, old, new))
    if changes:
        _touch(report, actor)
        aggregates.refresh(report)
        audit.record_many(actor, changes, request, government=report.government)


@transaction.atomic
def verify_maturity(
    answer: MaturityAnswer,
    verified: bool,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> MaturityAnswer:
    """The city team's answer; a change from the agency's answer needs a reason."""
    if answer.report.state not in (State.SUBMITTED, State.ACCEPTED):
        raise ValidationError(_("Answers are verified while the report is under review."))
    if verified != bool(answer.answer) and not reason.strip():
        raise ValidationError(_("Give the reason for changing the agency's answer."))
    before = audit.snapshot(answer, ["verified", "reason"])
    answer.verified, answer.reason = verified, reason.strip()
    answer.verified_by, answer.verified_at = actor, timezone.now()
    answer.save()
    aggregates.refresh(answer.report)
    audit.record(
        actor,
        AuditAction.UPDATE,
        answer,
        before,
        audit.snapshot(answer, ["verified", "reason"]),
        request,
    )
    return answer


def levels(report: Report) -> tuple[int, int | None]:
    """The agency's level and the verified level (None until every item is verified)."""
    figures = aggregates.maturity_figures(
        report.maturity.values_list("indicator", "item", "answer", "verified")
    )
    return figures["own_level"] or 0, figures["verified_level"]


@transaction.atomic
def save_scores(
    report: Report,
    values: dict[int, int | None],
    actor: Any,
    request: HttpRequest | None = None,
    *,
    verify: bool = False,
    reasons: dict[int, str] | None = None,
) -> None:
    """Agency scores (draft) or, with ``verify``, the city team's (under review), by score pk."""
    if verify:
        if report.state not in (State.SUBMITTED, State.ACCEPTED):
            raise ValidationError(_("Scores are verified while the report is under review."))
    else:
        _editable(report)
    changes = []
    for score in report.scores.select_related("question"):
        if score.pk not in values:
            continue
        value = values[score.pk]
        if value is not None and value > score.question.max_score:
            raise ValidationError(_("A score is above the highest score of its question."))
        field = "verified" if verify else "score"
        before = audit.snapshot(score, [field, "reason"])
        setattr(score, field, value)
        if verify and reasons is not None:
            score.reason = reasons.get(score.pk, "").strip()
            if value != score.score and not score.reason:
                raise ValidationError(_("Give the reason for changing the agency's score."))
        score.save()
        old, new = audit.changed(before, audit.snapshot(score, [field, "reason"]))
        if new:
            changes.append((AuditAction.UPDATE, score, old, new))
    if changes:
        aggregates.refresh(report)
        audit.record_many(actor, changes, request, government=report.government)


@transaction.atomic
def seed_instrument(government: Government, actor: Any = None) -> Instrument:
    """Load the evaluation areas of the government's rulebook (``monev.evaluation``) as its
    instrument, one question per area (idempotent); it becomes the instrument in use."""
    book = current_rulebook(government)
    evaluation = book.monev.evaluation
    source = book.cite(evaluation) or book.regulation.name
    name = f"{evaluation.name} ({source})" if source else evaluation.name
    instrument, created = Instrument.objects.get_or_create(
        government=government, name=name[:200], defaults={"source": source[:200]}
    )
    # The loaded instrument is the one in use; reports started from now on are scored on it.
    Instrument.objects.filter(government=government).exclude(pk=instrument.pk).update(active=False)
    if not instrument.active:
        instrument.active = True
        instrument.save(update_fields=["active"])
    if created:
        for order, area in enumerate(evaluation.areas, start=1):
            Question.objects.create(
                government=government,
                instrument=instrument,
                area_code=area.code,
                area=area.text[:300],
                text=area.text.rstrip(";.").removesuffix("; dan").removesuffix("; serta"),
                max_score=4,
                order=order,
            )
        audit.record(
            actor,
            AuditAction.CREATE,
            instrument,
            after={
                "name": instrument.name,
                "questions": len(evaluation.areas),
                "rulebook_version": book.version_number,
            },
        )
    return instrument


# --- Canonical content and hashes ----------------------------------------------------------------


def canonical_json(data: Any) -> str:
    """One text for one content: keys sorted, no spaces, UTF-8 characters kept."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _evidence_item(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "kind": evidence.kind,
        "title": evidence.title or evidence.original_name,
        "sha256": evidence.sha256,
        "url": evidence.url,
    }


def report_content(report: Report) -> dict[str, Any]:
    """What a version freezes: the Tabel 1 rows, the Tabel 2 answers, the scores, the signature."""
    rows = report.rows.prefetch_related("evidence").order_by("indicator", "order", "pk")
    answers = report.maturity.prefetch_related("evidence").order_by("indicator", "item")
    scores = report.scores.select_related("question").order_by("question__order", "pk")
    return {
        "government": report.government.slug,
        "period": {
            "title": report.period.title,
            "kind": report.period.kind,
            "year": report.period.year,
        },
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "version": report.version,
        "place": report.place,
        "signatory": {"name": report.signatory_name, "nip": report.signatory_nip},
        "rows": [
            {
                "key": str(row.key),
                "indicator": row.indicator,
                "when": row.when,
                "activity": row.activity_title,
                "form": row.form,
                "problems": row.problems,
                "solutions": row.solutions,
                "evidence": [_evidence_item(e) for e in sorted(row.evidence.all(), key=_pk)],
            }
            for row in rows
        ],
        "maturity": [
            {
                "indicator": a.indicator,
                "item": a.item,
                "answer": a.answer,
                "note": a.note,
                "evidence": [_evidence_item(e) for e in sorted(a.evidence.all(), key=_pk)],
            }
            for a in answers
        ],
        "scores": [
            {"area": s.question.area_code, "question": s.question.text, "score": s.score}
            for s in scores
        ],
    }


def _pk(obj: Any) -> int:
    return int(obj.pk)


FIELD_LABELS = {
    "indicator": "Indikator",
    "when": "Waktu Pelaksanaan",
    "activity": "Kegiatan",
    "form": "Bentuk/ Media/ Peralatan yang Digunakan",
    "problems": "Permasalahan yang Dihadapi",
    "solutions": "Upaya Pemecahan Permasalahan",
    "evidence": "Data Dukung",
}


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Row by row (by key): added, removed, or the fields that changed."""
    before = {row["key"]: row for row in old.get("rows", [])}
    after = {row["key"]: row for row in new.get("rows", [])}
    out: list[dict[str, Any]] = []
    for key, row in after.items():
        if key not in before:
            out.append({"key": key, "change": "added", "row": row, "fields": []})
            continue
        fields = []
        for field, label in FIELD_LABELS.items():
            a, b = before[key].get(field), row.get(field)
            if field == "evidence":
                a = ", ".join(str(e["title"]) for e in a or [])
                b = ", ".join(str(e["title"]) for e in b or [])
            if a != b:
                fields.append({"label": label, "old": a, "new": b})
        if fields:
            out.append({"key": key, "change": "changed", "row": row, "fields": fields})
    for key, row in before.items():
        if key not in after:
            out.append({"key": key, "change": "removed", "row": row, "fields": []})
    old_answers = {(a["indicator"], a["item"]): a for a in old.get("maturity", [])}
    for answer in new.get("maturity", []):
        previous = old_answers.get((answer["indicator"], answer["item"]))
        if previous and previous["answer"] != answer["answer"]:
            out.append(
                {
                    "key": f"{answer['indicator']}{answer['item']}",
                    "change": "maturity",
                    "row": answer,
                    "fields": [
                        {"label": "Tabel 2", "old": previous["answer"], "new": answer["answer"]}
                    ],
                }
            )
    return out


# --- The workflow --------------------------------------------------------------------------------


def _holds(actor: Any, report: Report, move: Move) -> bool:
    if move.scope == "agency":
        return (
            Report.objects.visible_to(actor, roles=list(move.roles)).filter(pk=report.pk).exists()
        )
    held = (
        Government.objects.visible_to(actor, roles=list(move.roles))
        .filter(pk=report.government_id)
        .exists()
    )
    if held and move.office:
        # An office of the rulebook acts: the leadership grant must hold that very office.
        return bool(actor.holds_office(report.government_id, move.office))
    return held


def actor_at(report: Report, step: str) -> int | None:
    """Who made a chain step of the report's current version (None: nobody yet)."""
    state = rules.STEP_STATE.get(step)
    if state is None:
        return None
    if state == State.DRAFT:
        return report.prepared_by_id
    last = (
        report.transitions.filter(target=state, version=report.version)
        .order_by("-at", "-pk")
        .first()
    )
    return last.actor_id if last else None


def _separated(report: Report, move: Move, actor: Any) -> bool:
    """True when the actor made one of the steps the rulebook separates this one from."""
    return any(actor_at(report, step) == actor.pk for step in move.distinct_from)


def previous_actor_id(report: Report) -> int | None:
    """Who made the step before: the last move's actor, or for a draft whoever prepared it."""
    if report.state == State.DRAFT:
        return report.prepared_by_id
    last = report.transitions.order_by("-at", "-pk").first()
    return last.actor_id if last else None


def allowed_moves(report: Report, actor: Any) -> list[Move]:
    moves = []
    for move in rules.moves_from(book_of(report.period), report.state):
        if move.target in rules.CITY_STATES:
            continue  # made on the city report
        if not _holds(actor, report, move):
            continue
        if _separated(report, move, actor):
            continue
        moves.append(move)
    return moves


def _move(
    report: Report,
    target: str,
    actor: Any,
    request: HttpRequest | None,
    note: str = "",
    reason: str = "",
) -> Transition:
    move = rules.find_move(book_of(report.period), report.state, target)
    if move is None:
        raise ValidationError(
            _("A report cannot go from %(source)s to %(target)s.")
            % {"source": State(report.state).label, "target": State(target).label}
        )
    if not _holds(actor, report, move):
        raise PermissionDenied(_("Your role does not make this step."))
    if _separated(report, move, actor):
        raise PermissionDenied(_("The person who made the previous step cannot make this one."))
    source = report.state
    report.state = target
    report.save(update_fields=["state", "updated_at"])
    step = Transition.objects.create(
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
        {"state": target, "version": report.version, **({"note": note} if note else {})},
        request,
    )
    _announce_step(report, step, reason or note)
    return step


def _announce_step(report: Report, step: Transition, reason: str) -> None:
    """Tell the agency's people of every step of its report, and the city administrators of a
    submission to verify (issue 20: notifications, after the step commits)."""
    recipients = people_of(report.unit, [Role.UNIT_HEAD, Role.UNIT_TEAM])
    if step.target == State.SUBMITTED:
        recipients += people_over(None, report.government_id, [Role.CITY_ADMIN])
    announce(
        kind=f"monev.report.{step.target}",
        government_id=report.government_id,
        recipient_ids=recipients,
        url=reverse("monev:report", args=[report.government.slug, report.pk]),
        key=f"monev.report:{step.pk}",
        context={
            "title": str(report),
            "agency": report.unit.name,
            "period": report.period.title,
            "actor": step.actor.get_full_name() or step.actor.get_username() if step.actor else "",
            "note": reason,
        },
        actor_id=step.actor_id,
    )


@transaction.atomic
def transition(
    report: Report,
    target: str,
    actor: Any,
    request: HttpRequest | None = None,
    *,
    note: str = "",
    comments: dict[str, str] | None = None,
) -> Report:
    """Move an agency report one step (approve, back to draft, submit, return, revise,
    accept). Submitting freezes the version; returning needs a comment on at least one row;
    revising opens the next version."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if target in (State.CONSOLIDATED, State.FORWARDED, State.ACKNOWLEDGED):
        raise ValidationError(_("This step is made on the city report."))
    if target == State.SUBMITTED and report.period.closed:
        raise ValidationError(_("This period is closed."))
    if target == State.SUBMITTED and not report.rows.exists():
        raise ValidationError(_("A report needs at least one row."))
    comments = {k: v.strip() for k, v in (comments or {}).items() if v and v.strip()}
    if target == State.RETURNED and not (comments or note.strip()):
        raise ValidationError(_("Say what to fix: comment on at least one row."))
    # The reason told to the agency (issue 20): the note, else the comments on the rows.
    _move(report, target, actor, request, note, reason=note or "; ".join(comments.values()))
    if target == State.SUBMITTED:
        content = canonical_json(report_content(report))
        version = ReportVersion.objects.create(
            government=report.government,
            report=report,
            number=report.version,
            canonical=content,
            sha256=sha256_of(content),
            submitted_by=actor,
        )
        cited = cite_activities(version)
        audit.record(
            actor,
            AuditAction.CREATE,
            version,
            after={
                "number": version.number,
                "sha256": version.sha256,
                "activities": sorted({item.activity_id for item in cited}),
            },
            request=request,
        )
    elif target == State.RETURNED:
        keys = {str(k) for k in report.rows.values_list("key", flat=True)}
        made = [
            ReviewComment(
                government=report.government,
                report=report,
                version=report.version,
                row_key=key if key in keys else None,
                text=text,
                author=actor,
            )
            for key, text in comments.items()
            if key in keys
        ]
        ReviewComment.objects.bulk_create(made)
        audit.record_many(
            actor,
            [
                (
                    AuditAction.CREATE,
                    comment,
                    None,
                    {"row": str(comment.row_key), "text": comment.text},
                )
                for comment in made
            ],
            request,
            government=report.government,
        )
    elif target == State.DRAFT and _came_back(report):
        before = report.version
        report.version += 1
        report.prepared_by = actor
        report.save(update_fields=["version", "prepared_by", "updated_at"])
        audit.record(
            actor,
            AuditAction.UPDATE,
            report,
            {"version": before},
            {"version": report.version},
            request,
        )
    aggregates.refresh(report)
    return report


def cite_activities(version: ReportVersion) -> list[CitedActivity]:
    """The activities the frozen rows were made from, as they stood at the submission: from now
    on they cannot be deleted, and a later edit shows on the row (issue 17)."""
    rows = list(
        version.report.rows.filter(activity__isnull=False).values_list(
            "key", "activity_id", "activity__updated_at"
        )
    )
    # A row made from a group of activities (issue 19) cites each of them.
    rows += RowActivity.objects.filter(
        government_id=version.government_id, row__report=version.report
    ).values_list("row__key", "activity_id", "activity__updated_at")
    return CitedActivity.objects.bulk_create(
        CitedActivity(
            government_id=version.government_id,
            version=version,
            row_key=key,
            activity_id=activity_id,
            activity_changed_at=changed_at,
        )
        for key, activity_id, changed_at in rows
    )


def _came_back(report: Report) -> bool:
    last = report.transitions.order_by("-at", "-pk").first()
    return bool(last and last.source == State.RETURNED)


# --- The city report -----------------------------------------------------------------------------


def city_content(period: Period, reports: list[Report], number: int) -> dict[str, Any]:
    versions = {
        (v.report_id, v.number): v
        for v in ReportVersion.objects.filter(report__in=reports).only(
            "report_id", "number", "sha256", "canonical"
        )
    }
    return {
        "government": period.government.slug,
        "period": {"title": period.title, "kind": period.kind, "year": period.year},
        "number": number,
        "reports": [
            {
                "unit": {"code": r.unit.code, "name": r.unit.name},
                "version": r.version,
                "sha256": versions[(r.pk, r.version)].sha256,
                "content": json.loads(versions[(r.pk, r.version)].canonical),
            }
            for r in reports
        ],
    }


@transaction.atomic
def consolidate(period: Period, actor: Any, request: HttpRequest | None = None) -> CityReport:
    """The city team gathers every accepted report into the next city report."""
    reports = list(
        Report.objects.select_for_update()
        .filter(government=period.government, period=period, state=State.ACCEPTED)
        .select_related("unit")
        .order_by("unit__path")
    )
    if not reports:
        raise ValidationError(_("No accepted report to consolidate."))
    number = (
        period.city_reports.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    for report in reports:
        _move(report, State.CONSOLIDATED, actor, request)
        aggregates.refresh(report)
    content = canonical_json(city_content(period, reports, number))
    signs = book_of(period).monev.signatory("city_report", "signs")
    name, nip = signer_of(period.government, signs.signer if signs else "city_team_chair")
    city = CityReport.objects.create(
        government=period.government,
        period=period,
        number=number,
        canonical=content,
        sha256=sha256_of(content),
        place=place_of(period.government),
        signatory_name=name,
        signatory_nip=nip,
        consolidated_by=actor,
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        city,
        after={"number": number, "reports": [r.unit.code for r in reports], "sha256": city.sha256},
        request=request,
    )
    return city


def city_reports_units(city: CityReport) -> list[str]:
    return [item["unit"]["code"] for item in json.loads(city.canonical)["reports"]]


def _city_reports(city: CityReport, state: str) -> list[Report]:
    return list(
        Report.objects.select_for_update().filter(
            government=city.government,
            period=city.period,
            unit__code__in=city_reports_units(city),
            state=state,
        )
    )


@transaction.atomic
def forward(city: CityReport, actor: Any, request: HttpRequest | None = None) -> CityReport:
    """The regional secretary forwards the city report to the head of government."""
    city = CityReport.objects.select_for_update().get(pk=city.pk)
    if city.forwarded_at is not None:
        raise ValidationError(_("This city report has been forwarded."))
    for report in _city_reports(city, State.CONSOLIDATED):
        _move(report, State.FORWARDED, actor, request)
        aggregates.refresh(report)
    city.forwarded_by, city.forwarded_at = actor, timezone.now()
    city.save(update_fields=["forwarded_by", "forwarded_at"])
    audit.record(
        actor, AuditAction.OTHER, city, {"state": "consolidated"}, {"state": "forwarded"}, request
    )
    return city


@transaction.atomic
def acknowledge(city: CityReport, actor: Any, request: HttpRequest | None = None) -> CityReport:
    """The head of government acknowledges the forwarded city report."""
    city = CityReport.objects.select_for_update().get(pk=city.pk)
    if city.forwarded_at is None or city.acknowledged_at is not None:
        raise ValidationError(_("Only a forwarded city report can be acknowledged."))
    for report in _city_reports(city, State.FORWARDED):
        _move(report, State.ACKNOWLEDGED, actor, request)
        aggregates.refresh(report)
    city.acknowledged_by, city.acknowledged_at = actor, timezone.now()
    city.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit.record(
        actor, AuditAction.OTHER, city, {"state": "forwarded"}, {"state": "acknowledged"}, request
    )
    return city


def can_city(actor: Any, government: Government, role: str) -> bool:
    return Government.objects.visible_to(actor, roles=[role]).filter(pk=government.pk).exists()


def can_step(actor: Any, city: CityReport, step: str) -> bool:
    """Whether the actor may make a chain step on the city report (forward, acknowledge): the
    step's actor of the period's rulebook (an office: the grant holding it; a team: its role)
    and not the person the rulebook separates it from."""
    move = next((m for m in rules.chain_moves(book_of(city.period)) if m.step == step), None)
    if move is None:
        return False
    held = (
        Government.objects.visible_to(actor, roles=list(move.roles))
        .filter(pk=city.government_id)
        .exists()
    )
    if not held or (move.office and not actor.holds_office(city.government_id, move.office)):
        return False
    earlier = {
        "consolidate": city.consolidated_by_id,
        "forward": city.forwarded_by_id,
    }
    return not any(earlier.get(code) == actor.pk for code in move.distinct_from)


# --- Reminders -----------------------------------------------------------------------------------


def send_deadline_reminders(today: datetime.date) -> list[str]:
    """Remind agencies that have not submitted, on the days before a period's deadline its
    rulebook names (``monev.reminders.days``): the reminder row is recorded first (unique), so
    each is announced once, and told by the notifications like every workflow event (issue 20)."""
    sent: list[str] = []
    # Each period reminds on the days of its rulebook (``monev.reminders.days``).
    periods = Period.objects.filter(closed=False, deadline__gte=today).select_related("government")
    for period in periods:
        days = (period.deadline - today).days
        if days not in book_of(period).monev.reminders.days:
            continue
        done = set(
            Report.objects.filter(period=period)
            .exclude(state__in=[State.DRAFT, State.APPROVED, State.RETURNED])
            .values_list("unit_id", flat=True)
        )
        for agency in period.agencies():
            if agency.pk in done:
                continue
            recipients = people_of(agency, [Role.UNIT_HEAD, Role.UNIT_TEAM])
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        government=period.government,
                        period=period,
                        unit=agency,
                        days_before=days,
                        recipients=len(recipients),
                    )
            except IntegrityError:
                continue
            announce(
                kind="monev.deadline",
                government_id=period.government_id,
                recipient_ids=recipients,
                url=reverse("monev:period_list", args=[period.government.slug]),
                key=f"monev.deadline:{period.pk}:{agency.pk}:{days}",
                context={
                    "period": period.title,
                    "agency": agency.name,
                    "date": period.deadline.strftime("%d-%m-%Y"),
                    "days": days,
                },
            )
            sent.append(f"{period.government.slug}: {period.title}, {agency.name}, {days}")
    return sent


@transaction.atomic
def add_question(
    instrument: Instrument, data: dict[str, Any], actor: Any, request: HttpRequest | None = None
) -> Question:
    question = Question.objects.create(
        government=instrument.government, instrument=instrument, **data
    )
    audit.record(
        actor, AuditAction.CREATE, question, None, audit.snapshot(question, list(data)), request
    )
    return question


@transaction.atomic
def remove_question(question: Question, actor: Any, request: HttpRequest | None = None) -> None:
    """Remove a question no agency has scored yet (scores given stay with their question); the
    highest totals of the reports that had it shrink."""
    if Score.objects.filter(question=question).exclude(score=None, verified=None).exists():
        raise ValidationError(_("Agencies have scored this question: it stays."))
    before = audit.snapshot(question, ["area_code", "area", "text", "max_score"])
    audit.record(actor, AuditAction.DELETE, question, before, None, request)
    reports = list(
        Report.objects.filter(
            government_id=question.government_id, scores__question=question
        ).order_by("pk")
    )
    question.delete()
    for report in reports:
        aggregates.refresh(report)
