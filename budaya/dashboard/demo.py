"""The demo's rollups of the province and national views (issue 20 item 5): recomputed from the
aggregates the other apps' demo data left (run after them: this app comes last)."""

from __future__ import annotations

from budaya.dashboard import rollup
from budaya.org.models import Government


def seed() -> list[str]:
    governments = list(Government.objects.order_by("slug"))
    for government in governments:
        rollup.rebuild(government)
    return [f"Province and national figures: {len(governments)} government(s) rolled up"]
