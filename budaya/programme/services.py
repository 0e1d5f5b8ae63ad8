"""Every write of the culture programme: one transaction each, with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models, transaction
from django.http import HttpRequest

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.activities.evidence import delete_if_unused, store_file, store_link
from budaya.frameworks.models import CoreValue
from budaya.org.models import Employee, Government, Unit
from budaya.programme.models import (
    ChecklistAnswer,
    ChecklistItem,
    Declaration,
    DeclarationAttendee,
    Engagement,
    FormulationStep,
    InstitutionalChange,
    InstitutionalChangeValue,
    Programme,
    ProgrammeEvidence,
    ScorecardItem,
    ScorecardResult,
    SensitiveArea,
)
from budaya.programme.selectors import units_of
from budaya.rulebook.selectors import current_rulebook, current_version_id

Request = HttpRequest | None

# The parts of a programme that carry evidence, and the link's field for each.
TARGET_FIELDS: dict[type[models.Model], str] = {
    FormulationStep: "step",
    Declaration: "declaration",
    Engagement: "engagement",
    InstitutionalChange: "change",
    ChecklistAnswer: "answer",
}


class ProgrammeExists(Exception):
    """The government already has a programme for this agency (or city-wide) and year."""


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Every field of a programme row but its id, for the audit trail."""
    return audit.snapshot(obj, [f.name for f in obj._meta.concrete_fields if f.name != "id"])


def _save_form(form: forms.ModelForm, actor: Any, request: Request, **fixed: Any) -> Any:
    """Create or update the form's row (``fixed`` fields set by the caller, never by the form)
    and record what changed."""
    instance = form.instance
    creating = instance.pk is None
    before = {} if creating else snapshot(type(instance).objects.get(pk=instance.pk))
    obj = form.save(commit=False)
    for name, value in fixed.items():
        setattr(obj, name, value)
    obj.save()
    after = snapshot(obj)
    if creating:
        audit.record(actor, AuditAction.CREATE, obj, after=after, request=request)
    else:
        old, new = audit.changed(before, after)
        if new:
            audit.record(actor, AuditAction.UPDATE, obj, before=old, after=new, request=request)
    return obj


def _delete(obj: models.Model, actor: Any, request: Request) -> None:
    audit.record(actor, AuditAction.DELETE, obj, before=snapshot(obj), request=request)
    obj.delete()


# --- Checklists (the rulebook's: T Lampiran II II.2.d and IV; none in S) ------------------------


@transaction.atomic
def load_rulebook_checklists(
    *, government: Government, actor: Any = None, request: Request = None
) -> list[ChecklistItem]:
    """Give a government the items of its own rulebook's checklists that it does not have yet
    (by checklist and order): safe to run again; a rulebook without checklists gives none."""
    book = current_rulebook(government)
    existing = set(
        ChecklistItem.objects.filter(government=government).values_list("checklist", "order")
    )
    made = []
    for checklist in book.programme.checklists:
        for order, item in enumerate(checklist.items, start=1):
            if (checklist.code, order) in existing:
                continue
            made.append(
                ChecklistItem.objects.create(
                    government=government,
                    checklist=checklist.code,
                    order=order,
                    text=item.text,
                    source=book.cite(item)[:120],
                )
            )
    if made:
        audit.record_many(
            actor,
            [(AuditAction.CREATE, item, None, snapshot(item)) for item in made],
            request,
            government=government,
        )
    return made


@transaction.atomic
def save_checklist_item(
    form: forms.ModelForm, government: Government, actor: Any, request: Request
):
    return _save_form(form, actor, request, government=government)


@transaction.atomic
def replace_checklist(
    government: Government,
    checklist: str,
    lines: list[str],
    source: str,
    actor: Any,
    request: Request = None,
) -> list[ChecklistItem]:
    """A government loads its own list: items in use of that checklist are retired (answers stay
    with them) and the lines become the new items, numbered after every earlier one."""
    retired = list(
        ChecklistItem.objects.filter(government=government, checklist=checklist, active=True)
    )
    changes: list[Any] = []
    for item in retired:
        item.active = False
        item.save(update_fields=["active"])
        changes.append((AuditAction.UPDATE, item, {"active": True}, {"active": False}))
    start = (
        ChecklistItem.objects.filter(government=government, checklist=checklist).aggregate(
            m=models.Max("order")
        )["m"]
        or 0
    )
    made = [
        ChecklistItem.objects.create(
            government=government,
            checklist=checklist,
            order=start + index,
            text=text,
            source=source,
        )
        for index, text in enumerate(lines, start=1)
    ]
    changes.extend((AuditAction.CREATE, item, None, snapshot(item)) for item in made)
    audit.record_many(actor, changes, request, government=government)
    return made


# --- The programme ----------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *,
    government: Government,
    unit: Unit | None,
    year: int,
    notes: str = "",
    actor: Any = None,
    request: Request = None,
) -> Programme:
    """A programme under the government's current rulebook (its stages and steps); the first
    programme gives the government its rulebook's checklists (none if it has none)."""
    if Programme.objects.filter(government=government, unit=unit, year=year).exists():
        raise ProgrammeExists
    programme = Programme.objects.create(
        government=government,
        unit=unit,
        year=year,
        notes=notes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        rulebook_version_id=current_version_id(government),
    )
    book = current_rulebook(government)
    FormulationStep.objects.bulk_create(
        FormulationStep(government=government, programme=programme, stage=stage, step=step)
        for rule_stage in book.stages
        for stage, step in units_of(rule_stage)
    )
    audit.record(actor, AuditAction.CREATE, programme, after=snapshot(programme), request=request)
    codes = [checklist.code for checklist in book.programme.checklists]
    if (
        codes
        and not ChecklistItem.objects.filter(government=government, checklist__in=codes).exists()
    ):
        load_rulebook_checklists(government=government, actor=actor, request=request)
    return programme


@transaction.atomic
def update_programme(form: forms.ModelForm, actor: Any, request: Request) -> Programme:
    return _save_form(form, actor, request)


@transaction.atomic
def save_step(
    *, form: forms.ModelForm, programme: Programme, actor: Any, request: Request = None
) -> FormulationStep:
    """Record a step of the programme's rulebook (the form's instance carries its stage and
    step codes; the record is made the first time)."""
    return _save_form(
        form,
        actor,
        request,
        government=programme.government,
        programme=programme,
        updated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def save_sensitive_area(
    form: forms.ModelForm, programme: Programme, actor: Any, request: Request
) -> SensitiveArea:
    return _save_form(form, actor, request, government=programme.government, programme=programme)


@transaction.atomic
def delete_sensitive_area(area: SensitiveArea, actor: Any, request: Request) -> None:
    _delete(area, actor, request)


# --- Scorecard --------------------------------------------------------------------------------


@transaction.atomic
def save_scorecard_item(
    form: forms.ModelForm, programme: Programme, actor: Any, request: Request
) -> ScorecardItem:
    return _save_form(form, actor, request, government=programme.government, programme=programme)


@transaction.atomic
def delete_scorecard_item(item: ScorecardItem, actor: Any, request: Request) -> None:
    for result in item.results.all():
        _delete(result, actor, request)
    _delete(item, actor, request)


@transaction.atomic
def record_result(
    item: ScorecardItem,
    *,
    period_start: Any,
    granularity: str,
    value: Any,
    note: str = "",
    actor: Any = None,
    request: Request = None,
) -> ScorecardResult:
    """Record the result of a period; a second result for the same period replaces the first."""
    existing = (
        # Ordered by pk alone: the default ordering joins nullable relations, and PostgreSQL
        # refuses FOR UPDATE on the nullable side of an outer join.
        ScorecardResult.objects.select_for_update()
        .filter(government=item.government, item=item, period_start=period_start)
        .filter(granularity=granularity)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        before = snapshot(existing)
        existing.value, existing.note = value, note
        existing.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        existing.save()
        old, new = audit.changed(before, snapshot(existing))
        if new:
            audit.record(
                actor, AuditAction.UPDATE, existing, before=old, after=new, request=request
            )
        return existing
    result = ScorecardResult.objects.create(
        government=item.government,
        item=item,
        period_start=period_start,
        granularity=granularity,
        value=value,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor, AuditAction.CREATE, result, after=snapshot(result), request=request)
    return result


@transaction.atomic
def delete_result(result: ScorecardResult, actor: Any, request: Request) -> None:
    _delete(result, actor, request)


# --- Implementation records --------------------------------------------------------


@transaction.atomic
def save_declaration(
    form: forms.ModelForm,
    programme: Programme,
    attendees: Iterable[Employee],
    actor: Any,
    request: Request,
) -> Declaration:
    declaration = _save_form(
        form, actor, request, government=programme.government, programme=programme
    )
    wanted = {employee.pk for employee in attendees}
    current = set(
        DeclarationAttendee.objects.filter(declaration=declaration).values_list(
            "employee_id", flat=True
        )
    )
    if wanted != current:
        DeclarationAttendee.objects.filter(
            declaration=declaration, employee_id__in=current - wanted
        ).delete()
        DeclarationAttendee.objects.bulk_create(
            DeclarationAttendee(
                government=programme.government, declaration=declaration, employee_id=pk
            )
            for pk in wanted - current
        )
        audit.record(
            actor,
            AuditAction.UPDATE,
            declaration,
            before={"attendees": sorted(current)},
            after={"attendees": sorted(wanted)},
            request=request,
        )
    return declaration


@transaction.atomic
def save_engagement(
    form: forms.ModelForm, programme: Programme, kind: str, actor: Any, request: Request
) -> Engagement:
    return _save_form(
        form, actor, request, government=programme.government, programme=programme, kind=kind
    )


@transaction.atomic
def delete_engagement(engagement: Engagement, actor: Any, request: Request) -> None:
    _detach_all(engagement=engagement, actor=actor, request=request)
    _delete(engagement, actor, request)


@transaction.atomic
def save_institutional_change(
    form: forms.ModelForm,
    programme: Programme,
    values: Iterable[CoreValue],
    actor: Any,
    request: Request,
) -> InstitutionalChange:
    change = _save_form(form, actor, request, government=programme.government, programme=programme)
    wanted = {value.pk for value in values}
    current = set(
        InstitutionalChangeValue.objects.filter(change=change).values_list("value_id", flat=True)
    )
    if wanted != current:
        InstitutionalChangeValue.objects.filter(
            change=change, value_id__in=current - wanted
        ).delete()
        InstitutionalChangeValue.objects.bulk_create(
            InstitutionalChangeValue(government=programme.government, change=change, value_id=pk)
            for pk in wanted - current
        )
        audit.record(
            actor,
            AuditAction.UPDATE,
            change,
            before={"values": sorted(current)},
            after={"values": sorted(wanted)},
            request=request,
        )
    return change


@transaction.atomic
def delete_institutional_change(change: InstitutionalChange, actor: Any, request: Request) -> None:
    InstitutionalChangeValue.objects.filter(change=change).delete()
    _detach_all(change=change, actor=actor, request=request)
    _delete(change, actor, request)


@transaction.atomic
def answer_checklist(
    programme: Programme,
    item: ChecklistItem,
    *,
    met: bool,
    note: str,
    actor: Any,
    request: Request = None,
) -> ChecklistAnswer:
    answer, created = ChecklistAnswer.objects.select_for_update().get_or_create(
        government=programme.government, programme=programme, item=item
    )
    before = {} if created else snapshot(answer)
    answer.met, answer.note = met, note
    answer.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    answer.save()
    old, new = audit.changed(before, snapshot(answer))
    if created:
        audit.record(actor, AuditAction.CREATE, answer, after=snapshot(answer), request=request)
    elif new:
        audit.record(actor, AuditAction.UPDATE, answer, before=old, after=new, request=request)
    return answer


# --- Evidence -------------------------------------------------------------------------------------


@transaction.atomic
def attach_evidence(
    programme: Programme,
    target: models.Model,
    *,
    upload: Any = None,
    url: str = "",
    title: str = "",
    actor: Any = None,
    request: Request = None,
) -> ProgrammeEvidence:
    """Store a file or a link (budaya/activities/evidence.py) and attach it to one part of the
    programme. Raises ``ValidationError`` when the file or the address is refused."""
    field = TARGET_FIELDS[type(target)]
    common = {"government": programme.government, "unit": programme.unit, "actor": actor}
    if upload is not None:
        evidence = store_file(**common, upload=upload, request=request, title=title)
    else:
        evidence = store_link(**common, url=url, title=title, request=request)
    link = ProgrammeEvidence.objects.create(
        government=programme.government,
        programme=programme,
        evidence=evidence,
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{field: target},
    )
    audit.record(actor, AuditAction.CREATE, link, after=snapshot(link), request=request)
    return link


@transaction.atomic
def detach_evidence(link: ProgrammeEvidence, actor: Any, request: Request = None) -> None:
    """Remove the link; the evidence itself goes too when nothing else uses it."""
    evidence = link.evidence
    _delete(link, actor, request)
    delete_if_unused(evidence, actor, request)


def _detach_all(*, actor: Any, request: Request, **target: Any) -> None:
    for link in ProgrammeEvidence.objects.filter(**target).select_related("evidence"):
        detach_evidence(link, actor, request)


@transaction.atomic
def answer_for(
    programme: Programme, item: ChecklistItem, actor: Any, request: Request = None
) -> ChecklistAnswer:
    """The programme's answer to a checklist item, made (not met) when evidence comes first."""
    answer = ChecklistAnswer.objects.filter(programme=programme, item=item).first()
    if answer is None:
        answer = answer_checklist(programme, item, met=False, note="", actor=actor, request=request)
    return answer
