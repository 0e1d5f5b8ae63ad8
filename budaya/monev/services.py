"""Every write of monitoring and evaluation, each in one transaction with its audit entry."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role, RoleGrant
from budaya.accounts.selectors import people_of
from budaya.activities.models import Activity, Evidence
from budaya.events import announce
from budaya.monev import aggregates, notices, rules
from budaya.monev.models import (
    CitedActivity,
    CityReport,
    CityState,
    CityStep,
    FollowUp,
    FollowUpEvidence,
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
    government: Government,
    month: int,
    day: int,
    actor: Any,
    request: HttpRequest | None = None,
    note: str = "",
) -> int:
    """Change the default deadline of the yearly report: it is the rulebook's ``monev.deadline``,
    so this writes the rulebook's next version (the government's own choice, audited there); the
    periods made before keep theirs. ``note`` says where the choice came from (default: the
    monitoring page). Returns the rulebook's version number."""
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
        note=note or _("Set on the monitoring page."),
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
    # Its line of the province and national views: every agency not started (issue 20).
    from budaya.dashboard import rollup

    rollup.period_changed(period.pk)
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
    from budaya.dashboard import rollup

    rollup.period_changed(period.pk)  # the deadline decides "on time" (issue 20)
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
    carry_follow_ups(report)
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


UNDER_REVIEW = (State.SUBMITTED, State.ACCEPTED)


def _verification_error(answer: MaturityAnswer, verified: bool, reason: str) -> str:
    if verified != bool(answer.answer) and not reason.strip():
        return _("Give the reason for changing the agency's answer.")
    return ""


def _write_verified(answer: MaturityAnswer, verified: bool, reason: str, actor: Any) -> Any:
    """Set the city team's answer; the audit line for it, or None when nothing changed."""
    before = audit.snapshot(answer, ["verified", "reason"])
    answer.verified, answer.reason = verified, reason.strip()
    after = audit.snapshot(answer, ["verified", "reason"])
    if before == after and answer.verified_at is not None:
        return None
    answer.verified_by, answer.verified_at = actor, timezone.now()
    answer.save()
    return (AuditAction.UPDATE, answer, before, after)


@transaction.atomic
def verify_maturity(
    answer: MaturityAnswer,
    verified: bool,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> MaturityAnswer:
    """The city team's answer on one item; a change from the agency's answer needs a reason."""
    if answer.report.state not in UNDER_REVIEW:
        raise ValidationError(_("Answers are verified while the report is under review."))
    error = _verification_error(answer, verified, reason)
    if error:
        raise ValidationError(error)
    change = _write_verified(answer, verified, reason, actor)
    aggregates.refresh(answer.report)
    if change:
        audit.record_many(actor, [change], request, government=answer.report.government)
    return answer


@transaction.atomic
def verify_review(
    report: Report,
    *,
    answers: dict[int, tuple[bool | None, str]],
    scores: dict[int, int | None],
    score_reasons: dict[int, str],
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """The city team's verification form, one transaction: the verified answers (by answer
    pk: yes/no or None for not yet, and the reason) and the verified scores (by score pk, None:
    not verified yet) with their reasons. Everything is checked first; any error names its
    field (``reason_<pk>``, ``verified_score_<pk>``, ``score_reason_<pk>``) and nothing is
    saved."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state not in UNDER_REVIEW:
        raise ValidationError(_("Answers are verified while the report is under review."))
    errors: dict[str, str] = {}
    items = [a for a in report.maturity.all() if answers.get(a.pk, (None, ""))[0] is not None]
    for answer in items:
        verified, reason = answers[answer.pk]
        error = _verification_error(answer, bool(verified), reason)
        if error:
            errors[f"reason_{answer.pk}"] = error
    given = [s for s in report.scores.select_related("question") if s.pk in scores]
    for score in given:
        value, reason = scores[score.pk], score_reasons.get(score.pk, "").strip()
        if value is not None and value > score.question.max_score:
            errors[f"verified_score_{score.pk}"] = _(
                "A score is above the highest score of its question."
            )
        elif value is not None and value != score.score and not reason:
            errors[f"score_reason_{score.pk}"] = _(
                "Give the reason for changing the agency's score."
            )
    if errors:
        raise ValidationError(errors)
    changes = [
        change
        for answer in items
        if (
            change := _write_verified(
                answer, bool(answers[answer.pk][0]), answers[answer.pk][1], actor
            )
        )
    ]
    for score in given:
        before = audit.snapshot(score, ["verified", "reason"])
        score.verified = scores[score.pk]
        score.reason = score_reasons.get(score.pk, "").strip()
        old, new = audit.changed(before, audit.snapshot(score, ["verified", "reason"]))
        if new:
            score.save(update_fields=["verified", "reason"])
            changes.append((AuditAction.UPDATE, score, old, new))
    if changes:
        aggregates.refresh(report)
        audit.record_many(actor, changes, request, government=report.government)


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
) -> None:
    """The agency's scores on the instrument (draft), by score pk; the city team's are
    ``verify_review``'s."""
    _editable(report)
    changes = []
    for score in report.scores.select_related("question"):
        if score.pk not in values:
            continue
        value = values[score.pk]
        if value is not None and value > score.question.max_score:
            raise ValidationError(_("A score is above the highest score of its question."))
        before = audit.snapshot(score, ["score"])
        score.score = value
        score.save(update_fields=["score"])
        old, new = audit.changed(before, audit.snapshot(score, ["score"]))
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
    carried = [
        {
            "text": item.text,
            "period": item.period.title,
            "due_on": item.due_on.isoformat(),
            "status": item.status,
            "done_note": item.done_note,
        }
        for item in earlier_follow_ups(report).select_related("period")
    ]
    content = {
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
    if carried:
        # The follow-ups of earlier directions the report carries (issue 19); a report without
        # any keeps the content it had before.
        content["follow_ups"] = carried
    # The agency's survey results and participation, where the period's rulebook names them as
    # evidence (issue 22): frozen with the version, so a submitted report never changes.
    from budaya.surveys import feeds

    surveys = feeds.report_evidence(report)
    if feeds.worth_keeping(surveys):
        content["surveys"] = surveys
    # The competitions its teams won in the period (issue 24; S Tabel 2 3.b and 4.b: "lomba"):
    # frozen likewise; a report without any keeps the content it had before.
    from budaya.competitions import feeds as competitions

    won = competitions.report_evidence(report)
    if won is not None:
        content["competitions"] = won
    return content


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
        if move.on_city:
            continue  # made on the city report
        if not _holds(actor, report, move):
            continue
        if _separated(report, move, actor):
            continue
        moves.append(move)
    return moves


def _authorised(report: Report, target: str, actor: Any, *, on_city: bool = False) -> Move:
    """The chain's move from the report's state to ``target``, if the actor may make it."""
    move = rules.find_move(book_of(report.period), report.state, target)
    if move is None or (move.on_city and not on_city):
        raise ValidationError(
            _("A report cannot go from %(source)s to %(target)s.")
            % {"source": State(report.state).label, "target": State(target).label}
        )
    if not _holds(actor, report, move):
        raise PermissionDenied(_("Your role does not make this step."))
    if _separated(report, move, actor):
        raise PermissionDenied(_("The person who made the previous step cannot make this one."))
    return move


def _move(
    report: Report,
    target: str,
    actor: Any,
    request: HttpRequest | None,
    note: str = "",
    *,
    on_city: bool = False,
) -> Transition:
    _authorised(report, target, actor, on_city=on_city)
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
    return step


@transaction.atomic
def transition(
    report: Report,
    target: str,
    actor: Any,
    request: HttpRequest | None = None,
    *,
    note: str = "",
    comments: dict[str, str] | None = None,
    accept_unverified: str = "",
) -> Report:
    """Move an agency report one step (approve, back to draft, submit, return, revise,
    accept). Submitting needs the signatory and freezes the version; returning needs a comment
    on at least one row; accepting needs the maturity answers verified, or an explicit
    ``accept_unverified`` reason (kept as the step's note); revising opens the next version."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if target in (State.CONSOLIDATED, State.FORWARDED, State.ACKNOWLEDGED):
        raise ValidationError(_("This step is made on the city report."))
    _authorised(report, target, actor)
    if target == State.SUBMITTED and report.period.closed:
        raise ValidationError(_("This period is closed."))
    if target == State.SUBMITTED and not report.rows.exists():
        raise ValidationError(_("A report needs at least one row."))
    if target == State.SUBMITTED and not report.signatory_name.strip():
        raise ValidationError(
            {"signatory_name": _("Fill in the signatory before the report goes up.")}
        )
    comments = {k: v.strip() for k, v in (comments or {}).items() if v and v.strip()}
    if target == State.RETURNED and not (comments or note.strip()):
        raise ValidationError(_("Say what to fix: comment on at least one row."))
    if target == State.ACCEPTED and report.maturity.filter(verified__isnull=True).exists():
        if not accept_unverified.strip():
            raise ValidationError(
                {
                    "accept_unverified": _(
                        "Verify the maturity self-assessment first, or accept it unverified "
                        "and say why."
                    )
                }
            )
        note = _("Accepted without verifying the maturity self-assessment: %(reason)s") % {
            "reason": accept_unverified.strip()
        }
    _move(report, target, actor, request, note)
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
    # The reason told to the agency (issue 20): the note, else the comments on the rows.
    _announce_move(
        report, target, actor, note=note or "; ".join(comments.values()), comments=len(comments)
    )
    return report


# Who is told of an agency report's step: the actor of the next step of the chain, or (a
# return, an acceptance) the agency.
MOVE_EVENTS = {
    State.SUBMITTED: ("monev.report.submitted", "accept"),
    State.RETURNED: ("monev.report.returned", "prepare"),
    State.ACCEPTED: ("monev.report.accepted", "prepare"),
}


def _announce_move(report: Report, target: str, actor: Any, *, note: str, comments: int) -> None:
    if target not in MOVE_EVENTS:
        return
    kind, step = MOVE_EVENTS[State(target)]
    chain_step = book_of(report.period).monev.step(step)
    who = chain_step.actor if chain_step else "agency_team"
    notices.step_done(
        kind=kind,
        government=report.government,
        recipients=notices.actors_of(report.government, who, [report.unit]),
        url=notices.report_url(report),
        key=f"{kind}:{report.pk}:{report.version}",
        actor=actor,
        context={
            "agency": report.unit.name,
            "period": report.period.title,
            "version": report.version,
            "reason": note,
            "comments": comments,
        },
    )


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

# The agency reports a version of the city report holds: every report of the period accepted so
# far (those an earlier version took up included, in whatever state they reached).
IN_CITY = (State.ACCEPTED, State.CONSOLIDATED, State.FORWARDED, State.ACKNOWLEDGED)
# The state of the city report after a return, by the state its agency reports go back to.
RETURNED_CITY_STATE = {
    State.ACCEPTED: CityState.RETURNED,
    State.CONSOLIDATED: CityState.CONSOLIDATED,
    State.FORWARDED: CityState.FORWARDED,
}
# The state of the agency reports the leadership acts on, by the city report's state.
AGENCY_STATE = {
    CityState.CONSOLIDATED: State.CONSOLIDATED,
    CityState.FORWARDED: State.FORWARDED,
}


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


def latest_number(period: Period) -> int:
    """The number of the latest version of the period's city report (0: none yet)."""
    return period.city_reports.order_by("-number").values_list("number", flat=True).first() or 0


def _latest(city: CityReport) -> CityReport:
    """The version locked for a step; only the latest version is acted on."""
    city = CityReport.objects.select_for_update().get(pk=city.pk)
    if city.number != latest_number(city.period):
        raise ValidationError(_("A later version of this city report exists: act on that one."))
    return city


@transaction.atomic
def consolidate(period: Period, actor: Any, request: HttpRequest | None = None) -> CityReport:
    """The city team makes the next version of the period's one city report: every agency
    report accepted so far; the newly accepted ones move to consolidated, those an earlier
    version took up keep their state. Not while the latest version is with the leadership."""
    latest = (
        CityReport.objects.select_for_update()
        .filter(government=period.government, period=period)
        .order_by("-number")
        .first()
    )
    if latest is not None and latest.state == CityState.FORWARDED:
        raise ValidationError(
            _("The city report has been forwarded: wait for its acknowledgement or its return.")
        )
    reports = list(
        Report.objects.select_for_update()
        .filter(government=period.government, period=period, state__in=IN_CITY)
        .select_related("unit")
        .order_by("unit__path")
    )
    arrived = [report for report in reports if report.state == State.ACCEPTED]
    if not arrived:
        raise ValidationError(_("No accepted report to consolidate."))
    number = (latest.number if latest else 0) + 1
    for report in arrived:
        _move(report, State.CONSOLIDATED, actor, request, on_city=True)
        aggregates.refresh(report)
    content = canonical_json(city_content(period, reports, number))
    if latest is not None and latest.signatory_name:
        place, name, nip = latest.place, latest.signatory_name, latest.signatory_nip
    else:
        signs = book_of(period).monev.signatory("city_report", "signs")
        place = place_of(period.government)
        name, nip = signer_of(period.government, signs.signer if signs else "city_team_chair")
    city = CityReport.objects.create(
        government=period.government,
        period=period,
        number=number,
        canonical=content,
        sha256=sha256_of(content),
        place=place,
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
    _announce_city(city, "consolidated", "forward", actor)
    return city


def city_reports_units(city: CityReport) -> list[str]:
    return [item["unit"]["code"] for item in json.loads(city.canonical)["reports"]]


def _city_reports(city: CityReport, state: str) -> list[Report]:
    return list(
        Report.objects.select_for_update()
        .filter(
            government=city.government,
            period=city.period,
            unit__code__in=city_reports_units(city),
            state=state,
        )
        .select_related("unit")
    )


def _city_step(
    city: CityReport,
    *,
    step: str,
    target: str,
    actor: Any,
    note: str,
    request: HttpRequest | None,
) -> CityStep:
    """Record a leadership step on the city report: its state, the log row and the audit."""
    source = city.state
    city.state = target
    city.save()
    made = CityStep.objects.create(
        government=city.government,
        city=city,
        step=step,
        source=source,
        target=target,
        actor=actor,
        note=note,
    )
    audit.record(
        actor,
        AuditAction.OTHER,
        city,
        {"state": source},
        {"state": target, "step": step, **({"note": note} if note else {})},
        request,
    )
    return made


def _announce_city(city: CityReport, what: str, next_step: str, actor: Any, note: str = "") -> None:
    """Tell the actor of the next step (the city team after a return to it) of a city step."""
    found = book_of(city.period).monev.step(next_step)
    notices.step_done(
        kind=f"monev.city.{what}",
        government=city.government,
        recipients=notices.actors_of(city.government, found.actor if found else "city_team"),
        url=notices.city_url(city),
        key=f"monev.city.{what}:{city.pk}:{CityStep.objects.filter(city=city).count()}",
        actor=actor,
        context={"period": city.period.title, "version": city.number, "note": note},
    )


@transaction.atomic
def forward(
    city: CityReport, actor: Any, request: HttpRequest | None = None, *, note: str = ""
) -> CityReport:
    """The regional secretary forwards the city report to the head of government, with a note
    (S Lampiran D: "diserahkan kepada Sekretaris Daerah untuk kemudian dilaporkan")."""
    city = _latest(city)
    if city.state != CityState.CONSOLIDATED:
        raise ValidationError(_("This city report has been forwarded."))
    for report in _city_reports(city, State.CONSOLIDATED):
        _move(report, State.FORWARDED, actor, request, note.strip(), on_city=True)
        aggregates.refresh(report)
    city.forwarded_by, city.forwarded_at = actor, timezone.now()
    _city_step(
        city,
        step="forward",
        target=CityState.FORWARDED,
        actor=actor,
        note=note.strip(),
        request=request,
    )
    _announce_city(city, "forwarded", "acknowledge", actor, note.strip())
    return city


@transaction.atomic
def return_city(
    city: CityReport, *, actor: Any, reason: str, request: HttpRequest | None = None
) -> CityReport:
    """The leadership sends the city report back, with its reason, to the actor of the step the
    rulebook's chain names (``may_return_to``): the regional secretary to the city team (the
    agency reports are accepted again and the city team consolidates the next version), the
    head of government to the regional secretary (forwarded again)."""
    city = _latest(city)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the city report goes back.")})
    state = AGENCY_STATE.get(CityState(city.state))
    move = next((m for m in rules.city_moves(book_of(city.period), state or "") if m.returns), None)
    if state is None or move is None:
        raise ValidationError(_("The approval chain does not let this step return the report."))
    if not can_step(actor, city, move.step):
        raise PermissionDenied(_("Your role does not make this step."))
    for report in _city_reports(city, state):
        _move(report, move.target, actor, request, reason.strip(), on_city=True)
        aggregates.refresh(report)
    target = RETURNED_CITY_STATE[State(move.target)]
    if target != CityState.FORWARDED:
        city.forwarded_by, city.forwarded_at = None, None
    _city_step(
        city, step="return", target=target, actor=actor, note=reason.strip(), request=request
    )
    returned_to = book_of(city.period).monev.step(move.step)
    _announce_city(
        city, "returned", returned_to.may_return_to or "" if returned_to else "", actor, reason
    )
    return city


@dataclass(frozen=True)
class Direction:
    """One direction of the head of government's disposition: to an agency, due on a date."""

    unit: Unit
    text: str
    due_on: datetime.date


@transaction.atomic
def acknowledge(
    city: CityReport,
    actor: Any,
    request: HttpRequest | None = None,
    *,
    disposition: str = "",
    directions: Iterable[Direction] = (),
) -> CityReport:
    """The head of government acknowledges the forwarded city report with a disposition; each
    direction becomes a follow-up of its agency (S Pasal 11(2)(a), T Pasal 11 a: "arahan"; S
    Lampiran D: reported "untuk kemudian dapat ditindaklanjuti")."""
    city = _latest(city)
    if city.state != CityState.FORWARDED:
        raise ValidationError(_("Only a forwarded city report can be acknowledged."))
    if not city.signatory_name.strip():
        raise ValidationError(
            {
                "signatory_name": _(
                    "The city report has no signatory yet: the city team fills it in."
                )
            }
        )
    directions = list(directions)
    today = timezone.localdate()
    agencies = set(city.period.agencies().values_list("pk", flat=True))
    for direction in directions:
        if direction.unit.pk not in agencies or direction.unit.government_id != city.government_id:
            raise ValidationError({"unit": _("Directions go to agencies of this period.")})
        if not direction.text.strip():
            raise ValidationError({"text": _("Write the direction.")})
        if direction.due_on < today:
            raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    acknowledged = _city_reports(city, State.FORWARDED)
    for report in acknowledged:
        _move(report, State.ACKNOWLEDGED, actor, request, disposition.strip(), on_city=True)
        aggregates.refresh(report)
    city.acknowledged_by, city.acknowledged_at = actor, timezone.now()
    city.disposition = disposition.strip()
    _city_step(
        city,
        step="acknowledge",
        target=CityState.ACKNOWLEDGED,
        actor=actor,
        note=disposition.strip(),
        request=request,
    )
    made = FollowUp.objects.bulk_create(
        [
            FollowUp(
                government=city.government,
                period=city.period,
                city=city,
                unit=direction.unit,
                text=direction.text.strip(),
                due_on=direction.due_on,
                created_by=actor,
            )
            for direction in directions
        ]
    )
    audit.record_many(
        actor,
        [
            (
                AuditAction.CREATE,
                item,
                None,
                {"unit": item.unit.code, "text": item.text, "due_on": str(item.due_on)},
            )
            for item in made
        ],
        request,
        government=city.government,
    )
    # The city team is sent to the city report; an agency's people to their own report,
    # acknowledged with it (the city report is the city team's and the leadership's to open).
    told = [(notices.city_team(city.government), notices.city_url(city), f"{city.pk}")]
    told += [
        (
            notices.agency_people([report.unit]),
            reverse("monev:report", args=[city.government.slug, report.pk]),
            f"{city.pk}:{report.unit_id}",
        )
        for report in acknowledged
    ]
    for recipients, url, key in told:
        notices.step_done(
            kind="monev.city.acknowledged",
            government=city.government,
            recipients=recipients,
            url=url,
            key=f"monev.city.acknowledged:{key}",
            actor=actor,
            context={"period": city.period.title, "version": city.number, "note": city.disposition},
        )
    for item in made:
        notices.step_done(
            kind="monev.follow_up.assigned",
            government=city.government,
            recipients=notices.agency_people([item.unit]),
            url=reverse("monev:follow_up", args=[city.government.slug, item.pk]),
            key=f"monev.follow_up.assigned:{item.pk}",
            actor=actor,
            context={"agency": item.unit.name, "direction": item.text, "due": item.due_on},
        )
    return city


@transaction.atomic
def save_city_signatory(
    city: CityReport,
    *,
    place: str,
    name: str,
    nip: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> CityReport:
    """The city team fills in the place and the signatory of the latest version (its stored
    content and hash do not hold them) until it is acknowledged."""
    city = _latest(city)
    if city.state == CityState.ACKNOWLEDGED:
        raise ValidationError(_("An acknowledged city report keeps its signatory."))
    fields = ["place", "signatory_name", "signatory_nip"]
    before = audit.snapshot(city, fields)
    city.place, city.signatory_name, city.signatory_nip = place.strip(), name.strip(), nip.strip()
    city.save(update_fields=fields)
    old, new = audit.changed(before, audit.snapshot(city, fields))
    if new:
        audit.record(actor, AuditAction.UPDATE, city, old, new, request)
    return city


def can_city(actor: Any, government: Government, role: str) -> bool:
    return Government.objects.visible_to(actor, roles=[role]).filter(pk=government.pk).exists()


def can_step(actor: Any, city: CityReport, step: str) -> bool:
    """Whether the actor may make a chain step on the city report (forward, acknowledge, or the
    return of either): the step's actor of the period's rulebook (an office: the grant holding
    it; a team: its role) and not the person the rulebook separates it from."""
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


def city_actions(actor: Any, city: CityReport, latest: int) -> dict[str, bool]:
    """What the actor may do on this version now: forward, acknowledge, return it."""
    if city.number != latest:
        return {"forward": False, "acknowledge": False, "return": False}
    step = {CityState.CONSOLIDATED: "forward", CityState.FORWARDED: "acknowledge"}.get(
        CityState(city.state), ""
    )
    acts = bool(step) and can_step(actor, city, step)
    state = AGENCY_STATE.get(CityState(city.state), "")
    returns = acts and any(m.returns for m in rules.city_moves(book_of(city.period), state))
    return {
        "forward": acts and step == "forward",
        "acknowledge": acts and step == "acknowledge",
        "return": returns,
    }


# --- Follow-ups ----------------------------------------------------------------------------------


@transaction.atomic
def complete_follow_up(
    follow_up: FollowUp,
    *,
    note: str,
    evidence: Iterable[Evidence],
    actor: Any,
    request: HttpRequest | None = None,
) -> FollowUp:
    """The agency reports a follow-up done, with what it did and its evidence; the evidence
    goes into the maturity item the rulebook marks in the agency's reports still in draft of
    other periods (S Tabel 2 indicator 4 b)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status == FollowUp.Status.DONE:
        raise ValidationError(_("This follow-up is done."))
    if not note.strip():
        raise ValidationError({"done_note": _("Say what was done.")})
    wanted = sorted(
        {
            item.pk
            for item in evidence
            if item.government_id == follow_up.government_id
            and item.unit is not None
            and item.unit.path.startswith(follow_up.unit.path)
        }
    )
    follow_up.status = FollowUp.Status.DONE
    follow_up.done_note = note.strip()
    follow_up.done_by, follow_up.done_at = actor, timezone.now()
    follow_up.save()
    FollowUpEvidence.objects.bulk_create(
        [
            FollowUpEvidence(government=follow_up.government, follow_up=follow_up, evidence_id=pk)
            for pk in wanted
        ]
    )
    audit.record(
        actor,
        AuditAction.UPDATE,
        follow_up,
        {"status": FollowUp.Status.OPEN},
        {"status": FollowUp.Status.DONE, "done_note": follow_up.done_note, "evidence": wanted},
        request,
    )
    for report in Report.objects.filter(
        government=follow_up.government, unit=follow_up.unit, state=State.DRAFT
    ).exclude(period=follow_up.period):
        carry_follow_ups(report)
    notices.step_done(
        kind="monev.follow_up.done",
        government=follow_up.government,
        recipients=notices.city_team(follow_up.government),
        url=reverse("monev:follow_up", args=[follow_up.government.slug, follow_up.pk]),
        key=f"monev.follow_up.done:{follow_up.pk}",
        actor=actor,
        context={"agency": follow_up.unit.name, "direction": follow_up.text},
    )
    return follow_up


def earlier_follow_ups(report: Report) -> Any:
    """The follow-ups of the agency from the directions on other periods' city reports: the
    next period's report carries them (shown on its page, frozen in its versions)."""
    return (
        FollowUp.objects.filter(government_id=report.government_id, unit_id=report.unit_id)
        .exclude(period_id=report.period_id)
        .filter(period__year__lte=report.period.year)
        .order_by("due_on", "pk")
    )


def carry_follow_ups(report: Report) -> None:
    """Link the evidence of the agency's done follow-ups to the maturity item the period's
    rulebook marks (``follow_ups: true``; S Tabel 2 indicator 4 b), if the report is a draft."""
    maturity = book_of(report.period).monev.maturity
    target = maturity.follow_up_item() if maturity else None
    if target is None or report.state != State.DRAFT:
        return
    answer = report.maturity.filter(indicator=target[0], item=target[1]).first()
    if answer is None:
        return
    done = FollowUpEvidence.objects.filter(
        follow_up__in=earlier_follow_ups(report).filter(status=FollowUp.Status.DONE)
    ).values_list("evidence_id", flat=True)
    have = set(answer.evidence_links.values_list("evidence_id", flat=True))
    MaturityEvidence.objects.bulk_create(
        [
            MaturityEvidence(government=report.government, answer=answer, evidence_id=pk)
            for pk in sorted(set(done) - have)
        ]
    )


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
