"""Whether the menu shows KBK problem solving to the signed-in user: only where a government of
theirs has it in its rulebook (issue 21).

Each page asks ``rulebook.selectors.problem_solving_applies_in``, which keeps each government's
flag in the cache (no query once warm; the sign-in warms it). A new rulebook version forgets the
flag when its import commits (``rulebook.signals.version_created``), so the menu follows the
rulebook at once, in every process that shares the cache. The routes themselves always read the
rulebook (they answer 404 where it does not apply).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest


def _applies_for(user: Any) -> bool:
    from budaya.rulebook.selectors import problem_solving_applies_in

    return problem_solving_applies_in(user.tenant_scope().member_governments)


def warm(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On sign-in (``user_logged_in``): the sign-in pays the read, not the first page."""
    if user is not None:
        _applies_for(user)


def forget(sender: Any, *, government: Any, **kwargs: Any) -> None:
    """On ``version_created`` (inside the import's transaction): forget the flag now, and again
    once the import commits, so that no page read in between keeps the old one."""
    from budaya.rulebook.selectors import forget_problem_solving

    forget_problem_solving(government.pk)
    transaction.on_commit(lambda: forget_problem_solving(government.pk))


def shows(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and _applies_for(user))
