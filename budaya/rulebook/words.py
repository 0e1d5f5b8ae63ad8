"""The government's own words for every page (issue 18): the programme's name, the head of
government's title, the government's, agency's and teams' names, as its rulebook writes them.

``context`` is a template context processor: ``{{ words.programme_name }}`` on any page of a user
who works in one government. The words are read lazily (a page that shows none reads nothing)
and kept in the cache per government, so a page costs no query once warm and at most the
rulebook's one on a cold cache; signing in warms them (the sign-in pays the query), a new
rulebook version clears them (``rulebook.signals``), and they expire after ``TIMEOUT`` seconds
besides, for caches that are not shared between processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from budaya.rulebook.document import Words

TIMEOUT = 300


def _key(government_id: int) -> str:
    return f"rulebook:words:{government_id}"


def words_of(government_id: int) -> Words:
    """The words of the government's current rulebook (the starter's when it has none)."""
    return words_of_many([government_id])[government_id]


def words_of_many(government_ids: Iterable[int]) -> dict[int, Words]:
    """The words of several governments: those not cached cost two queries together, never one
    per government (the home page of a system administrator lists every government)."""
    from budaya.rulebook import selectors
    from budaya.rulebook.models import RulebookVersion

    ids = list(dict.fromkeys(government_ids))
    found = cache.get_many([_key(pk) for pk in ids])
    words: dict[int, Words] = {}
    missing: list[int] = []
    for pk in ids:
        item = found.get(_key(pk))
        if isinstance(item, Words):
            words[pk] = item
        else:
            missing.append(pk)
    if missing:
        newest = (
            RulebookVersion.objects.filter(government=OuterRef("government"))
            .order_by("-number")
            .values("pk")[:1]
        )
        versions = {
            version.government_id: version
            for version in RulebookVersion.objects.filter(
                government__in=missing, pk=Subquery(newest)
            )
        }
        starter = selectors.starter_rulebook().words
        fresh = {
            pk: selectors.document_of(versions[pk]).words if pk in versions else starter
            for pk in missing
        }
        cache.set_many({_key(pk): item for pk, item in fresh.items()}, TIMEOUT)
        words.update(fresh)
    return words


def forget(government_id: int) -> None:
    cache.delete(_key(government_id))


def forget_on_new_version(sender: Any, *, government: Any, **kwargs: Any) -> None:
    forget(government.pk)


def _government_of_user(user: Any) -> int | None:
    """The one government the signed-in user works in; None for several or none (a system
    administrator, a user of two governments: pages then use the neutral words)."""
    if user is None or not user.is_authenticated:
        return None
    governments = user.tenant_scope().member_governments
    return next(iter(governments)) if len(governments) == 1 else None


def _government_of(request: HttpRequest) -> int | None:
    return _government_of_user(getattr(request, "user", None))


def warm_on_sign_in(sender: Any, *, user: Any, **kwargs: Any) -> None:
    """Read the user's words when they sign in, so that their pages find them in the cache
    (the sign-in pays the one query, not the first page)."""
    government = _government_of_user(user)
    if government is not None:
        words_of(government)


def context(request: HttpRequest) -> dict[str, Any]:
    def read() -> Words | None:
        government = _government_of(request)
        return words_of(government) if government is not None else None

    return {"words": SimpleLazyObject(read)}
