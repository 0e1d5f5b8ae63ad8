"""Who may reach the routes of activities and evidence (merged into the permission registry)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image

from budaya.accounts.permissions import ALL_BUT_SYSTEM, Access, other_agency, other_government


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _evidence(w: Any, key: str) -> dict[str, Any]:
    return {"pk": w.extras[key].pk}


def world(w: Any) -> None:
    """Picture evidence of the own agency, of a second agency and of a second government."""
    from budaya.activities.evidence import store_file

    admin = w.user("city_admin")
    for key, unit, actor in (
        ("evidence", w.sub_unit, admin),
        ("other_evidence", w.other_agency, admin),
        ("foreign_evidence", w.foreign_agency, w.foreign_user),
    ):
        w.extras[key] = store_file(
            government=unit.government,
            unit=unit,
            upload=ContentFile(_jpeg(), name="foto.jpg"),
            actor=actor,
        )


def _evidence_access(action: str) -> Access:
    return Access(
        action,
        ALL_BUT_SYSTEM,
        args=lambda w: _evidence(w, "evidence"),
        foreign=(
            other_agency(lambda w: _evidence(w, "other_evidence")),
            other_government(lambda w: _evidence(w, "foreign_evidence")),
        ),
        scope="city administrator and leadership: whole government; unit roles: own agency",
    )


ROUTES: dict[str, Access] = {
    "activities:evidence_file": _evidence_access("Open an evidence file or link"),
    "activities:evidence_thumbnail": _evidence_access("Thumbnail of picture evidence"),
}
