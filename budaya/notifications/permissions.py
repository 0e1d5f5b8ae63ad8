"""Who may reach each route of the notifications (merged into ``budaya.accounts.permissions``)."""

from __future__ import annotations

from typing import Any

from budaya.accounts.permissions import CITY_ADMIN, SIGNED_IN, Access, other_government


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _text(slug: Any) -> Any:
    return lambda w: {"slug": slug(w), "kind": "monev.report.returned", "language": "id"}


ROUTES: dict[str, Access] = {
    "notifications:list": Access("Own notifications", SIGNED_IN, scope="own notifications"),
    "notifications:read": Access(
        "Mark own notifications read",
        SIGNED_IN,
        method="POST",
        data=lambda w: {"all": "1"},
        scope="own notifications",
    ),
    "notifications:preferences": Access(
        "Choose e-mail at once, a daily digest or the app only", SIGNED_IN, scope="own account"
    ),
    "notifications:outbox": Access(
        "The e-mail outbox: status, attempts, last error",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope="own government",
    ),
    "notifications:texts": Access(
        "The government's notification texts",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope="own government",
    ),
    "notifications:text_edit": Access(
        "Word a notification for the government",
        CITY_ADMIN,
        args=_text(lambda w: w.government.slug),
        foreign=(other_government(_text(lambda w: w.other_government.slug)),),
        scope="own government",
    ),
}
