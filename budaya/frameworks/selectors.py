"""Reads of frameworks (reference data, readable by every signed-in user) and adoptions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from budaya.frameworks.models import Adoption
from budaya.org.models import Government


def current_adoptions(governments: Iterable[Government]) -> dict[int, Adoption]:
    """The adoption in force today for each government, keyed by government id (one query)."""
    today = timezone.localdate()
    adoptions = (
        Adoption.objects.filter(government__in=list(governments), adopted_from__lte=today)
        .filter(Q(adopted_until__isnull=True) | Q(adopted_until__gt=today))
        .select_related("version__framework")
        .order_by("government_id", "-adopted_from")
    )
    current: dict[int, Adoption] = {}
    for adoption in adoptions:
        current.setdefault(adoption.government_id, adoption)
    return current
