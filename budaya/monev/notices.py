"""Who is told of a monitoring step (``budaya.events.announce``, issue 20): the people who act
next or whose work it concerns. The services call ``step_done`` inside their transaction; the
event leaves after the commit, so a step rolled back tells nobody."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from budaya import events
from budaya.accounts.models import Role, RoleGrant
from budaya.org.models import Government, Unit


def agency_people(units: Iterable[Unit]) -> set[int]:
    """The unit heads and unit teams of the agencies (their sub-units included)."""
    ids: set[int] = set()
    for unit in units:
        ids |= set(
            RoleGrant.objects.filter(
                government_id=unit.government_id,
                role__in=[Role.UNIT_HEAD, Role.UNIT_TEAM],
                unit__path__startswith=unit.path,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    return ids


def city_team(government: Government | int) -> set[int]:
    government_id = government if isinstance(government, int) else government.pk
    return set(
        RoleGrant.objects.filter(
            government_id=government_id, role=Role.CITY_ADMIN, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def office_holders(government: Government | int, office: str) -> set[int]:
    government_id = government if isinstance(government, int) else government.pk
    return set(
        RoleGrant.objects.filter(
            government_id=government_id,
            role=Role.LEADERSHIP,
            office=office,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def actors_of(government: Government | int, actor: str, units: Iterable[Unit] = ()) -> set[int]:
    """The people who act as a chain step's actor (a role of the agency, the city team, or the
    holders of an office of the rulebook)."""
    if actor in ("agency_team", "agency_head"):
        return agency_people(units)
    if actor == "city_team":
        return city_team(government)
    return office_holders(government, actor)


def report_url(report: Any) -> str:
    return reverse("monev:report", args=[report.government.slug, report.pk])


def city_url(city: Any) -> str:
    return reverse("monev:city", args=[city.government.slug, city.pk])


def step_done(
    *,
    kind: str,
    government: Government,
    recipients: Iterable[int],
    url: str,
    key: str,
    actor: Any,
    context: dict[str, Any] | None = None,
) -> None:
    """Announce a step of monitoring (``monev.<what>.<step>``) to the people it concerns."""
    events.announce(
        kind=kind,
        government_id=government.pk,
        recipient_ids=recipients,
        url=url,
        key=key,
        context=context,
        actor_id=getattr(actor, "pk", None),
    )
