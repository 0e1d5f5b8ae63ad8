"""Reading rulebooks: the one function every module calls, and the pages' scoped reads.

``current_rulebook(government)`` costs at most one query per request and government: the
document is kept on the government object for the rest of the request, and the documents of
versions (which never change) are kept per process by version id, so building one happens once.
A government without a rulebook reads the neutral starter (version number 0), so no page fails
before its administrator has loaded one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.db.models import QuerySet

from budaya.org import selectors as org_selectors
from budaya.org.models import Government
from budaya.rulebook import document as documents
from budaya.rulebook.models import RulebookVersion

_ATTRIBUTE = "_current_rulebook"
_CACHE_SIZE = 256
_lock = threading.Lock()
# Keyed by (id, content hash): an id alone could be reused after a rolled-back insert.
_by_version: OrderedDict[tuple[int, str], documents.RulebookDocument] = OrderedDict()
_starter: list[documents.RulebookDocument] = []


def _remember(key: tuple[int, str], document: documents.RulebookDocument) -> None:
    with _lock:
        _by_version[key] = document
        _by_version.move_to_end(key)
        while len(_by_version) > _CACHE_SIZE:
            _by_version.popitem(last=False)


def _cached(key: tuple[int, str]) -> documents.RulebookDocument | None:
    with _lock:
        return _by_version.get(key)


def document_of(version: RulebookVersion) -> documents.RulebookDocument:
    """The document of a stored version (built once per process: versions never change)."""
    key = (version.pk, version.content_hash)
    cached = _cached(key)
    if cached is None:
        cached = documents.build(
            version.content, number=version.number, content_hash=version.content_hash
        )
        _remember(key, cached)
    return cached


def starter_rulebook() -> documents.RulebookDocument:
    """The neutral starter (``data/starter.yaml``), what a government without a rulebook reads."""
    if not _starter:
        from budaya.rulebook.services import parse_shipped

        parsed = parse_shipped("starter")
        _starter.append(documents.build(parsed.content, content_hash=parsed.content_hash))
    return _starter[0]


def current_rulebook(government: Government) -> documents.RulebookDocument:
    """The government's current rulebook, read-only; cached for the request on ``government``."""
    cached = getattr(government, _ATTRIBUTE, None)
    if cached is not None:
        return cached
    row = (
        RulebookVersion.objects.filter(government=government)
        .order_by("-number")
        .values_list("pk", "number", "content_hash")
        .first()
    )
    if row is None:
        book = starter_rulebook()
    else:
        pk, _number, content_hash = row
        found = _cached((pk, content_hash))
        if found is None:
            version = RulebookVersion.objects.get(pk=pk)
            found = document_of(version)
        book = found
    setattr(government, _ATTRIBUTE, book)
    return book


def rulebook_of_version(version_id: int) -> documents.RulebookDocument:
    """The rulebook a document was made under (store the version's id with the document)."""
    content_hash = (
        RulebookVersion.objects.filter(pk=version_id).values_list("content_hash", flat=True).get()
    )
    found = _cached((version_id, content_hash))
    if found is not None:
        return found
    return document_of(RulebookVersion.objects.get(pk=version_id))


def current_version_id(government: Government) -> int | None:
    """The id to store with a document made now, so it keeps its rulebook (issue 18, item 5)."""
    return (
        RulebookVersion.objects.filter(government=government)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )


def forget(government: Government) -> None:
    """After an import: the government object no longer holds the old document."""
    if hasattr(government, _ATTRIBUTE):
        delattr(government, _ATTRIBUTE)
    forget_problem_solving(government.pk)


def forget_problem_solving(government_id: int) -> None:
    from django.core.cache import cache

    cache.delete(_applies_key(government_id))


# --- The menu ---------------------------------------------------------------------------------

# How long the cache keeps a government's problem-solving flag (a new rulebook version forgets it
# at once: budaya/problems/menu.py).
APPLIES_SECONDS = 300


def _applies_key(government_id: int) -> str:
    return f"rulebook:problem-solving:{government_id}"


def problem_solving_applies_in(government_ids: Any) -> bool:
    """Whether KBK problem solving applies in any of these governments: what the menu asks on
    every page, so it is kept in the cache instead of reading the rulebooks each time."""
    from django.core.cache import cache

    for government_id in sorted(government_ids):
        key = _applies_key(government_id)
        applies = cache.get(key)
        if applies is None:
            applies = current_rulebook(Government(pk=government_id)).problem_solving_applies
            cache.set(key, applies, APPLIES_SECONDS)
        if applies:
            return True
    return False


# --- Pages ----------------------------------------------------------------------------------


def readable_governments(user: Any) -> QuerySet[Government]:
    """Every role reads its governments' rulebooks; the system administrator reads all."""
    return org_selectors.governments_visible_to(user)


def versions_of(government: Government) -> QuerySet[RulebookVersion]:
    return (
        RulebookVersion.objects.filter(government=government)
        .select_related("created_by")
        .defer("content", "source_text")
        .order_by("-number")
    )


def can_change(user: Any, government: Government) -> bool:
    """Only the government's own city administrator changes its rulebook."""
    return org_selectors.is_city_admin(user, government)
