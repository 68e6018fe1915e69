"""Geometry of the overview's server-rendered SVG charts (no script library): a trend line and horizontal bars.

Only coordinates are computed here; the templates draw them (reports/_trend.html, reports/_bars.html).
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Trend:
    """One series over the period's days, drawn as a polyline scaled to its own maximum."""

    key: str
    points: list  # [(label, value)]
    width: int = 720
    height: int = 160
    top: Decimal = Decimal("0")
    coordinates: str = ""
    dots: list = field(default_factory=list)  # [(x, y, label, value)]

    def __post_init__(self):
        values = [Decimal(value) for _, value in self.points] or [Decimal("0")]
        self.top = max(values)
        span = self.top or Decimal("1")
        plot = self.height - 20
        step = self.width / max(len(self.points) - 1, 1)
        for index, (label, value) in enumerate(self.points):
            x = round(index * step, 2)
            y = round(10 + plot - float(Decimal(value) / span) * plot, 2)
            self.dots.append((x, y, label, value))
        self.coordinates = " ".join(f"{x},{y}" for x, y, _, _ in self.dots)


@dataclass
class Bars:
    """Horizontal bars, one per (label, value), widths relative to the largest."""

    key: str
    items: list  # [(label, value, note)]
    width: int = 360
    row: int = 22
    rows: list = field(default_factory=list)  # [(y, bar width, label, value, note)]

    @property
    def height(self) -> int:
        return max(len(self.items), 1) * self.row

    def __post_init__(self):
        top = max((Decimal(value) for _, value, _ in self.items), default=Decimal("0")) or Decimal("1")
        for index, (label, value, note) in enumerate(self.items):
            bar = round(max(float(Decimal(value) / top) * self.width, 0), 2)
            self.rows.append((index * self.row, bar, label, value, note))
