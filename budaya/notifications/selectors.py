from __future__ import annotations

from typing import Any

from budaya.notifications.models import Notification

HOME_SHOWN = 5


def latest_unread(user: Any) -> list[Notification]:
    """The newest unread notifications, for the home page."""
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .select_related("government")
        .order_by("-created_at", "-pk")[:HOME_SHOWN]
    )
