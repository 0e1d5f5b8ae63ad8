"""Reads of frameworks (reference data) and adoptions.

Frameworks and regulations are read through ``visible_to(user)`` (issue 18, item 4): the
installation's, the user's own government's and what it adopted; all of them for the system
administrator.

Adoptions and slogans are tenant data: every read of them starts from the governments or the
agencies the user may see or act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.frameworks.models import (
    Adoption,
    FrameworkVersion,
    Regulation,
    Slogan,
    ValueFramework,
)
from budaya.org.models import Government, Unit
from budaya.org.selectors import governments_visible_to


def current_adoptions(governments: Iterable[Government]) -> dict[int, Adoption]:
    """The adoption in force today for each government, keyed by government id (one query).

    ``adopted_until`` is the last day in force: adopting a new version closes the previous
    adoption on the day before the new one starts.
    """
    today = timezone.localdate()
    adoptions = (
        Adoption.objects.filter(government__in=list(governments), adopted_from__lte=today)
        .filter(Q(adopted_until__isnull=True) | Q(adopted_until__gte=today))
        .select_related("version__framework")
        .order_by("government_id", "-adopted_from")
    )
    current: dict[int, Adoption] = {}
    for adoption in adoptions:
        current.setdefault(adoption.government_id, adoption)
    return current


def frameworks_with_versions(user: Any) -> QuerySet[ValueFramework]:
    """The frameworks the user may read with those of their versions it may read, their legal
    basis and counts (two queries)."""
    versions = (
        FrameworkVersion.objects.visible_to(user)
        .select_related("legal_basis__revoked_by")
        .annotate(value_count=Count("values", distinct=True))
    )
    return (
        ValueFramework.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related(Prefetch("versions", queryset=versions))
    )


def versions_visible_to(user: Any) -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.visible_to(user)


def version_for_page(user: Any, slug: str, number: int) -> QuerySet[FrameworkVersion]:
    """One version by its address; empty (404) when the user may not read it."""
    return (
        FrameworkVersion.objects.visible_to(user)
        .select_related("framework__owner", "legal_basis__revoked_by", "legal_basis__owner")
        .filter(framework__slug=slug, number=number)
    )


def regulations_visible_to(user: Any) -> QuerySet[Regulation]:
    return Regulation.objects.visible_to(user)


def can_import(user: Any) -> bool:
    """Frameworks are shared reference data: system and city administrators may load them."""
    return bool(user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN, Role.CITY_ADMIN))


def import_owners(user: Any) -> list[Government | None]:
    """For whom the user may import or copy a framework (issue 17): the installation for the
    system administrator, each government it is city administrator of."""
    owners: list[Government | None] = []
    if user.is_authenticated and user.is_superuser:
        owners.append(None)
    owners.extend(governments_administered_by(user).order_by("name"))
    return owners


def governments_administered_by(user: Any) -> QuerySet[Government]:
    """Governments where the user may adopt a framework: city administrator of it.

    A system administrator creates governments and appoints their administrators; adopting a
    framework and managing slogans is the government's own content (product.md, roles).
    """
    return Government.objects.visible_to(user, roles=[Role.CITY_ADMIN])


def adoption_history(user: Any, government: Government) -> QuerySet[Adoption]:
    return (
        Adoption.objects.visible_to(user)
        .filter(government=government)
        .select_related("version__framework", "version__legal_basis")
        .order_by("-adopted_from")
    )


def agencies_for_slogans(user: Any, government: Government) -> QuerySet[Unit]:
    """Agencies whose slogans the user may add or remove.

    City administrators act for every agency of their government; a unit head or unit team acts
    for the agencies in its subtree.
    """
    return Unit.objects.visible_to(
        user, roles=[Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM]
    ).filter(government=government, parent__isnull=True)


def slogans_of(user: Any, government: Government) -> QuerySet[Slogan]:
    return (
        Slogan.objects.visible_to(user)
        .filter(government=government)
        .select_related("unit")
        .prefetch_related("values")
        .order_by("unit__name", "text")
    )


def visible_governments(user: Any) -> QuerySet[Government]:
    return governments_visible_to(user)
