"""Whether the menu shows KBK problem solving to the signed-in user: only where a government of
theirs has it in its rulebook (issue 21).

The answer is worked out when the user signs in (``user_logged_in``) and kept in the session,
which every page reads anyway, so the menu costs no query; it is worked out again after
``REFRESH_SECONDS`` (a rulebook imported meanwhile, a new role). The routes themselves always
read the rulebook (they answer 404 where it does not apply).
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "problems:menu"
REFRESH_SECONDS = 300


def _applies_for(user: Any) -> bool:
    from budaya.rulebook.selectors import problem_solving_applies_in

    return problem_solving_applies_in(user.tenant_scope().member_governments)


def remember(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On sign-in (``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        session[SESSION_KEY] = [_applies_for(user), time.time()]


def shows(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    kept = session.get(SESSION_KEY) if session is not None else None
    if kept is not None and time.time() - kept[1] < REFRESH_SECONDS:
        return bool(kept[0])
    applies = _applies_for(request.user)
    if session is not None:
        session[SESSION_KEY] = [applies, time.time()]
    return applies
