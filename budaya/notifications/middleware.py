"""After a write by a signed-in user, the menu's counts and the bell of that user are computed
afresh (issue 20: cached briefly, never stale for one's own steps)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ForgetCountsOnWrite:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in SAFE and user is not None and user.is_authenticated:
            from budaya.notifications.services import forget_counts

            forget_counts(user.pk)
        return response
