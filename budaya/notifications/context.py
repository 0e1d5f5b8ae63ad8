"""The bell in the header: the signed-in user's unread notifications, as kept in the cache.
None when not kept: the menu then asks for it with its counts after the page loaded
(``budaya.views.menu``), so a page never pays for it."""

from __future__ import annotations

from django.http import HttpRequest


def bell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from budaya.notifications.services import kept_unread_count

    return {"unread_notifications": kept_unread_count(user.pk)}
