"""What the activity form offers a government, cached per government (issue 25, item 2).

Recording an activity is the hot write: the form's choices (the government's active units, its
active forms of activity and the values of the framework version it has adopted today) are the
same for every recording of a government, so they are read once per government and version and
kept in the cache, instead of five to ten queries per recording.

The version (``ActivityChoices``) lives in the database and is read with the user's grants, in
the same query (``for_slug``): a write that changes a unit, a form of activity, an adoption, a
value or the government moves it in its own transaction (signals below, and ``rows_changed`` for
writes in bulk), so a process never serves choices older than what it reads from the database,
whether the cache is shared (Redis) or per process. The key also holds the day: the adopted
version can change at midnight.

Who may record where is not cached: it comes from the grants read for this request
(``Choices.units_for``), as ``Unit.objects.visible_to(user, roles=LOGGING_ROLES)`` would give it.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from budaya.activities.models import ActivityChoices, ActivityForm
from budaya.activities.selectors import LOGGING_ROLES, current_values
from budaya.events import rows_changed
from budaya.frameworks.models import Adoption, CoreValue
from budaya.org.models import Government, Unit

# A version is never reused, so an entry is only dropped to save memory.
TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Choices:
    government: Government
    version: int
    units: tuple[Unit, ...]  # active units, in tree order
    forms: tuple[ActivityForm, ...]  # active forms of activity, in the government's order
    values: tuple[CoreValue, ...]  # values of the framework version adopted today
    # The units under each set of subtrees asked for, as computed the first time (they follow
    # from ``units`` alone; ``dataclasses.replace`` hands the same dict to every request's copy).
    subtrees: dict[tuple[str, ...], tuple[Unit, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def units_for(self, user: Any) -> list[Unit]:
        """The units in which ``user`` may record activities (the grants of this request)."""
        scope = user.tenant_scope(LOGGING_ROLES)
        if scope.all_content or self.government.pk in scope.governments:
            return list(self.units)
        paths = tuple(
            sorted(path for government, path in scope.subtrees if government == self.government.pk)
        )
        if not paths:
            return []
        found = self.subtrees.get(paths)
        if found is None:
            found = tuple(unit for unit in self.units if unit.path.startswith(paths))
            self.subtrees[paths] = found
        return list(found)


def _key(government_id: int, version: int) -> str:
    return f"activities:choices:{government_id}:{version}:{timezone.localdate().isoformat()}"


def _load(government: Government, version: int) -> Choices:
    units = sorted(
        Unit.objects.filter(government=government, active_to__isnull=True),
        key=lambda unit: unit.path,  # by code point: a unit's descendants follow it
    )
    forms = ActivityForm.objects.filter(government=government, active=True)
    return Choices(
        government, version, tuple(units), tuple(forms), tuple(current_values(government))
    )


# The choices as this process last read them, by key: taken from the shared cache they are
# unpickled on every request (about 400 units for a city: more CPU than the rest of the write,
# issue 25), kept here they cost nothing. Keys never come back with other contents (a version is
# never reused), so an entry is only dropped to bound the memory, the oldest first. Nothing
# changes a ``Choices`` or what it holds once made.
_KEPT: dict[str, Choices] = {}
KEPT_ENTRIES = 64
_kept_lock = threading.Lock()


def _cached(government_id: int, version: int) -> Choices:
    """The choices, with a copy of the government of their own: a request keeps what it reads
    for itself on its government (its rulebook, ``current_rulebook``), never for the next."""
    key = _key(government_id, version)
    found = _KEPT.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = _load(Government.objects.get(pk=government_id), version)
            cache.set(key, found, TIMEOUT)
        with _kept_lock:
            while len(_KEPT) >= KEPT_ENTRIES:
                del _KEPT[next(iter(_KEPT))]
            _KEPT[key] = found
    return dataclasses.replace(found, government=copy.copy(found.government))


def forget() -> None:
    """Drop what this process kept (the suite, whose databases reuse ids between tests)."""
    with _kept_lock:
        _KEPT.clear()


def of(government: Government, version: int) -> Choices:
    """The choices of ``government`` at ``version`` (read from the database on a miss)."""
    return _cached(government.pk, version)


def version_of(government: Government) -> int:
    return (
        ActivityChoices.objects.filter(government=government)
        .values_list("version", flat=True)
        .first()
        or 1
    )


def for_slug(user: Any, slug: str) -> Choices | None:
    """The choices of the government ``slug`` for a user who holds a role in it, read with the
    user's grants in one query (which also fills the grants' cache of ``user``); None when the
    user holds no role there (the caller then answers 404 or 403 as every page does)."""
    if getattr(user, "_grant_rows", None) is not None:  # read already (the second factor's check)
        found = (
            Government.objects.filter(slug=slug)
            .values_list("pk", "activitychoices__version")
            .first()
        )
        if found is None or found[0] not in user.tenant_scope().member_governments:
            return None
        government_id, version = found[0], found[1] or 1
    else:
        rows = user.read_grants("slug", "activitychoices__version")
        grant = next((row for row in rows if row[3] == slug), None)
        if grant is None:
            return None
        government_id, version = grant[1], grant[4] or 1
    return _cached(government_id, version)


def bump(government_id: int) -> None:
    """Move the government's version, in the caller's transaction (one upsert)."""
    table = connection.ops.quote_name(ActivityChoices._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (government_id, version) VALUES (%s, 2) "  # noqa: S608
            f"ON CONFLICT (government_id) DO UPDATE SET version = {table}.version + 1",
            [government_id],
        )


# --- What moves the version ---------------------------------------------------------------------


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    government_id = instance.pk if isinstance(instance, Government) else instance.government_id
    if kwargs.get("raw") or (isinstance(instance, Government) and kwargs.get("created")):
        return  # loaded from a fixture; a new government has nothing cached yet
    if government_id:
        bump(government_id)


def _value_changed(sender: Any, instance: CoreValue, **kwargs: Any) -> None:
    """A value of a framework version: every government that adopted the version."""
    if kwargs.get("raw"):
        return
    for government_id in (
        Adoption.objects.filter(version_id=instance.version_id)
        .values_list("government_id", flat=True)
        .distinct()
    ):
        bump(government_id)


def _rows_changed(sender: Any, government_id: int, **kwargs: Any) -> None:
    if sender in (Unit, ActivityForm, Adoption):
        bump(government_id)


def connect() -> None:
    for model in (Unit, ActivityForm, Adoption):
        post_save.connect(_changed, sender=model, dispatch_uid=f"choices-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"choices-del-{model.__name__}")
    post_save.connect(_changed, sender=Government, dispatch_uid="choices-Government")
    post_save.connect(_value_changed, sender=CoreValue, dispatch_uid="choices-CoreValue")
    post_delete.connect(_value_changed, sender=CoreValue, dispatch_uid="choices-del-CoreValue")
    rows_changed.connect(_rows_changed, dispatch_uid="choices-rows")
