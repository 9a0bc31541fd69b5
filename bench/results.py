"""What a benchmark run produces: measured figures, each beside its target from design 6."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measured value with the baseline it is judged against (taken in the same run)."""

    name: str
    value: float
    unit: str
    baseline: str
    target: str
    met: bool | None  # None: no target applies or nothing could be measured
    note: str = ""

    def measured(self) -> str:
        if math.isnan(self.value):
            return "not measured"
        return f"{fmt(self.value)} {self.unit}".strip()

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: "-"}[self.met]


@dataclass
class Section:
    """A group of figures plus the raw numbers behind them (for docs/benchmarks.md)."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


def fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 0.01 or value == 0:
        return f"{value:.3f}".rstrip("0").rstrip(".") if magnitude < 1 else f"{value:.2f}"
    return f"{value:.2g}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 200 samples is a real sample)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
