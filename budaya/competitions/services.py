"""Every write of competitions: in one transaction with its audit entry, refused by the timeline
(registration → submission → judging → announcement) and by who the actor is.

A judge never scores an entry of their own agency nor of an agency they declared a conflict of
interest with: ``score_entry`` refuses it whatever the page offered (T Pasal 11: the head of
government coordinates the competitions; the city team organises them fairly).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role, RoleGrant
from budaya.activities import evidence as evidence_store
from budaya.activities.models import Activity, Evidence
from budaya.competitions import selectors
from budaya.competitions.models import (
    MAX_SCORE,
    Award,
    Category,
    Competition,
    Criterion,
    Entry,
    EntryActivity,
    EntryEvidence,
    EntryPlan,
    Judge,
    JudgeScore,
    Phase,
)
from budaya.events import announce
from budaya.org.models import Government, Unit
from budaya.problems.models import ActionPlan
from budaya.teams.models import Team

COMPETITION_FIELDS = (
    "name",
    "kind",
    "year",
    "description",
    "organiser",
    "team_kinds",
    "unit_kinds",
    "opens_on",
    "registration_closes",
    "submission_closes",
    "judging_closes",
    "announce_on",
    "winners",
    "normalise",
    "rules_document",
    "published_at",
)
MAX_CATEGORIES = 20
MAX_CRITERIA = 20
MAX_LINKS = 10


def _organising(actor: Any, government: Government) -> None:
    from budaya.org.selectors import is_city_admin

    if not is_city_admin(actor, government):
        raise PermissionDenied


def check_timeline(
    *,
    opens_on: datetime.date,
    registration_closes: datetime.date,
    submission_closes: datetime.date,
    judging_closes: datetime.date,
    announce_on: datetime.date,
) -> None:
    """Registration, submission, judging and announcement follow one another."""
    if not opens_on <= registration_closes <= submission_closes < judging_closes < announce_on:
        raise ValidationError(
            _(
                "The dates must follow one another: registration opens, registration closes, "
                "the submission deadline, judging closes (after the deadline), then the "
                "announcement (after judging)."
            )
        )


def _categories(names: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(name.split())[:160] for name in names if name.strip()))
    if not cleaned:
        raise ValidationError(_("Give at least one category."))
    if len(cleaned) > MAX_CATEGORIES:
        raise ValidationError(_("At most %(count)s categories.") % {"count": MAX_CATEGORIES})
    return cleaned


@transaction.atomic
def create_competition(
    *,
    government: Government,
    fields: dict[str, Any],
    categories: list[str],
    rules_upload: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Competition:
    """A competition organised by the city team, with its categories and rules document."""
    _organising(actor, government)
    names = _categories(categories)
    check_timeline(**{k: fields[k] for k in _TIMELINE})
    _check_organiser(government, fields.get("organiser"))
    competition = Competition(government=government, created_by=actor, **fields)
    if rules_upload is not None:
        competition.rules_document = evidence_store.store_prepared(
            government=government,
            unit=None,
            prepared=rules_upload,
            actor=actor,
            request=request,
            title=_("Rules of %(name)s") % {"name": fields["name"]},
        )
    competition.save()
    Category.objects.bulk_create(
        Category(government=government, competition=competition, name=name, order=number)
        for number, name in enumerate(names)
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        competition,
        after={**audit.snapshot(competition, COMPETITION_FIELDS), "categories": names},
        request=request,
    )
    return competition


_TIMELINE = (
    "opens_on",
    "registration_closes",
    "submission_closes",
    "judging_closes",
    "announce_on",
)


def _check_organiser(government: Government, team: Team | None) -> None:
    if team is not None and (team.government_id != government.pk or team.unit_id is not None):
        raise ValidationError(_("The organiser is a team of the whole government."))


@transaction.atomic
def update_competition(
    *,
    competition: Competition,
    fields: dict[str, Any],
    rules_upload: Any = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Competition:
    """Change a competition until its results are published."""
    _organising(actor, competition.government)
    if competition.published_at is not None:
        raise ValidationError(_("The results are published; the competition no longer changes."))
    before = audit.snapshot(competition, COMPETITION_FIELDS)
    check_timeline(**{k: fields.get(k, getattr(competition, k)) for k in _TIMELINE})
    _check_organiser(competition.government, fields.get("organiser"))
    for name, value in fields.items():
        setattr(competition, name, value)
    if rules_upload is not None:
        competition.rules_document = evidence_store.store_prepared(
            government=competition.government,
            unit=None,
            prepared=rules_upload,
            actor=actor,
            request=request,
            title=_("Rules of %(name)s") % {"name": competition.name},
        )
    competition.save()
    audit.record(
        actor,
        AuditAction.UPDATE,
        competition,
        before=before,
        after=audit.snapshot(competition, COMPETITION_FIELDS),
        request=request,
    )
    return competition


def _before_judging(competition: Competition) -> None:
    if competition.phase() not in (Phase.UPCOMING, Phase.REGISTRATION, Phase.SUBMISSION):
        raise ValidationError(_("Judging has started: the rubric and the jury no longer change."))


@transaction.atomic
def add_criterion(
    *,
    competition: Competition,
    name: str,
    weight: int,
    descriptors: dict[int, str],
    actor: Any,
    request: HttpRequest | None = None,
) -> Criterion:
    """A criterion of the rubric; the weights may not exceed 100 together, and judging opens
    only when they make 100."""
    _organising(actor, competition.government)
    _before_judging(competition)
    existing = selectors.criteria_of(competition)
    if len(existing) >= MAX_CRITERIA:
        raise ValidationError(_("At most %(count)s criteria.") % {"count": MAX_CRITERIA})
    if not 1 <= weight <= 100 or selectors.weight_sum(existing) + weight > 100:
        raise ValidationError(
            _("The weights may make at most 100 together; %(left)s are left.")
            % {"left": 100 - selectors.weight_sum(existing)}
        )
    missing = [score for score in range(1, MAX_SCORE + 1) if not descriptors.get(score, "").strip()]
    if missing:
        raise ValidationError(_("Say what each score from 1 to 5 means."))
    name = " ".join(name.split())[:200]
    if any(c.name.lower() == name.lower() for c in existing):
        raise ValidationError(_("The rubric already has this criterion."))
    criterion = Criterion.objects.create(
        government=competition.government,
        competition=competition,
        name=name,
        weight=weight,
        descriptors={str(k): v.strip()[:500] for k, v in descriptors.items()},
        order=len(existing),
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        criterion,
        after=audit.snapshot(criterion, ("competition", "name", "weight", "descriptors")),
        request=request,
    )
    return criterion


@transaction.atomic
def remove_criterion(
    *, criterion: Criterion, actor: Any, request: HttpRequest | None = None
) -> None:
    _organising(actor, criterion.government)
    _before_judging(criterion.competition)
    before = audit.snapshot(criterion, ("competition", "name", "weight", "descriptors"))
    audit.record(actor, AuditAction.DELETE, criterion, before=before, request=request)
    criterion.delete()


@transaction.atomic
def assign_judge(
    *,
    category: Category,
    user: Any,
    declared: Iterable[Unit],
    declaration: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Judge:
    """A judge of one category. Their own agencies (employee record, unit grants) and the
    agencies they declare are their conflicts of interest: they score no entry of them."""
    competition = category.competition
    _organising(actor, competition.government)
    _before_judging(competition)
    government = competition.government
    if not RoleGrant.objects.filter(user=user, government=government).exists():
        raise ValidationError(_("A judge holds a role in this government."))
    if Judge.objects.filter(government=government, category=category, user=user).exists():
        raise ValidationError(_("This person already judges this category."))
    declared_ids = {unit.pk for unit in declared if unit.government_id == government.pk}
    conflicts = sorted(selectors.own_agencies(user, government) | declared_ids)
    judge = Judge.objects.create(
        government=government,
        competition=competition,
        category=category,
        user=user,
        conflicts=conflicts,
        declaration=declaration.strip()[:2000],
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        judge,
        after=audit.snapshot(judge, ("category", "user", "conflicts", "declaration")),
        request=request,
    )
    return judge


# --- Entries -----------------------------------------------------------------------------------

ENTRY_FIELDS = ("competition", "category", "team", "unit", "title", "summary", "status")


@transaction.atomic
def create_entry(
    *,
    competition: Competition,
    category: Category,
    team: Team,
    title: str,
    summary: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Entry:
    """Register a team's entry while registration is open."""
    if competition.phase() != Phase.REGISTRATION:
        raise ValidationError(_("Registration is not open."))
    if category.competition_id != competition.pk:
        raise ValidationError(_("Choose a category of this competition."))
    unit = team.unit
    if unit is None or not selectors.eligible_teams(actor, competition).filter(pk=team.pk).exists():
        raise ValidationError(_("This team may not enter this competition."))
    if Entry.objects.filter(
        government=competition.government, competition=competition, category=category, team=team
    ).exists():
        raise ValidationError(_("This team has already entered this category."))
    entry = Entry.objects.create(
        government=competition.government,
        competition=competition,
        category=category,
        team=team,
        unit=unit,
        title=" ".join(title.split())[:200],
        summary=summary.strip()[:5000],
        created_by=actor,
    )
    audit.record(
        actor, AuditAction.CREATE, entry, after=audit.snapshot(entry, ENTRY_FIELDS), request=request
    )
    return entry


def _changing(entry: Entry, actor: Any) -> None:
    if not selectors.may_edit_entry(actor, entry):
        raise PermissionDenied
    if not entry.competition.accepts_changes:
        raise ValidationError(_("The submission deadline has passed: the entry is frozen."))
    if entry.status == Entry.Status.WITHDRAWN:
        raise ValidationError(_("The entry was withdrawn."))


def _in_agency(unit: Unit | None, entry: Entry) -> bool:
    return unit is not None and unit.path.startswith(entry.unit.path.split("/", 1)[0] + "/")


@transaction.atomic
def add_material(
    *,
    entry: Entry,
    uploads: list[Any],
    links: list[tuple[str, str]],
    evidence: Iterable[Evidence] = (),
    activities: Iterable[Activity] = (),
    plans: Iterable[ActionPlan] = (),
    actor: Any,
    request: HttpRequest | None = None,
) -> Entry:
    """Files, links and a short video (checked as every evidence: docs/evidence.md), and
    references to the agency's activities, action plans and evidence already in the system,
    which are linked, never uploaded again."""
    _changing(entry, actor)
    government = entry.government
    if len(links) > MAX_LINKS:
        raise ValidationError(_("At most %(count)s links at once.") % {"count": MAX_LINKS})
    stored = [
        evidence_store.store_prepared(
            government=government, unit=entry.unit, prepared=prepared, actor=actor, request=request
        )
        for prepared in uploads
    ]
    stored += [
        evidence_store.store_link(
            government=government,
            unit=entry.unit,
            url=url,
            title=title,
            actor=actor,
            request=request,
        )
        for url, title in links
    ]
    referenced = list(evidence)
    activities = list(activities)
    plans = list(plans)
    for item in referenced:
        if item.government_id != government.pk or not _in_agency(item.unit, entry):
            raise ValidationError(_("Only the agency's own evidence can be referenced."))
    for activity in activities:
        if activity.government_id != government.pk or not _in_agency(activity.unit, entry):
            raise ValidationError(_("Only the agency's own activities can be referenced."))
    for plan in plans:
        if plan.government_id != government.pk or not _in_agency(plan.problem.team.unit, entry):
            raise ValidationError(_("Only the agency's own action plans can be referenced."))
    have = set(EntryEvidence.objects.filter(entry=entry).values_list("evidence_id", flat=True))
    EntryEvidence.objects.bulk_create(
        EntryEvidence(government=government, entry=entry, evidence=item)
        for item in dict.fromkeys(stored + referenced)
        if item.pk not in have
    )
    have = set(EntryActivity.objects.filter(entry=entry).values_list("activity_id", flat=True))
    EntryActivity.objects.bulk_create(
        EntryActivity(government=government, entry=entry, activity=item)
        for item in dict.fromkeys(activities)
        if item.pk not in have
    )
    have = set(EntryPlan.objects.filter(entry=entry).values_list("plan_id", flat=True))
    EntryPlan.objects.bulk_create(
        EntryPlan(government=government, entry=entry, plan=item)
        for item in dict.fromkeys(plans)
        if item.pk not in have
    )
    audit.record(
        actor,
        AuditAction.UPDATE,
        entry,
        after={
            "evidence": [item.pk for item in stored + referenced],
            "activities": [item.pk for item in activities],
            "plans": [item.pk for item in plans],
        },
        request=request,
    )
    return entry


def _move(entry: Entry, status: str, actor: Any, request: HttpRequest | None) -> None:
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.status = status
    if status == Entry.Status.SUBMITTED:
        entry.submitted_at = timezone.now()
    entry.save(update_fields=["status", "submitted_at"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        entry,
        before=before,
        after=audit.snapshot(entry, ENTRY_FIELDS),
        request=request,
    )


def _organisers(government: Government) -> list[int]:
    return list(
        RoleGrant.objects.filter(government=government, role=Role.CITY_ADMIN).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def submit_entry(*, entry: Entry, actor: Any, request: HttpRequest | None = None) -> Entry:
    """Submit before the deadline; the entry stays changeable until then."""
    entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
    _changing(entry, actor)
    if entry.status == Entry.Status.SUBMITTED:
        return entry
    if not EntryEvidence.objects.filter(entry=entry).exists() and not (
        EntryActivity.objects.filter(entry=entry).exists()
        or EntryPlan.objects.filter(entry=entry).exists()
    ):
        raise ValidationError(_("Add the entry's material before submitting it."))
    _move(entry, Entry.Status.SUBMITTED, actor, request)
    announce(
        kind="competitions.entry.submitted",
        government_id=entry.government_id,
        recipient_ids=_organisers(entry.government),
        url=reverse("competitions:entry", args=[entry.government.slug, entry.pk]),
        key=f"competitions.entry.submitted:{entry.pk}",
        context={"competition": entry.competition.name, "team": entry.team.name},
        actor_id=getattr(actor, "pk", None),
    )
    return entry


@transaction.atomic
def withdraw_entry(*, entry: Entry, actor: Any, request: HttpRequest | None = None) -> Entry:
    """Withdraw before the submission deadline (after it the entry is frozen)."""
    entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
    _changing(entry, actor)
    _move(entry, Entry.Status.WITHDRAWN, actor, request)
    return entry


# --- Judging -----------------------------------------------------------------------------------


@transaction.atomic
def score_entry(
    *,
    entry: Entry,
    actor: Any,
    values: dict[int, tuple[int, str]],
    request: HttpRequest | None = None,
) -> list[JudgeScore]:
    """A judge's scores of an entry, one per criterion (1 to 5) with a comment, while judging
    is open. Refused for an entry of the judge's own agency or of a declared conflict."""
    competition = entry.competition
    judge = selectors.judge_for(actor, entry)
    if judge is None:
        raise PermissionDenied
    conflicts = set(judge.conflicts) | selectors.own_agencies(actor, competition.government)
    if selectors.agency_id(entry.unit.path) in conflicts:
        raise ValidationError(
            _(
                "You may not score an entry of your own agency or of one you declared a conflict "
                "of interest with."
            )
        )
    if competition.phase() != Phase.JUDGING:
        raise ValidationError(_("Judging is not open."))
    if entry.status != Entry.Status.SUBMITTED:
        raise ValidationError(_("Only submitted entries are judged."))
    criteria = selectors.criteria_of(competition)
    if selectors.weight_sum(criteria) != 100:
        raise ValidationError(_("The rubric's weights do not make 100 yet."))
    given: list[JudgeScore] = []
    for criterion in criteria:
        value, comment = values.get(criterion.pk, (0, ""))
        if not 1 <= value <= MAX_SCORE:
            raise ValidationError(
                _("Give every criterion a score from 1 to 5 (%(criterion)s).")
                % {"criterion": criterion.name}
            )
        score, _created = JudgeScore.objects.update_or_create(
            government=competition.government,
            entry=entry,
            judge=judge,
            criterion=criterion,
            defaults={"value": value, "comment": comment.strip()[:2000]},
        )
        given.append(score)
    audit.record(
        actor,
        AuditAction.UPDATE,
        entry,
        after={
            "judge": judge.pk,
            "scores": {str(s.criterion_id): [s.value, s.comment] for s in given},
        },
        request=request,
        object_repr=f"{entry} · {_('scores')}",
    )
    return given


# --- Results -----------------------------------------------------------------------------------


@transaction.atomic
def publish_results(
    *, competition: Competition, actor: Any, request: HttpRequest | None = None
) -> list[Award]:
    """Publish on or after the announcement day, once judging has closed: the winners of each
    category (ranks up to ``winners``; shared ranks both win) become awards."""
    _organising(actor, competition.government)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.published_at is not None:
        raise ValidationError(_("The results are already published."))
    if competition.phase() != Phase.CLOSED or timezone.localdate() < competition.announce_on:
        raise ValidationError(
            _("The results are published from the announcement day, %(day)s.")
            % {"day": competition.announce_on.strftime("%d-%m-%Y")}
        )
    awards = [
        Award(
            government=competition.government,
            competition=competition,
            entry=line.entry,
            rank=line.rank,
            total=line.raw,
            note=line.tie[:300],
        )
        for _category, lines in selectors.ranking_of(competition)
        for line in lines
        if line.rank is not None and line.raw is not None and line.rank <= competition.winners
    ]
    if not awards:
        raise ValidationError(_("No entry has been scored by the jury yet."))
    awards = Award.objects.bulk_create(awards)
    competition.published_at = timezone.now()
    competition.save(update_fields=["published_at"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        competition,
        after={
            "published_at": competition.published_at.isoformat(),
            "awards": [[a.entry_id, a.rank, str(a.total)] for a in awards],
        },
        request=request,
    )
    entrants = Entry.objects.filter(
        government=competition.government, competition=competition
    ).values_list("created_by_id", flat=True)
    judges = Judge.objects.filter(
        government=competition.government, competition=competition
    ).values_list("user_id", flat=True)
    announce(
        kind="competitions.results.published",
        government_id=competition.government_id,
        recipient_ids={pk for pk in [*entrants, *judges] if pk},
        url=reverse("competitions:results", args=[competition.government.slug, competition.pk]),
        key=f"competitions.results.published:{competition.pk}",
        context={"competition": competition.name},
        actor_id=getattr(actor, "pk", None),
    )
    return awards
