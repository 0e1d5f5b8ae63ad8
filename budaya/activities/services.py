"""Every write of the activity log, forms of activity and obligations, audited."""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya import bulk
from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role
from budaya.accounts.selectors import people_of
from budaya.activities import aggregates
from budaya.activities import evidence as evidence_files
from budaya.activities import obligations as schedule
from budaya.activities.models import (
    Activity,
    ActivityEvidence,
    ActivityForm,
    ActivityParticipant,
    ActivityValue,
    Evidence,
    Obligation,
    ObligationReminder,
)
from budaya.activities.selectors import done_dates
from budaya.events import announce
from budaya.frameworks.models import CoreValue
from budaya.org.models import Employee, Government, Unit
from budaya.rulebook.selectors import current_rulebook

ACTIVITY_FIELDS = (
    "unit",
    "date",
    "time",
    "status",
    "form",
    "title",
    "participants_count",
    "participant_names",
    "description",
    "problems",
    "solutions",
)
NIP = re.compile(r"\b(\d{18})\b")


def _snapshot(
    activity: Activity,
    *,
    values: Iterable[int] | None = None,
    evidence: Iterable[int] | None = None,
) -> dict[str, Any]:
    """The audited state; ``values`` and ``evidence`` (ids) when the caller has just written
    them, else read back."""
    snapshot = audit.snapshot(activity, ACTIVITY_FIELDS)
    if values is None:
        values = ActivityValue.objects.filter(activity=activity).values_list("value_id", flat=True)
    if evidence is None:
        evidence = ActivityEvidence.objects.filter(activity=activity).values_list(
            "evidence_id", flat=True
        )
    snapshot["values"], snapshot["evidence"] = sorted(values), sorted(evidence)
    return snapshot


def _set_values(activity: Activity, values: Iterable[CoreValue]) -> None:
    """Link the values of an activity already stored (a new one's: ``create_activity``)."""
    wanted = {value.pk for value in values}
    links = ActivityValue.objects.filter(activity=activity)
    links.exclude(value_id__in=wanted).delete()
    have = set(links.values_list("value_id", flat=True))
    ActivityValue.objects.bulk_create(
        ActivityValue(government_id=activity.government_id, activity=activity, value_id=pk)
        for pk in sorted(wanted - have)
    )


def _set_participants(activity: Activity, *, new: bool = False) -> None:
    """Lines of the participants field that carry a NIP link the employee of the government."""
    nips = set(NIP.findall(activity.participant_names))
    employees = (
        set(
            Employee.objects.filter(government_id=activity.government_id, nip__in=nips).values_list(
                "pk", flat=True
            )
        )
        if nips
        else set()
    )
    have: set[int] = set()
    if not new:
        links = ActivityParticipant.objects.filter(activity=activity)
        links.exclude(employee_id__in=employees).delete()
        have = set(links.values_list("employee_id", flat=True))
    ActivityParticipant.objects.bulk_create(
        ActivityParticipant(government_id=activity.government_id, activity=activity, employee_id=pk)
        for pk in sorted(employees - have)
    )


def _store_files(
    activity: Activity,
    data: dict[str, Any],
    actor: Any,
    request: HttpRequest | None,
    stored: list[Evidence],
    changes: list[audit.Change] | None = None,
) -> None:
    """The uploaded files of ``data`` stored as evidence, each inserted on its own."""
    government, unit = activity.government, activity.unit
    for prepared in [*data.get("photos", []), *data.get("documents", [])]:
        item = evidence_files.store_prepared(
            government=government,
            unit=unit,
            prepared=prepared,
            actor=actor,
            request=request,
            title=activity.title,
            changes=changes,
        )
        stored.append(item)


def _link_evidence(activity: Activity, items: list[Evidence]) -> None:
    ActivityEvidence.objects.bulk_create(
        ActivityEvidence(government_id=activity.government_id, activity=activity, evidence=item)
        for item in items
    )


def _add_evidence(
    activity: Activity,
    data: dict[str, Any],
    actor: Any,
    request: HttpRequest | None,
    stored: list[Evidence],
) -> None:
    """The uploaded files and the link of ``data`` stored as evidence of ``activity`` (an
    activity already stored; a new one's: ``create_activity``), each audited on its own."""
    _store_files(activity, data, actor, request, stored)
    link = _link_of(activity, data)
    if link:
        stored.append(
            evidence_files.store_link(
                government=activity.government,
                unit=activity.unit,
                url=link[0],
                title=link[1],
                actor=actor,
                request=request,
            )
        )
    _link_evidence(activity, stored)


def _forget_files(stored: list[Evidence]) -> None:
    """A write that rolled back must not leave its uploaded files behind."""
    for item in stored:
        if item.kind == Evidence.Kind.FILE:
            evidence_files._delete_files(item.file.name or "", item.thumbnail.name or "")


def create_activity(
    *,
    government: Government,
    data: dict[str, Any],
    actor: Any,
    request: HttpRequest | None = None,
) -> Activity:
    """Record an activity with its values, participants and evidence (``data``: the cleaned
    data of ``ActivityEditForm``).

    The hot write (issue 25): one transaction, each kind of row inserted once, by statements
    made once per model (``bulk.new_rows``): the activity and its link as evidence together;
    then its values and evidence links, its form's and its values' month cells (one upsert
    each, ``aggregates.recorded``; the government's month of the province views follows the
    form's cell by a trigger) and the chain's lock together; then every audit entry (the
    evidence's and the activity's) in one insert with the chain's head: last, so the locks are
    held for the shortest time. On PostgreSQL each "together" is one round trip
    (``bulk.together``). Nothing is acknowledged before the commit."""
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            activity = Activity(government=government, created_by=actor)
            for name in ACTIVITY_FIELDS:
                if name in data:
                    setattr(activity, name, data[name])
            activity.time = data.get("time")
            activity.participants_count = data.get("participants_count") or 0
            activity.status = data.get("status") or Activity.Status.DONE
            changes: list[audit.Change] = []
            # Files first (each stored and inserted on its own); the link and the activity
            # inserted together, in one round trip, with statements made once per model.
            _store_files(activity, data, actor, request, stored, changes)
            link = _new_link(activity, data, actor)
            bulk.save_new([activity], [link] if link else [])
            if link:
                stored.append(link)
                changes.append((AuditAction.CREATE, link, None, evidence_files.audited(link)))
            values = data.get("values") or []
            _set_participants(activity, new=True)
            value_ids = [value.pk for value in values]
            after = _snapshot(activity, values=value_ids, evidence=[item.pk for item in stored])
            changes.append((AuditAction.CREATE, activity, None, after))
            # Its values and evidence linked, then the month cells, then the chain's lock, in
            # one round trip; the audit entries and the chain's head in another, then the
            # commit: three round trips under the locks.
            links = [
                ActivityValue(government_id=government.pk, activity=activity, value_id=pk)
                for pk in sorted(set(value_ids))
            ]
            evidence_links = [
                ActivityEvidence(government_id=government.pk, activity=activity, evidence=item)
                for item in stored
            ]
            cells = [
                *(bulk.new_rows(rows, returning=False) for rows in (links, evidence_links) if rows),
                *aggregates.recorded(activity, value_ids),
            ]
            audit.record_many(actor, changes, request, government=government, first=cells)
    except Exception:
        _forget_files(stored)
        raise
    return activity


def _link_of(activity: Activity, data: dict[str, Any]) -> tuple[str, str] | None:
    """The link of ``data`` as evidence: its address, and its title (the activity's if none)."""
    if not data.get("link_url"):
        return None
    return data["link_url"], data.get("link_title") or activity.title


def _new_link(activity: Activity, data: dict[str, Any], actor: Any) -> Evidence | None:
    link = _link_of(activity, data)
    if link is None:
        return None
    return evidence_files.new_link(
        government=activity.government, unit=activity.unit, url=link[0], title=link[1], actor=actor
    )


def update_activity(
    activity: Activity,
    *,
    data: dict[str, Any],
    actor: Any,
    request: HttpRequest | None = None,
) -> Activity:
    stored: list[Evidence] = []
    removed: list[Evidence] = []
    try:
        with transaction.atomic():
            stored_before = Activity.objects.select_for_update().get(pk=activity.pk)
            before = _snapshot(stored_before)
            for name in ACTIVITY_FIELDS:
                if name in data:
                    setattr(activity, name, data[name])
            activity.participants_count = data.get("participants_count") or 0
            activity.status = data.get("status") or Activity.Status.DONE
            # ``updated_at`` moves only when something changed (below): a report marks the row
            # of an activity edited after its submission (issue 17), not one saved unchanged.
            activity.save(update_fields=[*ACTIVITY_FIELDS])
            activity.updated_at = stored_before.updated_at
            values = data.get("values") or []
            aggregates.changed(
                stored_before, activity, before["values"], [value.pk for value in values]
            )
            _set_values(activity, values)
            _set_participants(activity)
            removed = list(data.get("remove_evidence") or [])
            if removed:
                ActivityEvidence.objects.filter(activity=activity, evidence__in=removed).delete()
            _add_evidence(activity, data, actor, request, stored)
            old, new = audit.changed(before, _snapshot(activity))
            if new:
                activity.updated_at = timezone.now()
                Activity.objects.filter(pk=activity.pk).update(updated_at=activity.updated_at)
                audit.record(
                    actor, AuditAction.UPDATE, activity, before=old, after=new, request=request
                )
            for item in removed:
                evidence_files.delete_if_unused(item, actor, request)
    except Exception:
        _forget_files(stored)
        raise
    return activity


def is_cited(activity: Activity) -> bool:
    """Whether a submitted report version cites the activity (a Tabel 1 row made from it)."""
    return activity.citations.exists()


def cited_message() -> str:
    return _(
        "This activity is cited by a submitted monitoring report, so it cannot be deleted. "
        "It can still be edited; the report then marks its row as changed since submitted."
    )


@transaction.atomic
def delete_activity(activity: Activity, actor: Any, request: HttpRequest | None = None) -> None:
    """Delete an activity; evidence that only it used goes with it (audited too).

    Refused (``ValidationError``, nothing deleted) while a submitted report version cites it:
    a submitted version is never changed, so what it cites stays (issue 17)."""
    # Locked, so a submission citing it cannot slip in between the check and the delete.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if is_cited(activity):
        raise ValidationError(cited_message(), code="cited")
    before = _snapshot(activity)
    items = list(Evidence.objects.filter(activity_links__activity=activity))
    named = copy.copy(activity)  # delete() forgets the primary key the entry names
    try:
        activity.delete()
    except RestrictedError as error:  # cited meanwhile: the database refuses too
        raise ValidationError(cited_message(), code="cited") from error
    # The cells before the audit chain's lock, as every activity write takes them.
    aggregates.deleted(activity, before["values"])
    audit.record(actor, AuditAction.DELETE, named, before=before, request=request)
    for item in items:
        evidence_files.delete_if_unused(item, actor, request)


# --- Forms of activity ---------------------------------------------------------------------------


@transaction.atomic
def ensure_forms(
    government: Government, actor: Any = None, request: HttpRequest | None = None
) -> list[ActivityForm]:
    """Add the forms of activity of the government's rulebook (``activities.forms``: S Lampiran
    C.3, T Lampiran II II.2) that it does not have yet (by code); existing forms are left as the
    administrator made them. The source is the rulebook's citation."""
    book = current_rulebook(government)
    have = set(ActivityForm.objects.filter(government=government).values_list("code", flat=True))
    created = [
        ActivityForm.objects.create(
            government=government,
            code=spec.code,
            name=spec.name[:120],
            description=spec.description,
            source=book.cite(spec)[:160],
            order=(index + 1) * 10,
        )
        for index, spec in enumerate(book.activities.forms)
        if spec.code not in have
    ]
    if created:
        audit.record_many(
            actor,
            [(AuditAction.CREATE, form, None, audit.snapshot(form)) for form in created],
            request,
            government=government,
        )
    return created


@transaction.atomic
def ensure_obligations(
    *,
    government: Government,
    starts_on: datetime.date | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> list[Obligation]:
    """Add the recurring obligations of the government's rulebook (``activities.obligations``:
    twibbon on the 17th, S Lampiran C.3 huruf e) that it does not have yet (by name), with
    their forms of activity; existing ones are left as the administrator made them."""
    book = current_rulebook(government)
    if not book.activities.obligations:
        return []
    ensure_forms(government, actor, request)
    forms = {form.code: form for form in ActivityForm.objects.filter(government=government)}
    have = set(Obligation.objects.filter(government=government).values_list("name", flat=True))
    start = starts_on or timezone.localdate().replace(month=1, day=1)
    created = []
    for spec in book.activities.obligations:
        if spec.name in have or spec.form not in forms:
            continue
        obligation = Obligation(
            government=government,
            name=spec.name[:200],
            form=forms[spec.form],
            frequency=spec.frequency,
            day=spec.day,
            grace_days=spec.grace_days,
            remind_days_before=spec.remind_days,
            starts_on=start,
            source=book.cite(spec)[:160],
        )
        obligation.full_clean()
        obligation.save()
        created.append(obligation)
    if created:
        audit.record_many(
            actor,
            [(AuditAction.CREATE, item, None, audit.snapshot(item)) for item in created],
            request,
            government=government,
        )
    return created


FORM_FIELDS = ("code", "name", "description", "source", "order", "active")


@transaction.atomic
def save_form(form: ActivityForm, actor: Any, request: HttpRequest | None = None) -> ActivityForm:
    if form.pk is None:
        form.save()
        audit.record(
            actor,
            AuditAction.CREATE,
            form,
            after=audit.snapshot(form, FORM_FIELDS),
            request=request,
        )
        return form
    before = audit.snapshot(ActivityForm.objects.get(pk=form.pk), FORM_FIELDS)
    form.save()
    old, new = audit.changed(before, audit.snapshot(form, FORM_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, form, before=old, after=new, request=request)
    return form


# --- Obligations ------------------------------------------------------------------------------

OBLIGATION_FIELDS = (
    "name",
    "form",
    "frequency",
    "day",
    "grace_days",
    "remind_days_before",
    "starts_on",
    "ends_on",
    "source",
    "active",
)


@transaction.atomic
def save_obligation(
    obligation: Obligation, actor: Any, request: HttpRequest | None = None
) -> Obligation:
    if obligation.pk is None:
        obligation.save()
        audit.record(
            actor,
            AuditAction.CREATE,
            obligation,
            after=audit.snapshot(obligation, OBLIGATION_FIELDS),
            request=request,
        )
        return obligation
    before = audit.snapshot(Obligation.objects.get(pk=obligation.pk), OBLIGATION_FIELDS)
    obligation.save()
    old, new = audit.changed(before, audit.snapshot(obligation, OBLIGATION_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, obligation, before=old, after=new, request=request)
    return obligation


# --- Reminders --------------------------------------------------------------------------------


def send_obligation_reminders(today: datetime.date) -> list[str]:
    """Remind each agency of the occurrences within their reminder window that it has not done
    yet: one e-mail per occurrence and agency, never twice (``ObligationReminder``)."""
    sent: list[str] = []
    obligations = (
        Obligation.objects.filter(active=True, remind_days_before__isnull=False)
        .select_related("form", "government")
        .order_by("government_id", "name")
    )
    by_government: dict[int, list[Obligation]] = {}
    for obligation in obligations:
        by_government.setdefault(obligation.government_id, []).append(obligation)
    for items in by_government.values():
        government = items[0].government
        agencies = list(
            Unit.objects.filter(
                government=government, parent__isnull=True, active_to__isnull=True
            ).order_by("path")
        )
        horizon = today + datetime.timedelta(days=max(o.remind_days_before or 0 for o in items))
        dates = done_dates(
            agencies,
            sorted({o.form_id for o in items}),
            today - datetime.timedelta(days=31),
            horizon + datetime.timedelta(days=max(o.grace_days for o in items)),
        )
        already = set(
            ObligationReminder.objects.filter(
                government=government, due_on__gte=today, due_on__lte=horizon
            ).values_list("obligation_id", "unit_id", "due_on")
        )
        for obligation in items:
            window = today + datetime.timedelta(days=obligation.remind_days_before or 0)
            for occurrence in schedule.occurrences(obligation, today, window):
                for agency in agencies:
                    key = (obligation.pk, agency.pk, occurrence.due_on)
                    if key in already or schedule.is_met(
                        occurrence, dates.get((agency.pk, obligation.form_id), [])
                    ):
                        continue
                    count = _remind(obligation, agency, occurrence)
                    if count is not None:
                        sent.append(
                            f"{government.slug}: {obligation.name}, {agency.name}, "
                            f"{occurrence.due_on:%Y-%m-%d} ({count})"
                        )
    return sent


def _remind(obligation: Obligation, agency: Unit, occurrence: schedule.Occurrence) -> int | None:
    """Record the reminder first (the unique key makes it once only), then announce it to the
    agency's unit head and team: the notifications tell them (issue 20: one way to send)."""
    recipients = people_of(agency, [Role.UNIT_HEAD, Role.UNIT_TEAM])
    try:
        with transaction.atomic():
            ObligationReminder.objects.create(
                government_id=obligation.government_id,
                obligation=obligation,
                unit=agency,
                due_on=occurrence.due_on,
                recipients=len(recipients),
            )
    except IntegrityError:
        return None  # another run sent it meanwhile
    announce(
        kind="activities.obligation.due",
        government_id=obligation.government_id,
        recipient_ids=recipients,
        url=reverse("activities:create", args=[obligation.government.slug]),
        key=f"activities.obligation.due:{obligation.pk}:{agency.pk}:{occurrence.due_on}",
        context={
            "name": obligation.name,
            "agency": agency.name,
            "date": occurrence.due_on.strftime("%d-%m-%Y"),
            "form": obligation.form.name,
            "source": obligation.source,
        },
    )
    return len(recipients)
