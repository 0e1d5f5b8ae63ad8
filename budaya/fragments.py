"""Rendered fragments of the boards, cached per government and its version (issue 25, item 1).

A board (the obligations board, the teams compliance board) is computed from many rows: the
cells of 60 agencies × 12 months, every team with its members and decrees. Its HTML is kept in
the cache under a key made of

- the government and its **version**: the length of the government's audit chain
  (``accounts.AuditChain``). Every write of a government is audited in its own transaction
  (docs/security.md), so the length changes with, and only with, a committed write of that
  government: any write that can change a board makes a new key, and the old fragment is never
  read again (it expires). Reading the version is one query by primary key;
- what else the fragment depends on: the language, the day (what is due depends on it), the
  part of the government the user sees (``scope_key``) and the page's own parameters.

A write in one government never changes another's key: a government's boards do not depend on
how many governments share the database. Writes that go around the services (a bulk load)
write one audit entry (``generate_scale`` does), or the cache is cleared with them.

What never changes once made (a submitted report's version, its rows and its frozen evidence)
is kept by ``frozen_fragment`` under the names of what it shows (report, state, version), not the
government's version: other writes of the government never make it computed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from budaya.accounts.models import AuditChain


def government_version(government_id: int) -> int:
    """The government's version: how many audited writes it has had (one query)."""
    length = (
        AuditChain.objects.filter(government_id=government_id, key=f"g{government_id}")
        .values_list("length", flat=True)
        .first()
    )
    return length or 0


def scope_key(user: Any, government_id: int) -> str:
    """What of the government the user sees, from the grants already read for the request:
    "all" for the city roles, else the agency subtrees (their unit paths)."""
    scope = user.tenant_scope()
    if scope.all_content or government_id in scope.governments:
        return "all"
    paths = sorted(path for gid, path in scope.subtrees if gid == government_id)
    return ",".join(paths) or "none"


def fragment_key(name: str, government_id: int, version: int | str, parts: Iterable[Any]) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    detail = "|".join(str(part) for part in parts)
    digest = hashlib.sha256(detail.encode()).hexdigest()[:24]
    return f"fragment:{name}:{government_id}:{version}:{language}:{digest}"


def _kept[T](key: str, compute: Callable[[], T]) -> T:
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.BUDAYA_FRAGMENT_CACHE_SECONDS)
    return value


def kept[T](
    name: str,
    government_id: int,
    parts: Iterable[Any],
    compute: Callable[[], T],
    version: int | None = None,
) -> T:
    """The value ``name`` of the government for ``parts`` (a fragment, a list's count, a
    fragment with the few figures its page needs beside it: picklable, never None), computed by
    ``compute()`` only when the cache does not hold it for the government's current version
    (``version`` when the page has read it already for its other kept parts)."""
    if version is None:
        version = government_version(government_id)
    return _kept(fragment_key(name, government_id, version, parts), compute)


def cached_fragment(
    name: str,
    government_id: int,
    parts: Iterable[Any],
    render: Callable[[], str],
    version: int | None = None,
) -> SafeString:
    """The fragment ``name`` of the government for ``parts``, rendered by ``render()`` only when
    the cache does not hold it for the government's current version."""
    html = kept(name, government_id, parts, render, version)
    return mark_safe(html)  # noqa: S308 (rendered by our own templates, autoescaped)


def frozen_fragment(
    name: str, government_id: int, parts: Iterable[Any], render: Callable[[], str]
) -> SafeString:
    """The fragment ``name`` of what never changes once made, for ``parts`` that name it (a
    submitted report's version: its id, state and version): kept whatever the government's
    version, so reading it costs no query at all."""
    html: str = _kept(fragment_key(name, government_id, "frozen", parts), render)
    return mark_safe(html)  # noqa: S308 (rendered by our own templates, autoescaped)


class KeptSelect(forms.Select):
    """A <select> whose options are a kept fragment of the government (issue 25: the units
    filter of a city lists hundreds): rendered once per version, language and ``parts`` (say the
    user's ``scope_key``), the chosen option marked per request. The field still validates what
    is sent against its own queryset."""

    def __init__(
        self, *, name: str, government_id: int, parts: Iterable[Any], version: int | None = None
    ) -> None:
        super().__init__()
        self.fragment = name
        self.government_id = government_id
        self.parts = tuple(parts)
        self.version = version

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        def render_options() -> str:
            return "".join(
                format_html('<option value="{}">{}</option>', choice, label)
                for choice, label in self.choices
            )

        options = kept(self.fragment, self.government_id, self.parts, render_options, self.version)
        chosen = format_html('<option value="{}">', "" if value is None else value)
        marked = options.replace(chosen, f"{chosen[:-1]} selected>", 1)
        select_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(select_attrs), mark_safe(marked))  # noqa: S308
