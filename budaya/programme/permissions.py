"""Who may reach each route of the culture programme (see budaya/accounts/permissions.py)."""

from __future__ import annotations

import datetime
from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    ALL_BUT_SYSTEM,
    CITY_ADMIN,
    SIGNED_IN,
    Access,
    Args,
    other_agency,
    other_government,
)

WRITERS = frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM})
WRITER_UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.UNIT_TEAM})
# The step the world's rulebook adds to the starter's first stage (``world``).
STEP: dict[str, str] = {"stage": "perencanaan", "step": "uji"}
READ_SCOPE = "city administrator and leadership: whole government; unit roles: own agency"
WRITE_SCOPE = "city administrator: every programme; unit head and team: own agency's programme"


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _programme(key: str = "programme", **more: str) -> Args:
    def build(w: Any) -> dict[str, Any]:
        programme = w.extras[key]
        args = {"slug": programme.government.slug, "pk": programme.pk}
        suffix = key.removeprefix("programme").removeprefix("_")
        for name, extra in more.items():
            # The same kind of object in the same programme: "item" -> "item", "other_item"...
            args[name] = w.extras[f"{extra}{'_' + suffix if suffix else ''}"].pk
        return args

    return build


def _object_routes(**more: str) -> dict[str, Any]:
    """Arguments for a programme route, with the foreign variants every route checks."""
    return {
        "args": _programme("programme", **more),
        "foreign": (
            other_agency(_programme("programme_other", **more)),
            other_government(_programme("programme_foreign", **more)),
        ),
    }


def _readable(**more: str) -> dict[str, Any]:
    return _object_routes(**more)


def _writable(**more: str) -> dict[str, Any]:
    # The city-wide programme, read by unit roles but written by the city administrator only,
    # answers 403 to them: tests/test_views.py checks it (a Foreign variant expects 404).
    return _object_routes(**more)


ROUTES: dict[str, Access] = {
    "programme:mine": Access("Menu: the culture programme of one's government", SIGNED_IN),
    "programme:list": Access(
        "Programmes of a year and the board of stages by agency",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope=READ_SCOPE + "; every role reads the city-wide programme",
    ),
    "programme:create": Access(
        "Start a programme (city-wide or an agency's) for a year",
        WRITERS,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope="city administrator: city-wide and every agency; unit head and team: own agency",
    ),
    "programme:checklist_items": Access(
        "The government's checklist items (success criteria, conditions)",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
    ),
    "programme:checklist_item_edit": Access(
        "Edit a checklist item",
        CITY_ADMIN,
        args=lambda w: {"slug": w.government.slug, "pk": w.extras["checklist_item"].pk},
        foreign=(
            other_government(
                lambda w: {
                    "slug": w.other_government.slug,
                    "pk": w.extras["checklist_item_foreign"].pk,
                }
            ),
        ),
    ),
    "programme:detail": Access(
        "A programme: its stages and progress", ALL_BUT_SYSTEM, **_readable(), scope=READ_SCOPE
    ),
    "programme:edit": Access("Edit a programme's notes", WRITERS, **_writable(), scope=WRITE_SCOPE),
    "programme:stage": Access(
        "A stage of the rulebook without steps, done as a whole (read; writers record it)",
        ALL_BUT_SYSTEM,
        args=lambda w: {**_programme()(w), "stage": "monev"},
        foreign=(
            other_agency(lambda w: {**_programme("programme_other")(w), "stage": "monev"}),
            other_government(lambda w: {**_programme("programme_foreign")(w), "stage": "monev"}),
        ),
        scope=READ_SCOPE,
    ),
    "programme:step": Access(
        "A step of a stage of the rulebook (read; writers record it)",
        ALL_BUT_SYSTEM,
        args=lambda w: {**_programme()(w), **STEP},
        foreign=(
            other_agency(lambda w: {**_programme("programme_other")(w), **STEP}),
            other_government(lambda w: {**_programme("programme_foreign")(w), **STEP}),
        ),
        scope=READ_SCOPE,
    ),
    "programme:area_create": Access(
        "Add a sensitive area", WRITERS, **_writable(), scope=WRITE_SCOPE
    ),
    "programme:area_delete": Access(
        "Remove a sensitive area",
        WRITERS,
        method="POST",
        **_writable(area="area"),
        scope=WRITE_SCOPE,
    ),
    "programme:scorecard": Access(
        "The scorecard with results and progress", ALL_BUT_SYSTEM, **_readable(), scope=READ_SCOPE
    ),
    "programme:scorecard_export": Access(
        "Export the scorecard to XLSX", ALL_BUT_SYSTEM, **_readable(), scope=READ_SCOPE
    ),
    "programme:item_create": Access(
        "Add a key behaviour to the scorecard", WRITERS, **_writable(), scope=WRITE_SCOPE
    ),
    "programme:item_edit": Access(
        "Edit a scorecard item", WRITERS, **_writable(item="item"), scope=WRITE_SCOPE
    ),
    "programme:item_delete": Access(
        "Remove a scorecard item",
        WRITERS,
        method="POST",
        **_writable(item="item"),
        scope=WRITE_SCOPE,
    ),
    "programme:result_create": Access(
        "Record a measured result",
        WRITERS,
        method="POST",
        **_writable(item="item"),
        scope=WRITE_SCOPE,
    ),
    "programme:result_delete": Access(
        "Remove a measured result",
        WRITERS,
        method="POST",
        **_writable(result="result"),
        scope=WRITE_SCOPE,
    ),
    "programme:declaration": Access(
        "Record the declaration of the values", WRITERS, **_writable(), scope=WRITE_SCOPE
    ),
    "programme:engagement_create": Access(
        "Record a socialisation or internalisation",
        WRITERS,
        args=lambda w: {**_programme()(w), "kind": "socialisation"},
        foreign=(
            other_agency(lambda w: {**_programme("programme_other")(w), "kind": "socialisation"}),
            other_government(
                lambda w: {**_programme("programme_foreign")(w), "kind": "socialisation"}
            ),
        ),
        scope=WRITE_SCOPE,
    ),
    "programme:engagement_edit": Access(
        "Edit a socialisation or internalisation",
        WRITERS,
        **_writable(engagement="engagement"),
        scope=WRITE_SCOPE,
    ),
    "programme:engagement_delete": Access(
        "Remove a socialisation or internalisation",
        WRITERS,
        method="POST",
        **_writable(engagement="engagement"),
        scope=WRITE_SCOPE,
    ),
    "programme:change_create": Access(
        "Record a rule, SOP or system changed (institutionalisation)",
        WRITERS,
        **_writable(),
        scope=WRITE_SCOPE,
    ),
    "programme:change_edit": Access(
        "Edit an institutional change", WRITERS, **_writable(change="change"), scope=WRITE_SCOPE
    ),
    "programme:change_delete": Access(
        "Remove an institutional change",
        WRITERS,
        method="POST",
        **_writable(change="change"),
        scope=WRITE_SCOPE,
    ),
    "programme:evidence_add": Access(
        "Attach a file or a link to a step, the declaration, an event, a change or a "
        "checklist item",
        WRITERS,
        method="POST",
        **_writable(),
        scope=WRITE_SCOPE,
    ),
    "programme:evidence_remove": Access(
        "Remove attached evidence",
        WRITERS,
        method="POST",
        **_writable(link="link"),
        scope=WRITE_SCOPE,
    ),
    "programme:checklist": Access(
        "The checklists of a programme (read; writers answer them)",
        ALL_BUT_SYSTEM,
        **_readable(),
        scope=READ_SCOPE,
    ),
}


def _rulebook_with_a_step(government: Any) -> None:
    """The starter with one step in its first stage and one checklist, as the government's
    rulebook (the starter's stages have no steps and it has no checklist)."""
    import copy

    from budaya.rulebook import services as rulebooks

    content = copy.deepcopy(rulebooks.parse_shipped("starter").content)
    stage = content["programme"]["stages"][0]
    stage["steps"] = [{"code": STEP["step"], "name": "Langkah uji", "choice": "government"}]
    content["programme"]["checklists"] = [
        {
            "code": "uji",
            "name": "Daftar uji",
            "choice": "government",
            "items": [{"text": "Butir uji", "choice": "government"}],
        }
    ]
    rulebooks.import_rulebook(
        government=government, text=rulebooks.to_yaml(content), acting_user=None
    )


def world(w: Any) -> None:
    """A programme with one of each part for the agency, the second agency, the second
    government, and the city-wide programme; both governments' rulebooks have a step and a
    checklist."""
    from budaya.frameworks.models import CoreValue
    from budaya.programme import services
    from budaya.programme.models import (
        ChecklistItem,
        Engagement,
        InstitutionalChange,
        ScorecardItem,
        ScorecardResult,
        SensitiveArea,
    )

    version = w.extras["version"]
    value, _created = CoreValue.objects.get_or_create(
        version=version, code="uji", defaults={"order": 1, "name": "Uji"}
    )
    _rulebook_with_a_step(w.government)
    _rulebook_with_a_step(w.other_government)
    for suffix, government, unit in (
        ("", w.government, w.agency),
        ("_other", w.government, w.other_agency),
        ("_foreign", w.other_government, w.foreign_agency),
        ("_city", w.government, None),
    ):
        programme = services.create_programme(government=government, unit=unit, year=2025)
        w.extras[f"programme{suffix}"] = programme
        part = {"government": government, "programme": programme}
        w.extras[f"area{suffix}"] = SensitiveArea.objects.create(**part, area="Pengadaan")
        item = ScorecardItem.objects.create(
            **part,
            value=value,
            key_behaviour="Datang tepat waktu",
            metric="Kehadiran apel",
            target=95,
            measure_unit="%",
        )
        w.extras[f"item{suffix}"] = item
        w.extras[f"result{suffix}"] = ScorecardResult.objects.create(
            government=government, item=item, period_start=datetime.date(2025, 1, 1), value=90
        )
        w.extras[f"engagement{suffix}"] = Engagement.objects.create(
            **part,
            kind=Engagement.Kind.SOCIALISATION,
            method="fgd",
            held_on=datetime.date(2025, 2, 3),
            title="FGD nilai",
        )
        change = InstitutionalChange.objects.create(
            **part, kind=InstitutionalChange.Kind.PROCEDURE, title="SOP pelayanan"
        )
        w.extras[f"change{suffix}"] = change
        w.extras[f"link{suffix}"] = services.attach_evidence(
            programme, change, url="https://drive.example.go.id/sop", title="SOP"
        )
    w.extras["checklist_item"] = ChecklistItem.objects.filter(government=w.government).first()
    w.extras["checklist_item_foreign"] = ChecklistItem.objects.filter(
        government=w.other_government
    ).first()
