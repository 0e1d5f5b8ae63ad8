"""Scoped reads of programmes and their progress through the stages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.frameworks.models import CoreValue
from budaya.frameworks.selectors import current_adoptions
from budaya.org.models import Employee, Government, Unit
from budaya.org.selectors import is_city_admin
from budaya.programme.models import (
    ChecklistAnswer,
    ChecklistItem,
    Declaration,
    Engagement,
    FormulationStep,
    InstitutionalChange,
    Programme,
    ProgrammeEvidence,
    ScorecardItem,
    ScorecardResult,
    Step,
)

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


def checklist_items(government: Government, kind: str | None = None) -> QuerySet[ChecklistItem]:
    items = ChecklistItem.objects.filter(government=government, active=True)
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("kind", "order")


# --- Progress ---------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATUS_LABELS = {
    NOT_STARTED: _("not started"),
    IN_PROGRESS: _("in progress"),
    DONE: _("done"),
}
STAGES = [
    ("formulation", _("Value formulation"), "T Lampiran II II.1"),
    ("scorecard", _("Scorecard"), "T Lampiran II II.1.e"),
    ("implementation", _("Implementation"), "T Lampiran II II.2"),
    ("criteria", _("Success criteria"), "T Lampiran II II.2.d"),
    ("conditions", _("Conditions for success"), "T Lampiran II IV"),
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
        return round(sum(stage.percent for stage in self.stages) / len(self.stages))

    def stage(self, key: str) -> Stage:
        return next(stage for stage in self.stages if stage.key == key)


def progress_of(programmes: Iterable[Programme]) -> dict[int, Progress]:
    """Each programme's progress through the stages, in a fixed number of queries."""
    programmes = list(programmes)
    ids = [programme.pk for programme in programmes]
    if not ids:
        return {}
    steps_done = dict(
        FormulationStep.objects.filter(programme_id__in=ids, done=True)
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
    )
    items: dict[int, tuple[int, int]] = {
        row["programme_id"]: (row["n"], row["measured"])
        for row in ScorecardItem.objects.filter(programme_id__in=ids)
        .values("programme_id")
        .annotate(
            n=Count("pk", distinct=True),
            measured=Count("pk", filter=Q(results__isnull=False), distinct=True),
        )
    }
    declared = set(
        Declaration.objects.filter(programme_id__in=ids).values_list("programme_id", flat=True)
    )
    engagement_kinds: dict[int, set[str]] = defaultdict(set)
    for programme_id, kind in (
        Engagement.objects.filter(programme_id__in=ids)
        .values_list("programme_id", "kind")
        .distinct()
    ):
        engagement_kinds[programme_id].add(kind)
    institutionalised = set(
        InstitutionalChange.objects.filter(programme_id__in=ids)
        .values_list("programme_id", flat=True)
        .distinct()
    )
    met: dict[tuple[int, str], int] = {
        (row["programme_id"], row["item__kind"]): row["n"]
        for row in ChecklistAnswer.objects.filter(programme_id__in=ids, met=True, item__active=True)
        .values("programme_id", "item__kind")
        .annotate(n=Count("pk"))
    }
    totals: dict[tuple[int, str], int] = {
        (row["government_id"], row["kind"]): row["n"]
        for row in ChecklistItem.objects.filter(
            government_id__in={p.government_id for p in programmes}, active=True
        )
        .values("government_id", "kind")
        .annotate(n=Count("pk"))
    }
    result: dict[int, Progress] = {}
    for programme in programmes:
        pk = programme.pk
        item_count, measured = items.get(pk, (0, 0))
        kinds = engagement_kinds.get(pk, set())
        implementation = (
            (pk in declared)
            + (Engagement.Kind.SOCIALISATION in kinds)
            + (Engagement.Kind.INTERNALISATION in kinds)
            + (pk in institutionalised)
        )
        counts = {
            "formulation": (steps_done.get(pk, 0), len(Step)),
            "scorecard": (measured, item_count),
            "implementation": (implementation, 4),
            "criteria": (
                met.get((pk, ChecklistItem.Kind.CRITERION), 0),
                totals.get((programme.government_id, ChecklistItem.Kind.CRITERION), 0),
            ),
            "conditions": (
                met.get((pk, ChecklistItem.Kind.CONDITION), 0),
                totals.get((programme.government_id, ChecklistItem.Kind.CONDITION), 0),
            ),
        }
        result[pk] = Progress(
            [Stage(key, label, source, *counts[key]) for key, label, source in STAGES]
        )
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
