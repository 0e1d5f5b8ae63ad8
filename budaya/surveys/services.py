"""Every write of surveys, 360 rounds and the employee's commitment (issue 22).

One transaction each, with its audit entry. Answering writes the answers where no one can tell
whose they are (``submit``); the audit trail records that the person answered, never what.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Field, Model, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya import bulk, events
from budaya.accounts import audit
from budaya.accounts.models import AuditAction, User
from budaya.frameworks.models import CoreValue, FrameworkVersion
from budaya.org.models import Employee, Government, Unit
from budaya.programme.models import Declaration
from budaya.surveys import anonymity, results
from budaya.surveys.models import (
    Commitment,
    Figure,
    Invitation,
    Item,
    NationalIndex,
    Questionnaire,
    Relation,
    Response,
    Scale,
    Survey,
    SurveyPolicy,
    Tally,
    TwibbonConfirmation,
)

COMMENT = "comment"
COMMENT_LIMIT = 1000


# --- The government's thresholds ---------------------------------------------------------------


def policy_of(government: Government) -> SurveyPolicy:
    policy = SurveyPolicy.objects.filter(government=government).first()
    return policy or SurveyPolicy(government=government)


@transaction.atomic
def set_policy(
    *, actor: Any, government: Government, k: int, peers: int, subordinates: int
) -> SurveyPolicy:
    """k between 3 and 10; never lowered while a survey is open (its respondents were promised
    the k it opened with, which it keeps in ``Survey.k`` anyway)."""
    if not anonymity.MIN_K <= k <= anonymity.MAX_K:
        raise ValidationError(
            _("The minimum group size must be between %(low)s and %(high)s.")
            % {"low": anonymity.MIN_K, "high": anonymity.MAX_K}
        )
    policy = policy_of(government)
    before = audit.snapshot(policy, ["k", "peers", "subordinates"]) if policy.pk else None
    if policy.pk and k < policy.k and _open_surveys(government).exists():
        raise ValidationError(_("The minimum group size cannot be lowered while a survey is open."))
    policy.k, policy.peers, policy.subordinates = k, peers, subordinates
    policy.full_clean()
    policy.save()
    audit.record(
        actor,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        policy,
        before,
        audit.snapshot(policy, ["k", "peers", "subordinates"]),
        object_repr=_("Survey thresholds"),
    )
    return policy


def _open_surveys(government: Government) -> Any:
    return Survey.objects.filter(government=government, status=Survey.Status.OPEN)


# --- Questionnaires ------------------------------------------------------------------------------


@transaction.atomic
def generate_questionnaire(
    *,
    actor: Any,
    government: Government,
    version: FrameworkVersion,
    name: str,
    scale: str,
    comments: bool,
    source: str,
) -> Questionnaire:
    """One item per behaviour guide (``source="guides"``) or manifestation (S Tabel 3: the 50
    manifestations) of each core value of the framework version, or one per value from its
    definition (``"values"``: a framework that states no behaviours, such as one of a regional
    regulation's Pasal)."""
    if scale not in Scale.values:
        raise ValidationError(_("Choose a scale."))
    questionnaire = Questionnaire.objects.create(
        government=government,
        name=name.strip()[:200],
        framework_version=version,
        scale=scale,
        comments=comments,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    items: list[Item] = []
    values = CoreValue.objects.filter(version=version).order_by("order")
    rows: list[tuple[CoreValue, str, str]]
    if source == "values":
        rows = [
            (value, f"{value.name}: {value.definition}".rstrip(": "), f"value:{value.pk}")
            for value in values
        ]
    else:
        related = "manifestations" if source == "manifestations" else "guides"
        rows = [
            (value, row.text, f"{related[:-1]}:{row.pk}")
            for value in values.prefetch_related(related)
            for row in getattr(value, related).all()
        ]
    for order, (value, text, origin) in enumerate(rows, start=1):
        items.append(
            Item(
                government=government,
                questionnaire=questionnaire,
                order=order,
                value=value,
                text_id=text[:600],
                origin=origin,
            )
        )
    if not items:
        raise ValidationError(_("This framework version has no behaviours to ask about."))
    Item.objects.bulk_create(items)
    audit.record(
        actor,
        AuditAction.CREATE,
        questionnaire,
        None,
        {"name": questionnaire.name, "scale": scale, "item_count": len(items)},
    )
    return questionnaire


def _next_version(actor: Any, questionnaire: Questionnaire) -> Questionnaire:
    """A copy of a locked questionnaire with its items, numbered after the latest of its line."""
    items = list(questionnaire.items.all())
    copy = Questionnaire.objects.create(
        government=questionnaire.government,
        name=questionnaire.name,
        framework_version=questionnaire.framework_version,
        scale=questionnaire.scale,
        comments=questionnaire.comments,
        number=questionnaire.number + 1,
        previous=questionnaire,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for item in items:
        item.pk = None
        item.questionnaire = copy
    Item.objects.bulk_create(items)
    return copy


@transaction.atomic
def edit_item(*, actor: Any, item: Item, text_id: str, text_en: str) -> Item:
    """Change an item's wording. An questionnaire a survey has used is never changed: the edit goes
    to its next version, which new surveys use."""
    text_id, text_en = text_id.strip(), text_en.strip()
    if not text_id:
        raise ValidationError(_("An item needs its Indonesian text."))
    if len(text_id) > 600 or len(text_en) > 600:
        raise ValidationError(_("An item's text is at most 600 characters."))
    questionnaire = Questionnaire.objects.get(pk=item.questionnaire_id)
    if questionnaire.locked:
        questionnaire = _next_version(actor, questionnaire)
        item = questionnaire.items.get(order=item.order)
    before = audit.snapshot(item, ["text_id", "text_en"])
    item.text_id, item.text_en = text_id, text_en
    item.save(update_fields=["text_id", "text_en"])
    audit.record(
        actor, AuditAction.UPDATE, item, before, audit.snapshot(item, ["text_id", "text_en"])
    )
    return item


# --- Surveys -------------------------------------------------------------------------------------


def _check_dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    if closes_on < opens_on:
        raise ValidationError(_("A survey closes on or after the day it opens."))


@transaction.atomic
def create_survey(
    *,
    actor: Any,
    government: Government,
    questionnaire: Questionnaire,
    kind: str,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    unit: Unit | None = None,
    subject: Employee | None = None,
) -> Survey:
    """A pulse (of a unit and everything below it, or of the whole government) or a 360 round of
    one employee. Drafts until opened."""
    _check_dates(opens_on, closes_on)
    if questionnaire.government_id != government.pk:
        raise PermissionDenied
    if kind == Survey.Kind.ROUND_360 and subject is None:
        raise ValidationError(_("A 360 round rates one employee: choose them."))
    for thing in (unit, subject):
        if thing is not None and thing.government_id != government.pk:
            raise PermissionDenied
    survey = Survey.objects.create(
        government=government,
        kind=kind,
        title=title.strip()[:200],
        questionnaire=questionnaire,
        unit=unit if kind == Survey.Kind.PULSE else None,
        subject=subject if kind == Survey.Kind.ROUND_360 else None,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        survey,
        None,
        {"title": survey.title, "kind": kind, "opens_on": opens_on, "closes_on": closes_on},
    )
    return survey


def _pulse_people(survey: Survey) -> list[tuple[Employee, str]]:
    people = Employee.objects.filter(government=survey.government, active=True)
    if survey.unit is not None:
        people = people.filter(unit__path__startswith=survey.unit.path)
    return [(employee, Relation.MEMBER) for employee in people.only("pk", "unit_id")]


def raters_of(subject: Employee, policy: SurveyPolicy) -> list[tuple[Employee, str]]:
    """The subject's raters from the registry: themself; their superior (the nearest structural
    head in their unit or above it; for a head, above their unit); peers (the same unit, the
    same kind of position); subordinates (when they hold a structural post: the rest of the unit
    and the heads of its sub-units). Peers and subordinates are drawn at random up to the
    government's numbers."""
    unit = subject.unit
    colleagues = Employee.objects.filter(government=subject.government, active=True).exclude(
        pk=subject.pk
    )
    heads = colleagues.filter(position_kind=Employee.PositionKind.STRUCTURAL)
    is_head = subject.position_kind == Employee.PositionKind.STRUCTURAL
    above = [int(pk) for pk in reversed(unit.path.strip("/").split("/"))]
    superior = None
    for unit_id in above[1:] if is_head else above:
        superior = heads.filter(unit_id=unit_id).order_by("echelon", "name").first()
        if superior is not None:
            break
    raters: list[tuple[Employee, str]] = [(subject, Relation.SELF)]
    if superior is not None:
        raters.append((superior, Relation.SUPERIOR))
    taken = {employee.pk for employee, _relation in raters}
    same_kind = colleagues.filter(unit=unit, position_kind=subject.position_kind)
    peers = [e for e in same_kind if e.pk not in taken]
    chooser = random.SystemRandom()
    for employee in chooser.sample(peers, min(len(peers), policy.peers)):
        raters.append((employee, Relation.PEER))
        taken.add(employee.pk)
    if is_head:
        below = colleagues.filter(Q(unit=unit) | Q(unit__parent=unit, position_kind="struktural"))
        candidates = [e for e in below if e.pk not in taken]
        for employee in chooser.sample(candidates, min(len(candidates), policy.subordinates)):
            raters.append((employee, Relation.SUBORDINATE))
    return raters


def _pulse_cells(
    survey: Survey, people: list[tuple[Employee, str]], k: int
) -> dict[int, int | None]:
    """Each unit with people invited → the unit its answers are stored in: the nearest unit at or
    above it (inside the survey's scope) with at least k people invited, else the scope itself
    (None: the whole government)."""
    own: dict[int, int] = defaultdict(int)
    for employee, _relation in people:
        own[employee.unit_id] += 1
    units = {u.pk: u for u in Unit.objects.filter(pk__in=own).only("pk", "path")}
    scope_path = survey.unit.path if survey.unit else ""
    below: dict[int, int] = defaultdict(int)
    for unit_id, count in own.items():
        for ancestor in results.ancestors(units[unit_id].path, scope_path):
            below[ancestor] += count
    cells: dict[int, int | None] = {}
    for unit_id in own:
        chain = results.ancestors(units[unit_id].path, scope_path)
        cells[unit_id] = next(
            (a for a in chain if below[a] >= k), survey.unit.pk if survey.unit else None
        )
    return cells


def _rater_groups(relations: Iterable[str], k: int) -> dict[str, str]:
    """A 360 round's relation → the group its answers are stored in: rater groups with fewer than
    k people invited are pooled as "other raters", or, when even the pool is smaller than k,
    stored with all raters (the root of the round's groups). The self-assessment stays the
    subject's own."""
    counts: dict[str, int] = defaultdict(int)
    for relation in relations:
        counts[relation] += 1
    small = [r for r, n in counts.items() if r != Relation.SELF and n < k]
    pooled = sum(counts[r] for r in small)
    groups = {r: r for r in counts}
    for relation in small:
        groups[relation] = Relation.OTHER if pooled >= k else Relation.RATERS
    return groups


@transaction.atomic
def open_survey(*, actor: Any, survey: Survey, today: datetime.date | None = None) -> int:
    """Invite the people, fix k, lock the questionnaire, tell those invited. Returns how many."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("Only a draft survey can be opened."))
    policy = policy_of(survey.government)
    k = policy.k
    if survey.kind == Survey.Kind.PULSE:
        people = _pulse_people(survey)
        cells = _pulse_cells(survey, people, k)
        groups = {(e.pk, r): (cells[e.unit_id], r) for e, r in people}
    else:
        assert survey.subject is not None
        people = raters_of(survey.subject, policy)
        pooled = _rater_groups((r for _e, r in people), k)
        groups = {(e.pk, r): (None, pooled[r]) for e, r in people}
    if not people:
        raise ValidationError(_("Nobody is there to ask."))
    Invitation.objects.bulk_create(
        Invitation(
            government=survey.government,
            survey=survey,
            employee=e,
            relation=r,
            cell_id=groups[(e.pk, r)][0],
            group=groups[(e.pk, r)][1],
        )
        for e, r in people
    )
    invited: dict[tuple[int | None, str], int] = defaultdict(int)
    for group in groups.values():
        invited[group] += 1
    # Each tally starts with every item of the (now locked) questionnaire at zero: answering
    # checks the answers against it without reading the items again.
    size = survey.questionnaire.points
    items = [str(pk) for pk in survey.questionnaire.items.values_list("pk", flat=True)]
    Tally.objects.bulk_create(
        Tally(
            government=survey.government,
            survey=survey,
            cell_id=cell,
            relation=r,
            invited=n,
            counts={item: [0] * size for item in items},
        )
        for (cell, r), n in invited.items()
    )
    survey.status, survey.k = Survey.Status.OPEN, k
    if today is not None and survey.opens_on > today:
        survey.opens_on = today
    survey.save(update_fields=["status", "k", "opens_on"])
    Questionnaire.objects.filter(pk=survey.questionnaire_id).update(locked=True)
    audit.record(
        actor,
        AuditAction.UPDATE,
        survey,
        {"status": Survey.Status.DRAFT},
        {"status": Survey.Status.OPEN, "k": k, "invited": len(people)},
    )
    _announce(survey, [e.pk for e, _r in people], "surveys.survey.opened", actor)
    return len(people)


def _announce(survey: Survey, employee_ids: list[int], kind: str, actor: Any) -> None:
    users = User.objects.filter(employee_id__in=employee_ids, is_active=True)
    events.announce(
        kind=kind,
        government_id=survey.government_id,
        recipient_ids=users.values_list("pk", flat=True),
        url=reverse("surveys:answer", kwargs={"slug": survey.government.slug, "pk": survey.pk}),
        key=f"{kind}:{survey.pk}:{timezone.localdate().isoformat()}",
        context={"title": survey.title, "closes_on": survey.closes_on},
        actor_id=getattr(actor, "pk", None),
    )


def send_reminders(today: datetime.date) -> int:
    """Every open survey closing within three days: one reminder a day to those who have not
    answered (whether someone answered is known; what, never)."""
    count = 0
    due = Survey.objects.filter(
        status=Survey.Status.OPEN,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(3),
    ).select_related("government")
    for survey in due:
        waiting = Invitation.objects.filter(survey=survey, answered=False).exclude(
            reminded_on=today
        )
        ids = list(waiting.values_list("employee_id", flat=True))
        if ids:
            with transaction.atomic():
                waiting.update(reminded_on=today)
                _announce(survey, ids, "surveys.survey.reminder", None)
            count += len(ids)
    return count


# --- Answering -----------------------------------------------------------------------------------


def _require_open(invitation: Invitation, today: datetime.date) -> None:
    survey = invitation.survey
    if survey.status != Survey.Status.OPEN or not survey.opens_on <= today <= survey.closes_on:
        raise ValidationError(_("This survey is not open."))
    if invitation.answered:
        raise ValidationError(_("You have already answered this survey."))


@transaction.atomic
def save_answers(
    *, invitation: Invitation, points: dict[int, int], comment: str | None = None
) -> Invitation:
    """Keep the answers of a person still answering (resumable). Not audited: nothing is decided
    until they submit, and the trail never holds what someone answered."""
    _require_open(invitation, timezone.localdate())
    questionnaire = invitation.survey.questionnaire
    known = {str(pk) for pk in questionnaire.items.values_list("pk", flat=True)}
    draft = _merge(invitation.draft, points, comment, known, questionnaire)
    invitation.draft = draft
    invitation.save(update_fields=["draft"])
    return invitation


def submit(
    *,
    actor: Any,
    invitation: Invitation | Invited,
    points: dict[int, int] | None = None,
    comment: str | None = None,
) -> None:
    """Send the answers: a ``Response`` with no person, no time and a random key; the group's
    tally counts them; the invitation only learns that it was answered.

    ``invitation`` is the invitation, or what names it on a page (``Invited``: the page's
    government, its survey and the signed-in employee; none found: ``Invitation.DoesNotExist``).
    The answers on the form (``points``, ``comment``) join those already kept while answering.
    One transaction (issue 22, Deliver 8): the invitation is read once, locked with its survey
    (closing waits, and so does a second click), with its tally's items (those the
    questionnaire had when the survey opened: they never change while it is open); the tally is
    counted by one ``UPDATE`` that adds in the database (concurrent sendings wait for each
    other's row and add to what it holds), so it is not read first. Unanswered items keep what
    was given and refuse the sending, after the transaction has kept it."""
    with transaction.atomic():
        sent = _send(actor, invitation, points or {}, comment)
    if not sent:
        raise ValidationError(_("Answer every question before sending."))


def _send(
    actor: Any,
    invitation: Invitation | Invited,
    points: dict[int, int],
    comment: str | None,
) -> bool:
    row, kept = _locked(invitation)
    _require_open(row, timezone.localdate())
    survey = row.survey
    questionnaire = survey.questionnaire
    tallies = Tally.objects.filter(survey=survey, cell_id=row.cell_id, relation=row.group)
    # A group of no unit, or a survey opened before the tallies knew their items: the tally
    # read locked, and the questionnaire's (locked) items.
    tally = None if kept else tallies.select_for_update().get()
    items = list((kept if tally is None else tally.counts) or []) or [
        str(pk) for pk in questionnaire.items.values_list("pk", flat=True)
    ]
    draft = _merge(row.draft, points, comment, set(items), questionnaire)
    answers: dict[str, Any] = {item: draft.get(item) for item in items}
    if any(point is None for point in answers.values()):
        if draft != row.draft:
            row.draft = draft
            row.save(update_fields=["draft"])
        return False
    if tally is None:
        counted = bulk.update_statement(
            tallies, answered=F("answered") + 1, counts=_counted(answers)
        )
    else:
        for item, point in answers.items():
            tally.counts.setdefault(item, [0] * questionnaire.points)[int(point) - 1] += 1
        counted = bulk.update_statement(
            Tally.objects.filter(pk=tally.pk), answered=tally.answered + 1, counts=tally.counts
        )
    response = Response(
        government_id=survey.government_id,
        survey=survey,
        cell_id=row.cell_id,
        relation=row.group,
        answers=answers,
        comment=str(draft.get(COMMENT, ""))[:COMMENT_LIMIT],
    )
    row.answered, row.draft = True, {}
    # The tally, the response and the invitation are written with the audit chain's lock, in
    # one round trip on PostgreSQL (``bulk.together``, issue 22 Deliver 8), the entry and the
    # chain's head in another: what holds the tally's row and the chain until the commit.
    audit.record(
        actor,
        AuditAction.OTHER,
        survey,
        None,
        {"answered": True},
        object_repr=_("Answered: %(title)s") % {"title": survey.title},
        first=[
            counted,
            bulk.new_rows([response], returning=False),
            bulk.update_statement(Invitation.objects.filter(pk=row.pk), answered=True, draft={}),
        ],
    )
    return True


class Invited(NamedTuple):
    """An employee's invitation to a survey of a government, as a page names it."""

    slug: str
    survey_id: int
    employee_id: int


# What a sending reads of the invitation, its survey and questionnaire, and its tally's counts.
_INVITATION = ("id", "government_id", "survey_id", "cell_id", "group", "answered", "draft")
_SURVEY = ("government_id", "title", "questionnaire_id", "opens_on", "closes_on", "status")
_QUESTIONNAIRE = ("scale", "comments")


def _locked(invitation: Invitation | Invited) -> tuple[Invitation, list[Any] | None]:
    """The invitation with its survey and questionnaire, and the counts of its tally (None
    without one), locked ``FOR NO KEY UPDATE`` with its survey: closing (``FOR UPDATE`` of the
    survey) waits for a sending under way, and a sending after it finds the survey closed. One
    statement whose text is made once (``_locked_text``): building it with the ORM on every
    sending cost more than running it (issue 22, Deliver 8)."""
    parameters: list[Any] = list(invitation) if isinstance(invitation, Invited) else [invitation.pk]
    with connection.cursor() as cursor:
        cursor.execute(_locked_text(connection.vendor, len(parameters) == 1), parameters)
        found = cursor.fetchone()
    if found is None:
        raise Invitation.DoesNotExist
    values = iter(found)
    alias = connection.alias
    row = Invitation.from_db(alias, _INVITATION, _decoded(Invitation, _INVITATION, values))
    survey_values = _decoded(Survey, _SURVEY, values)
    survey = Survey.from_db(alias, ("id", *_SURVEY), [row.survey_id, *survey_values])
    questionnaire_values = _decoded(Questionnaire, _QUESTIONNAIRE, values)
    survey.questionnaire = Questionnaire.from_db(
        alias, ("id", *_QUESTIONNAIRE), [survey.questionnaire_id, *questionnaire_values]
    )
    row.survey = survey
    (kept,) = _decoded(Tally, ("counts",), values)
    return row, kept


def _decoded(model: type[Model], names: tuple[str, ...], values: Iterator[Any]) -> list[Any]:
    """The next columns of ``values`` as the model's fields read them (SQLite's dates and
    booleans, JSON)."""
    out = []
    for column, converters in _converters(model, names, connection.vendor):
        value = next(values)
        for converter in converters:
            value = converter(value, column, connection)
        out.append(value)
    return out


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    return cast(Field, model._meta.get_field(name))  # type: ignore[type-arg]


@functools.cache
def _converters(
    model: type[Model], names: tuple[str, ...], vendor: str
) -> list[tuple[Any, list[Any]]]:
    columns = [_field(model, name).get_col(model._meta.db_table) for name in names]
    return [(column, column.get_db_converters(connection)) for column in columns]


@functools.cache
def _locked_text(vendor: str, by_id: bool) -> str:
    q = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return q(model._meta.db_table)

    def columns(alias: str, model: type[Model], names: tuple[str, ...]) -> list[str]:
        return [f"{alias}.{q(str(_field(model, name).column))}" for name in names]

    selected = [
        *columns("i", Invitation, _INVITATION),
        *columns("s", Survey, _SURVEY),
        *columns("q", Questionnaire, _QUESTIONNAIRE),
        f"(SELECT t.counts FROM {table(Tally)} t WHERE t.survey_id = i.survey_id"  # noqa: S608
        f" AND t.cell_id = i.cell_id AND t.relation = i.{q('group')})",
    ]
    where = (
        "i.id = %s"
        if by_id
        else f"s.government_id = (SELECT g.id FROM {table(Government)} g"  # noqa: S608
        " WHERE g.slug = %s) AND i.survey_id = %s AND i.employee_id = %s"
    )
    lock = " FOR NO KEY UPDATE OF i, s" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {', '.join(selected)} FROM {table(Invitation)} i"  # noqa: S608 - model names
        f" JOIN {table(Survey)} s ON s.id = i.survey_id"
        f" JOIN {table(Questionnaire)} q ON q.id = s.questionnaire_id WHERE {where}{lock}"
    )


def _counted(answers: dict[str, Any]) -> RawSQL:
    """The tally's ``counts`` with one more for each answer, added by the database: each item
    is in the counts already (``_send`` reads its keys)."""
    places = [(item, int(point) - 1) for item, point in answers.items()]
    if connection.vendor == "postgresql":
        sql, arrays = "counts", []
        for item, place in places:
            path = [item, str(place)]
            sql = f"jsonb_set({sql}, %s, to_jsonb(COALESCE((counts #>> %s)::int, 0) + 1))"
            arrays += [path, path]
        return RawSQL(sql, arrays)  # noqa: S611 - fixed text, the paths are parameters
    pairs, paths = [], []
    for item, place in places:
        pairs.append("%s, COALESCE(json_extract(counts, %s), 0) + 1")
        paths += [f'$."{item}"[{place}]'] * 2
    return RawSQL(f"json_set(counts, {', '.join(pairs)})", paths)  # noqa: S611 - as above


def _merge(
    draft: dict[str, Any],
    points: dict[int, int],
    comment: str | None,
    items: set[str],
    questionnaire: Questionnaire,
) -> dict[str, Any]:
    """The draft with the new answers, each checked: an item of the survey, a point of its
    scale."""
    merged = dict(draft)
    if comment is not None and questionnaire.comments:
        merged[COMMENT] = comment.strip()[:COMMENT_LIMIT]
    for item_id, point in points.items():
        if str(item_id) not in items:
            raise ValidationError(_("That question is not in this survey."))
        if not 1 <= point <= questionnaire.points:
            raise ValidationError(_("Choose one of the answers."))
        merged[str(item_id)] = point
    return merged


# --- Closing: the release ------------------------------------------------------------------------


@transaction.atomic
def close_survey(*, actor: Any, survey: Survey) -> int:
    """Close for good and release the figures (``anonymity.release``): Figures for every group,
    answers only for the shown ones; responses moved up to the group they are shown in; the
    answers of a survey too small to show anything deleted. Returns how many groups are shown."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    released = results.compute_release(survey)
    Figure.objects.bulk_create(released.figures)
    for old, new in released.moves.items():
        Response.objects.filter(survey=survey, cell_id=old[0], relation=old[1]).update(
            cell_id=new[0], relation=new[1]
        )
    if not released.shown:
        Response.objects.filter(survey=survey).exclude(relation=Relation.SELF).delete()
    Tally.objects.filter(survey=survey).update(counts={})
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    # Its "answer this survey" notifications are moot: read, for everyone at once (never when
    # one person answers: the moment of answering is recorded nowhere).
    events.settle(
        government_id=survey.government_id,
        url=reverse("surveys:answer", kwargs={"slug": survey.government.slug, "pk": survey.pk}),
        kinds=("surveys.survey.opened", "surveys.survey.reminder"),
    )
    audit.record(
        actor,
        AuditAction.UPDATE,
        survey,
        {"status": Survey.Status.OPEN},
        {"status": Survey.Status.CLOSED, "groups_shown": len(released.shown)},
    )
    return len(released.shown)


@transaction.atomic
def save_national_index(*, actor: Any, year: int, value: Any, source: str) -> NationalIndex:
    """The national Indeks BerAKHLAK of a year (reference data, the system chain)."""
    row = NationalIndex.objects.filter(year=year).first()
    before = audit.snapshot(row, ["value", "source"]) if row else None
    row = row or NationalIndex(year=year)
    row.value, row.source = value, source.strip()
    row.save()
    audit.record(
        actor,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        row,
        before,
        audit.snapshot(row, ["value", "source"]),
        government=None,
    )
    return row


# --- The employee's commitment and twibbon --------------------------------------------------------


@transaction.atomic
def sign(*, actor: Any, declaration: Declaration, employee: Employee, text: str) -> Commitment:
    """Sign the declaration the employee follows: the date and the very text signed."""
    if declaration.government_id != employee.government_id:
        raise PermissionDenied
    commitment, created = Commitment.objects.get_or_create(
        government=declaration.government,
        declaration=declaration,
        employee=employee,
        defaults={"signed_at": timezone.now(), "text": text[:8000]},
    )
    if created:
        audit.record(actor, AuditAction.CREATE, commitment, None, {"declaration": declaration.pk})
    return commitment


@transaction.atomic
def confirm_twibbon(
    *, actor: Any, employee: Employee, month: datetime.date, photo: Any = None, request: Any = None
) -> TwibbonConfirmation:
    """Confirm the month's twibbon (S Lampiran C.3.e), with a photo stored as evidence."""
    from budaya.activities.evidence import store_file

    month = month.replace(day=1)
    existing = TwibbonConfirmation.objects.filter(employee=employee, month=month).first()
    if existing is not None:
        return existing
    evidence = None
    if photo is not None:
        evidence = store_file(
            government=employee.government,
            unit=employee.unit,
            upload=photo,
            actor=actor,
            request=request,
            title=_("Twibbon %(month)s") % {"month": month.strftime("%m/%Y")},
        )
    confirmation = TwibbonConfirmation.objects.create(
        government=employee.government,
        employee=employee,
        month=month,
        photo=evidence,
        confirmed_at=timezone.now(),
    )
    audit.record(actor, AuditAction.CREATE, confirmation, None, {"month": month})
    return confirmation
