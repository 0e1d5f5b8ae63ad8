"""The setup checklist of a new government (issue 23, part 1).

What a new government's administrator does, in this order, before the programme can run: load
the government's rulebook (its regulation's words, offices and stages, docs/rulebook.md), adopt
a value framework (Permenpan RB 27/2021: the core values the culture programme builds on),
import the unit tree, import the employees, form the culture teams and open the first
monitoring period. Each step is ticked from the data itself (one query for every government at
once), never from a flag someone must remember to set, and links to the page where it is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.org.models import Government
from budaya.pending import PendingItem


@dataclass(frozen=True)
class StepKind:
    key: str
    label: str | Promise
    help: str | Promise
    model: str  # app_label.Model whose first row for the government ticks the step
    url_name: str
    url_kwarg: str = "slug"


STEPS = (
    StepKind(
        "rulebook",
        _("Load the government's rulebook"),
        _(
            "The words, offices, stages and signatories of your regional regulation. Until it is "
            "loaded the starter rulebook's general words are used."
        ),
        "rulebook.RulebookVersion",
        "rulebook:import",
    ),
    StepKind(
        "framework",
        _("Adopt a value framework"),
        _("The core values and behaviours the programme builds on."),
        "frameworks.Adoption",
        "frameworks:adoption",
        "government",
    ),
    StepKind(
        "units",
        _("Import the unit tree"),
        _("The agencies and their sub-units, from the spreadsheet the organisation section keeps."),
        "org.Unit",
        "org:unit_import_create",
    ),
    StepKind(
        "employees",
        _("Import the employees"),
        _("The roster exported from BKD/SIASN, as it comes."),
        "org.Employee",
        "org:import_create",
    ),
    StepKind(
        "teams",
        _("Form the culture teams"),
        _("The teams the rulebook provides for, with their members."),
        "teams.Team",
        "teams:team_list",
    ),
    StepKind(
        "period",
        _("Open the first monitoring period"),
        _("The agencies then report on it."),
        "monev.Period",
        "monev:period_create",
    ),
)


@dataclass(frozen=True)
class Step:
    kind: StepKind
    done: bool
    url: str

    @property
    def label(self) -> str | Promise:
        return self.kind.label


def _progress(governments: Any) -> list[dict[str, Any]]:
    """Each government's pk, slug and name, and for each step whether it is done: one query
    for them all."""
    ticks = {
        f"step_{step.key}": Exists(
            apps.get_model(step.model).objects.filter(government=OuterRef("pk"))
        )
        for step in STEPS
    }
    rows = governments.annotate(**ticks).values("pk", "slug", "name", *ticks)
    return [{**row, **{step.key: row[f"step_{step.key}"] for step in STEPS}} for row in rows]


def setup_steps(government: Any) -> list[Step]:
    [done] = _progress(Government.objects.filter(pk=government.pk))
    return [
        Step(step, done[step.key], reverse(step.url_name, kwargs={step.url_kwarg: government.slug}))
        for step in STEPS
    ]


def pending_setup(user: Any) -> list[PendingItem]:
    """For the home page's "Tugas saya" (``budaya.pending``): each government the user
    administers whose setup is not finished, with the number of steps left (one query)."""
    if not user.has_role(Role.CITY_ADMIN):
        return []
    governments = Government.objects.visible_to(user, roles=[Role.CITY_ADMIN])
    items = []
    for row in _progress(governments):
        left = sum(not row[step.key] for step in STEPS)
        if left:
            items.append(
                PendingItem(
                    label=_("Set up %(government)s") % {"government": row["name"]},
                    url=reverse("org:setup", args=[row["slug"]]),
                    count=left,
                    section="org:",
                    urgency=1,
                )
            )
    return items
