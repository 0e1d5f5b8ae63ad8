"""The agency's open follow-ups on its unit's page (issue 19, Deliver 2: the directions of the
head of government "shown on the agency's page"; S Lampiran D: reports go up "untuk kemudian
dapat ditindaklanjuti"; S Tabel 2 indicator 4 b).

Registered with ``budaya.unit_pages`` (``MonevConfig.ready``). One query whatever the number of
follow-ups: the reader's own scope (``FollowUp.objects.visible_to``), so an agency's people see
their agency's, the city team and the leadership every agency's, and each link opens for them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from budaya.monev.models import FollowUp
from budaya.unit_pages import UnitSection

# Shown on the page; the rest are a click away on the list of follow-ups (filtered to the agency).
SHOWN = 20


def open_follow_ups(user: Any, unit: Any) -> UnitSection | None:
    """The open follow-ups assigned to this unit (or a unit under it), due first; nothing on a
    sub-unit's page that has none (directions go to agencies)."""
    items = list(
        FollowUp.objects.visible_to(user)
        .filter(
            government_id=unit.government_id,
            unit__path__startswith=unit.path,
            status=FollowUp.Status.OPEN,
        )
        .select_related("period")
        .order_by("due_on", "pk")[: SHOWN + 1]
    )
    if not items and unit.parent_id is not None:
        return None
    return UnitSection(
        "monev/_unit_follow_ups.html",
        {
            "items": items[:SHOWN],
            "more": len(items) > SHOWN,
            "today": timezone.localdate(),
        },
    )
