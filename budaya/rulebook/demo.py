"""The demo's rulebooks: each demo city runs by its own regulation (seed_demo calls ``seed``).

Idempotent: a government whose current rulebook already has the shipped content gets nothing new,
and one whose administrator changed it keeps the change.
"""

from __future__ import annotations

from budaya.org.models import Government
from budaya.rulebook import services
from budaya.rulebook.models import RulebookVersion

# Demo government (slug) -> shipped rulebook.
DEMO = {"kota-tangerang": "kota-tangerang", "kota-serang": "kota-serang"}


def seed() -> list[str]:
    lines: list[str] = []
    for slug, name in DEMO.items():
        government = Government.objects.filter(slug=slug).first()
        if government is None:
            continue
        if RulebookVersion.objects.filter(government=government).exists():
            continue
        result = services.load_shipped(
            government=government, name=name, note="Demo: buku aturan bawaan Budaya."
        )
        if result.created and result.version is not None:
            lines.append(f"{government}: rulebook version {result.version.number} ({name}.yaml)")
    return lines
