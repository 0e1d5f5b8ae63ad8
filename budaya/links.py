"""Links to many objects of one kind on one page, with the URL reversed once."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# A primary key no table reaches, to find where the key goes in the reversed URL.
_MARKER = 2_147_483_647


def link_maker(name: str, *args: object) -> Callable[[int], str]:
    """``reverse(name, args=[*args, pk])`` for any ``pk``, reversed once: a page listing hundreds
    of objects (the units tree) spent more time reversing its links than on the rest of its
    rendering. The key is an integer: nothing to escape."""
    prefix, suffix = reverse(name, args=[*args, _MARKER]).rsplit(str(_MARKER), 1)
    return lambda pk: f"{prefix}{int(pk)}{suffix}"
