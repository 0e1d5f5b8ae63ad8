"""Server-rendered bar charts (issue 20 item 3): the geometry of an SVG drawn by
``dashboard/_chart.html``, which scales by its viewBox and is readable without colour.

A chart is groups of bars (an agency, a month, a period): each group's label on its own line,
its bars below it, each bar filled by its series' pattern (solid, hatched, dotted) and followed
by its value in words, so a grey print and a screen reader (the table view beside each chart)
read the same figures. Every group links to the rows it counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The drawing's coordinate system; the browser scales it to the width of the page.
WIDTH = 400
BAR_AREA = 320  # the longest bar; the rest of the line holds the value
LABEL_HEIGHT = 16
BAR_HEIGHT = 12
BAR_GAP = 3
GROUP_GAP = 10
SERIES_FILLS = ("solid", "hatch", "dots")


@dataclass(frozen=True)
class Bar:
    value: float
    text: str  # the value as the reader reads it: "3", "2/4", "75%"


@dataclass
class Group:
    label: str
    url: str
    bars: list[Bar]
    y: str = "0"
    shapes: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Chart:
    key: str  # unique on the page: the ids of its title, description and patterns
    title: str
    description: str
    series: list[str]
    groups: list[Group]
    maximum: float = 0
    height: str = "0"
    legend: list[dict[str, object]] = field(default_factory=list)


def _n(value: float) -> str:
    """A coordinate as SVG reads it: never localised ("106.7", not "106,7")."""
    return f"{round(value, 1):g}"


def layout(chart: Chart) -> Chart:
    """Place the groups and bars of ``chart`` (bar lengths relative to its maximum, or to the
    largest value when it has none)."""
    largest = chart.maximum or max(
        (bar.value for group in chart.groups for bar in group.bars), default=0
    )
    y: float = LABEL_HEIGHT + GROUP_GAP if len(chart.series) > 1 else 0
    chart.legend = [
        {"x": index * 130, "fill": SERIES_FILLS[index % len(SERIES_FILLS)], "name": name}
        for index, name in enumerate(chart.series)
    ]
    for group in chart.groups:
        group.y = _n(y + LABEL_HEIGHT - 4)
        y += LABEL_HEIGHT
        group.shapes = []
        for index, bar in enumerate(group.bars):
            length = BAR_AREA * bar.value / largest if largest else 0
            group.shapes.append(
                {
                    "y": _n(y),
                    "width": _n(max(length, 1)),
                    "text_x": _n(max(length, 1) + 4),
                    "text_y": _n(y + BAR_HEIGHT - 2),
                    "fill": SERIES_FILLS[index % len(SERIES_FILLS)],
                    "series": chart.series[index] if index < len(chart.series) else "",
                    "text": bar.text,
                }
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    chart.height = _n(max(y, LABEL_HEIGHT))
    return chart
