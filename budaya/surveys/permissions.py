"""Who may reach each route of surveys and the employee's page (merged into
``budaya.accounts.permissions``)."""

from __future__ import annotations

import datetime
from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    CITY_ADMIN,
    SIGNED_IN,
    Access,
    Args,
    Foreign,
    other_agency,
    other_government,
)

READERS = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.UNIT_TEAM})
EMPLOYEE = frozenset({Role.EMPLOYEE})
# The dashboard's readers (issue 22, Deliver 1: participation per agency and unit).
PARTICIPATION_READERS = frozenset({Role.CITY_ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD})
READ_SCOPE = "city administrator and leadership: every survey; unit roles: those asking own agency"
OWN = "the signed-in person's own employee record"


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _foreign_gov(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug}


def _obj(key: str, **more: Any) -> Args:
    def args(w: Any) -> dict[str, Any]:
        obj = w.extras[key]
        return {"slug": obj.government.slug, "pk": obj.pk, **more}

    return args


def _item(key: str) -> Args:
    def args(w: Any) -> dict[str, Any]:
        item = w.extras[key]
        return {"slug": item.government.slug, "pk": item.questionnaire_id, "item": item.pk}

    return args


def _in_government(action: str, who: frozenset[str], **kwargs: Any) -> Access:
    return Access(action, who, args=_gov, foreign=(other_government(_foreign_gov),), **kwargs)


def _survey_route(action: str, who: frozenset[str], key: str, **kwargs: Any) -> Access:
    more = kwargs.pop("more", {})
    foreign: tuple[Foreign, ...] = (
        other_agency(_obj(f"other_{key}", **more)),
        other_government(_obj(f"foreign_{key}", **more)),
    )
    return Access(action, who, args=_obj(key, **more), foreign=foreign, **kwargs)


ROUTES: dict[str, Access] = {
    "surveys:mine": Access("Menu: the surveys of one's government, or one's own page", SIGNED_IN),
    "surveys:me": Access(
        "Own page: values, team, commitment, twibbon, surveys waiting", SIGNED_IN, scope=OWN
    ),
    "surveys:sign": Access(
        "Sign the commitment to the declared values", EMPLOYEE, method="POST", scope=OWN
    ),
    "surveys:twibbon": Access(
        "Confirm the month's twibbon (optional photo)", EMPLOYEE, method="POST", scope=OWN
    ),
    "surveys:national": Access(
        "The national Indeks BerAKHLAK by year (reference data)",
        frozenset({Role.SYSTEM_ADMIN}),
    ),
    "surveys:index": _in_government("Surveys and rounds", READERS, scope=READ_SCOPE),
    "surveys:create": _in_government("Create a pulse or a 360 round", CITY_ADMIN),
    "surveys:policy": _in_government("Set k and the number of raters", CITY_ADMIN),
    "surveys:questionnaires": _in_government(
        "Questionnaires; generate one from the adopted framework", CITY_ADMIN
    ),
    "surveys:questionnaire": Access(
        "A questionnaire's items",
        CITY_ADMIN,
        args=_obj("questionnaire"),
        foreign=(other_government(_obj("foreign_questionnaire")),),
    ),
    "surveys:item_edit": Access(
        "Edit an item (a questionnaire in use gets a new version)",
        CITY_ADMIN,
        args=_item("survey_item"),
        foreign=(other_government(_item("foreign_survey_item")),),
    ),
    "surveys:detail": _survey_route(
        "A survey: participation while open, released figures once closed",
        READERS,
        "survey",
        scope=READ_SCOPE + "; figures and participation of own agency's units only",
    ),
    "surveys:export": _survey_route(
        "Released figures as XLSX (the same thresholds as the page)",
        READERS,
        "survey",
        scope=READ_SCOPE,
    ),
    "surveys:participation": Access(
        "Who in a unit has not yet signed the commitment, confirmed this month's twibbon or "
        "answered an open pulse (the dashboard's drill-down; who answered, never what)",
        PARTICIPATION_READERS,
        args=lambda w: {"slug": w.government.slug, "unit": w.agency.pk},
        foreign=(
            other_agency(lambda w: {"slug": w.government.slug, "unit": w.other_agency.pk}),
            other_government(
                lambda w: {"slug": w.other_government.slug, "unit": w.foreign_agency.pk}
            ),
        ),
        scope="city administrator and leadership: every unit; unit head: own agency's units",
    ),
    "surveys:answer": _survey_route(
        "Answer a survey one is invited to", EMPLOYEE, "open_survey", scope=OWN
    ),
    "surveys:move": _survey_route(
        "Open a draft survey or close an open one (releases the results)",
        CITY_ADMIN,
        "open_survey",
        method="POST",
        more={"to": "close"},
    ),
}


def world(w: Any) -> None:
    """In each place (own agency, second agency, second government): a questionnaire, a closed
    pulse with its released figures and an open pulse the place's employee is invited to; a
    declaration of the values for the own agency."""
    from budaya.frameworks.models import BehaviourGuide, CoreValue
    from budaya.programme.models import Declaration
    from budaya.surveys import services

    version = w.extras["version"]
    value, _created = CoreValue.objects.get_or_create(
        version=version, code="uji", defaults={"order": 1, "name": "Uji"}
    )
    BehaviourGuide.objects.get_or_create(
        value=value, order=1, defaults={"text": "Memahami dan memenuhi kebutuhan masyarakat"}
    )
    today = datetime.date.today()
    for prefix, unit in (
        ("", w.agency),
        ("other_", w.other_agency),
        ("foreign_", w.foreign_agency),
    ):
        government = unit.government
        questionnaire = services.generate_questionnaire(
            actor=None,
            government=government,
            version=version,
            name="Pulse",
            scale="agree5",
            comments=True,
            source="guides",
        )
        w.extras[f"{prefix}questionnaire"] = questionnaire
        w.extras[f"{prefix}survey_item"] = questionnaire.items.first()
        surveys = []
        for title in ("Closed", "Open"):
            survey = services.create_survey(
                actor=None,
                government=government,
                questionnaire=questionnaire,
                kind="pulse",
                title=title,
                opens_on=today - datetime.timedelta(days=5),
                closes_on=today + datetime.timedelta(days=5),
                unit=unit,
            )
            services.open_survey(actor=None, survey=survey)
            surveys.append(survey)
        services.close_survey(actor=None, survey=surveys[0])
        w.extras[f"{prefix}survey"], w.extras[f"{prefix}open_survey"] = surveys
    Declaration.objects.create(
        government=w.government,
        programme=w.extras["programme"],
        held_on=today,
        led_by="Kepala Dinas",
    )
