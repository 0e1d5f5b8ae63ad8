"""The fishbone (cause-and-effect) diagram of a problem, laid out from its causes as SVG shapes
that ``problems/_fishbone_svg.html`` draws: the problem at the head, one bone per category
(half above the spine, half below), the causes along their bone, the root cause marked."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from budaya.problems.models import Cause, Problem

WIDTH = 1000
HEAD_WIDTH = 200
BONE_SLANT = 90
CAUSE_GAP = 30
MARGIN = 40


@dataclass
class Bone:
    category: str
    x1: int
    y1: int
    x2: int
    y2: int
    label_y: int
    causes: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Diagram:
    width: int
    height: int
    spine_y: int
    spine_x2: int
    head_x: int
    head_y: int
    head_height: int
    head_lines: list[tuple[int, str]]
    bones: list[Bone]


def layout(problem: Problem, categories: list[str], causes: list[Cause]) -> Diagram:
    by_category: dict[str, list[Cause]] = {c: [] for c in categories}
    for cause in causes:
        if cause.category:
            by_category.setdefault(cause.category, []).append(cause)
    names = list(by_category)
    above = names[0::2]
    below = names[1::2]
    longest = max([len(v) for v in by_category.values()] + [2])
    half = MARGIN + 30 + longest * CAUSE_GAP
    height = 2 * half
    spine_y = half
    spine_x2 = WIDTH - HEAD_WIDTH - 10
    columns = max(len(above), len(below), 1)
    step = (spine_x2 - MARGIN - BONE_SLANT) // columns
    bones: list[Bone] = []
    for side, group in ((-1, above), (1, below)):
        for index, name in enumerate(group):
            x2 = MARGIN + BONE_SLANT + step * (index + 1) - 20
            x1 = x2 - BONE_SLANT
            y1 = spine_y + side * (half - MARGIN)
            bone = Bone(name, x1, y1, x2, spine_y, y1 + (-8 if side < 0 else 20))
            for order, cause in enumerate(by_category[name]):
                # Causes sit along the bone, from its outer end towards the spine.
                y = y1 - side * (30 + order * CAUSE_GAP)
                fraction = (y - y1) / (spine_y - y1) if spine_y != y1 else 0
                x = int(x1 + fraction * BONE_SLANT)
                bone.causes.append(
                    {
                        "x": x,
                        "y": int(y),
                        "text": textwrap.shorten(cause.text, 34, placeholder="…"),
                        "full": cause.text,
                        "root": cause.is_root,
                    }
                )
            bones.append(bone)
    lines = textwrap.wrap(problem.title, 24)[:5] or [""]
    head_height = 24 + 18 * len(lines)
    head_y = spine_y - head_height // 2
    return Diagram(
        width=WIDTH,
        height=height,
        spine_y=spine_y,
        spine_x2=spine_x2,
        head_x=spine_x2,
        head_y=head_y,
        head_height=head_height,
        head_lines=[(head_y + 24 + 18 * i, text) for i, text in enumerate(lines)],
        bones=bones,
    )
