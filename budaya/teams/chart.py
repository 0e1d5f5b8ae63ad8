"""The organisation chart of a team as SVG geometry (T Pasal 9(8), Lampiran I).

Lampiran I draws the responsible officer above the chair on a command line (solid), the
facilitator beside that line on a coordination line (dashed), and the secretary and the members
below the chair. Each role says where it belongs (``TeamRole.chart_place``), so roles a
government defines find their place too. The template ``teams/_chart_svg.html`` draws the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budaya.teams.models import Membership, TeamRole

WIDTH = 820
BOX_W, BOX_H = 220, 58
MEMBER_W = 185
MEMBERS_PER_ROW = 4
GAP = 20
NAME_CHARS = 30


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    role: str
    name: str
    detail: str
    full_name: str

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def text_x(self) -> int:
        return self.cx


@dataclass(frozen=True)
class Line:
    x1: int
    y1: int
    x2: int
    y2: int
    dashed: bool = False


@dataclass
class Chart:
    width: int = WIDTH
    height: int = 0
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend_y: int = 0

    @property
    def empty(self) -> bool:
        return not self.boxes


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _box(x: int, y: int, w: int, membership: Membership) -> Box:
    employee = membership.employee
    detail = employee.position_name or (f"NIP {employee.nip}" if employee.nip else "")
    limit = NAME_CHARS if w >= BOX_W else NAME_CHARS - 5
    return Box(
        x=x,
        y=y,
        w=w,
        h=BOX_H,
        role=membership.role.name,
        name=_short(employee.full_name, limit),
        detail=_short(detail, limit + 4),
        full_name=employee.full_name,
    )


def _row(memberships: list[Membership], y: int, width: int, center: int) -> list[Box]:
    total = len(memberships) * width + (len(memberships) - 1) * GAP
    x = max(center - total // 2, 10)
    boxes = []
    for membership in memberships:
        boxes.append(_box(x, y, width, membership))
        x += width + GAP
    return boxes


def build(current: list[Membership]) -> Chart:
    """Lay out the current members of one team (``role`` and ``employee`` loaded)."""
    by_place: dict[str, list[Membership]] = {place: [] for place in TeamRole.ChartPlace.values}
    for membership in sorted(current, key=lambda m: (m.role.order, m.employee.name, m.pk)):
        by_place[membership.role.chart_place].append(membership)
    chart = Chart()
    center = WIDTH // 2
    y = 20
    trunk_top: int | None = None  # bottom of the box the command line leaves from
    # The responsible officer (or steering) at the top.
    tops = _row(by_place["top"], y, BOX_W, center)
    if tops:
        chart.boxes += tops
        for box in tops[1:]:
            chart.lines.append(Line(tops[0].x + tops[0].w, y + BOX_H // 2, box.x, y + BOX_H // 2))
        trunk_top = y + BOX_H
        y += BOX_H + 90
    # The facilitator beside the command line between the top and the chair, dashed.
    sides = by_place["side"]
    side_y = (trunk_top + 16) if trunk_top is not None else y
    chair_x = center - BOX_W // 2
    for index, membership in enumerate(sides):
        box = _box(center + BOX_W // 2 + 60, side_y + index * (BOX_H + 10), BOX_W, membership)
        chart.boxes.append(box)
        chart.lines.append(Line(box.x, box.y + BOX_H // 2, center, box.y + BOX_H // 2, dashed=True))
    if sides and trunk_top is None:
        y = side_y + len(sides) * (BOX_H + 10) + 30
    elif sides:
        y = max(y, side_y + len(sides) * (BOX_H + 10) + 20)
    # The chair, on the command line.
    chairs = by_place["chair"]
    if chairs:
        chair_boxes = _row(chairs, y, BOX_W, center)
        chart.boxes += chair_boxes
        if trunk_top is not None:
            chart.lines.append(Line(center, trunk_top, center, y))
        elif sides:
            chart.lines.append(Line(center, side_y + BOX_H // 2, center, y))
        trunk_top = y + BOX_H
        y += BOX_H + 40
        chair_x = chair_boxes[0].x
    # The secretary, off the command line to the left.
    secretaries = by_place["secretary"]
    for index, membership in enumerate(secretaries):
        box_y = y + index * (BOX_H + 10)
        box = _box(max(chair_x - BOX_W - 40, 10), box_y, BOX_W, membership)
        chart.boxes.append(box)
        chart.lines.append(Line(box.x + box.w, box_y + BOX_H // 2, center, box_y + BOX_H // 2))
        if trunk_top is not None:
            chart.lines.append(Line(center, trunk_top, center, box_y + BOX_H // 2))
    if secretaries:
        last = y + (len(secretaries) - 1) * (BOX_H + 10) + BOX_H // 2
        trunk_top = last
        y += len(secretaries) * (BOX_H + 10) + 30
    # The members in rows, each row on a bus line from the command line.
    members = by_place["member"]
    for start in range(0, len(members), MEMBERS_PER_ROW):
        row = members[start : start + MEMBERS_PER_ROW]
        bus_y = y
        boxes = _row(row, y + 24, MEMBER_W, center)
        chart.boxes += boxes
        if trunk_top is not None:
            chart.lines.append(Line(center, trunk_top, center, bus_y))
        if len(boxes) > 1:
            chart.lines.append(Line(boxes[0].cx, bus_y, boxes[-1].cx, bus_y))
        for box in boxes:
            chart.lines.append(Line(box.cx, bus_y, box.cx, box.y))
        trunk_top = bus_y
        y += 24 + BOX_H + 30
    chart.legend_y = y + 10
    chart.height = y + 40
    return chart
