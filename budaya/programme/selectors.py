"""Scoped reads of programmes and their progress through the stages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.frameworks.models import CoreValue
from budaya.frameworks.selectors import current_adoptions
from budaya.org.models import Employee, Government, Unit
from budaya.org.selectors import is_city_admin
from budaya.programme.models import (
    ChecklistAnswer,
    ChecklistItem,
    FormulationStep,
    Programme,
    ProgrammeEvidence,
    ScorecardItem,
    ScorecardResult,
)
from budaya.rulebook.document import RulebookDocument
from budaya.rulebook.document import Stage as RuleStage
from budaya.rulebook.document import Step as RuleStep
from budaya.rulebook.selectors import current_rulebook, rulebook_of_version

WRITER_ROLES = [Role.UNIT_HEAD, Role.UNIT_TEAM]


def programmes_of(user: Any, government: Government) -> QuerySet[Programme]:
    return (
        Programme.objects.visible_to(user)
        .filter(government=government)
        .select_related("unit", "government")
    )


def can_write(user: Any, programme: Programme) -> bool:
    """The city administrator writes every programme of the government; the unit head and the
    unit team write their own agency's programme. Leadership and employees read."""
    if is_city_admin(user, programme.government):
        return True
    if programme.unit_id is None:
        return False
    return Unit.objects.visible_to(user, roles=WRITER_ROLES).filter(pk=programme.unit_id).exists()


def agencies_writable_by(user: Any, government: Government) -> QuerySet[Unit]:
    """Agencies for which the user may open a programme."""
    if is_city_admin(user, government):
        units = Unit.objects.visible_to(user).filter(government=government)
    else:
        units = Unit.objects.visible_to(user, roles=WRITER_ROLES).filter(government=government)
    return units.filter(parent__isnull=True, active_to__isnull=True).order_by("name")


def board_agencies(user: Any, government: Government) -> QuerySet[Unit]:
    """The agencies the user sees, for the board (active ones, top-level)."""
    return (
        Unit.objects.visible_to(user)
        .filter(government=government, parent__isnull=True, active_to__isnull=True)
        .order_by("name")
    )


def adopted_values(government: Government) -> QuerySet[CoreValue]:
    """The values of the framework version the government has adopted today."""
    adoption = current_adoptions([government]).get(government.pk)
    if adoption is None:
        return CoreValue.objects.none()
    return CoreValue.objects.filter(version_id=adoption.version_id).order_by("order")


def employees_for(programme: Programme) -> QuerySet[Employee]:
    """Employees who may be named as attendees: the agency's subtree, or the whole city."""
    employees = Employee.objects.filter(government_id=programme.government_id)
    if programme.unit_id and programme.unit is not None:
        employees = employees.filter(unit__path__startswith=programme.unit.path)
    return employees


def checklist_items(
    government: Government, checklist: str | None = None
) -> QuerySet[ChecklistItem]:
    items = ChecklistItem.objects.filter(government=government, active=True)
    if checklist is not None:
        items = items.filter(checklist=checklist)
    return items.order_by("checklist", "order")


# --- The rulebook a programme follows ----------------------------------------------------------


def rulebook_of(programme: Programme) -> RulebookDocument:
    """The rulebook the programme was started under; the government's current one when none was
    loaded then (issue 18: a programme keeps its stages when a new version is loaded). Kept on
    the programme object for the rest of the request."""
    cached: RulebookDocument | None = getattr(programme, "_rulebook", None)
    if cached is None:
        if programme.rulebook_version_id:
            cached = rulebook_of_version(programme.rulebook_version_id)
        else:
            cached = current_rulebook(programme.government)
        programme._rulebook = cached  # type: ignore[attr-defined]
    return cached


def rulebooks_of(programmes: Iterable[Programme]) -> dict[int, RulebookDocument]:
    """Each programme's rulebook, by programme id: one read per distinct version, not per row."""
    books: dict[tuple[str, int], RulebookDocument] = {}
    result: dict[int, RulebookDocument] = {}
    for programme in programmes:
        if programme.rulebook_version_id:
            key = ("version", programme.rulebook_version_id)
        else:
            key = ("government", programme.government_id)
        if key not in books:
            books[key] = rulebook_of(programme)
        result[programme.pk] = books[key]
    return result


@dataclass(frozen=True)
class StepEntry:
    """One step of a stage of the rulebook, with the programme's record of it (if any)."""

    stage: RuleStage
    step: RuleStep | None
    record: FormulationStep | None
    # The citation as pages show it (book.cite of the step, or of the stage without steps).
    source: str = ""

    @property
    def code(self) -> str:
        return self.step.code if self.step else ""

    @property
    def name(self) -> str:
        return self.step.name if self.step else self.stage.name

    @property
    def text(self) -> str:
        return self.step.text if self.step else self.stage.text

    @property
    def element(self) -> RuleStep | RuleStage:
        return self.step or self.stage

    @property
    def done(self) -> bool:
        return bool(self.record and self.record.done)


def units_of(stage: RuleStage) -> list[tuple[str, str]]:
    """What is marked done in a stage: each of its steps, or the stage itself without steps."""
    if stage.steps:
        return [(stage.code, step.code) for step in stage.steps]
    return [(stage.code, "")]


@dataclass(frozen=True)
class StageEntry:
    stage: RuleStage
    source: str
    entries: list[StepEntry]

    @property
    def done(self) -> int:
        return sum(entry.done for entry in self.entries)


def step_entries(
    book: RulebookDocument, programme: Programme
) -> tuple[list[StageEntry], list[FormulationStep]]:
    """The rulebook's stages with their steps and the programme's records; and the records that
    fit no step of the rulebook (recorded earlier, under stages it does not have)."""
    records = {(r.stage, r.step): r for r in FormulationStep.objects.filter(programme=programme)}
    stages = []
    for stage in book.stages:
        entries = [
            StepEntry(stage, step, records.pop((stage.code, step.code), None), book.cite(step))
            for step in stage.steps
        ] or [StepEntry(stage, None, records.pop((stage.code, ""), None), book.cite(stage))]
        stages.append(StageEntry(stage, book.cite(stage), entries))
    earlier = sorted(records.values(), key=lambda r: (r.stage, r.step))
    return stages, earlier


def find_step(book: RulebookDocument, stage_code: str, step_code: str) -> StepEntry | None:
    """The rulebook's step (or step-less stage) of these codes, without its record."""
    stage = book.programme.stage(stage_code)
    if stage is None:
        return None
    if not step_code:
        return None if stage.steps else StepEntry(stage, None, None, book.cite(stage))
    step = next((item for item in stage.steps if item.code == step_code), None)
    return StepEntry(stage, step, None, book.cite(step)) if step else None


# --- Progress ---------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATUS_LABELS = {
    NOT_STARTED: _("not started"),
    IN_PROGRESS: _("in progress"),
    DONE: _("done"),
}


@dataclass(frozen=True)
class Column:
    """A column of progress: a stage of the rulebook or one of its checklists."""

    key: str
    label: str
    source: str


def columns_of(book: RulebookDocument) -> list[Column]:
    """The stages, then the checklists, of a rulebook, each with its citation."""
    return [Column(f"stage:{s.code}", s.name, book.cite(s)) for s in book.stages] + [
        Column(f"checklist:{c.code}", c.name, book.cite(c)) for c in book.programme.checklists
    ]


@dataclass
class Stage:
    key: str
    label: Any
    source: str
    done: int = 0
    total: int = 0

    @property
    def status(self) -> str:
        if self.total and self.done >= self.total:
            return DONE
        return IN_PROGRESS if self.done else NOT_STARTED

    @property
    def status_label(self) -> Any:
        return STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return {DONE: "ok", IN_PROGRESS: "warn", NOT_STARTED: ""}[self.status]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Progress:
    stages: list[Stage] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if not self.stages:
            return 0
        return round(sum(stage.percent for stage in self.stages) / len(self.stages))

    def stage(self, key: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.key == key), None)

    def cells(self, columns: Iterable[Column]) -> list[Stage | None]:
        """The stages under a board's columns (None where its rulebook has no such column)."""
        return [self.stage(column.key) for column in columns]


def progress_of(programmes: Iterable[Programme]) -> dict[int, Progress]:
    """Each programme's progress through the stages and checklists of its own rulebook, in a
    fixed number of queries (one more per distinct rulebook version)."""
    programmes = list(programmes)
    ids = [programme.pk for programme in programmes]
    if not ids:
        return {}
    books = rulebooks_of(programmes)
    done: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for programme_id, stage_code, step_code in FormulationStep.objects.filter(
        programme_id__in=ids, done=True
    ).values_list("programme_id", "stage", "step"):
        done[programme_id].add((stage_code, step_code))
    met: dict[tuple[int, str], int] = {
        (row["programme_id"], row["item__checklist"]): row["n"]
        for row in ChecklistAnswer.objects.filter(programme_id__in=ids, met=True, item__active=True)
        .values("programme_id", "item__checklist")
        .annotate(n=Count("pk"))
    }
    totals: dict[tuple[int, str], int] = {
        (row["government_id"], row["checklist"]): row["n"]
        for row in ChecklistItem.objects.filter(
            government_id__in={p.government_id for p in programmes}, active=True
        )
        .values("government_id", "checklist")
        .annotate(n=Count("pk"))
    }
    result: dict[int, Progress] = {}
    for programme in programmes:
        pk, book = programme.pk, books[programme.pk]
        stages = []
        for stage in book.stages:
            units = units_of(stage)
            stages.append(
                Stage(
                    f"stage:{stage.code}",
                    stage.name,
                    book.cite(stage),
                    sum(unit in done[pk] for unit in units),
                    len(units),
                )
            )
        for checklist in book.programme.checklists:
            stages.append(
                Stage(
                    f"checklist:{checklist.code}",
                    checklist.name,
                    book.cite(checklist),
                    met.get((pk, checklist.code), 0),
                    totals.get((programme.government_id, checklist.code), 0),
                )
            )
        result[pk] = Progress(stages)
    return result


@dataclass
class ItemRow:
    item: ScorecardItem
    results: list[ScorecardResult]
    # The page's form to record a result for this item (set by the view).
    form: Any = None

    @property
    def latest(self) -> ScorecardResult | None:
        return self.results[-1] if self.results else None

    @property
    def latest_value(self) -> Decimal | None:
        return self.latest.value if self.latest else None

    @property
    def attainment(self) -> int | None:
        return self.item.attainment(self.latest_value)


def scorecard(programme: Programme) -> list[ItemRow]:
    """The scorecard's items with their results in period order (two queries)."""
    items = (
        ScorecardItem.objects.filter(programme=programme)
        .select_related("value", "manifestation")
        .prefetch_related("results")
        .order_by("order", "pk")
    )
    return [
        ItemRow(item, sorted(item.results.all(), key=lambda r: (r.period_start, r.granularity)))
        for item in items
    ]


def evidence_links(
    programme: Programme, field: str, ids: Iterable[int]
) -> dict[int, list[ProgrammeEvidence]]:
    """The evidence attached to some parts of one kind (``field``: step, declaration, ...),
    by the part's id (one query)."""
    links: dict[int, list[ProgrammeEvidence]] = defaultdict(list)
    for link in (
        ProgrammeEvidence.objects.filter(programme=programme, **{f"{field}_id__in": list(ids)})
        .select_related("evidence")
        .order_by("added_at", "pk")
    ):
        links[getattr(link, f"{field}_id")].append(link)
    return links
