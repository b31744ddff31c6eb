"""Drawdown from the running peak of an equity path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lyrad.analytics.returns import Money, as_floats


@dataclass(frozen=True, slots=True)
class Drawdown:
    """One decline from a peak: depth as a fraction of the peak, with where it began and ended.

    `depth == 0` means the path never fell below a previous peak (all indices are then 0).
    `recovery_index` is the first index back at or above the peak, None while still under water.
    """

    depth: float
    peak_index: int
    trough_index: int
    recovery_index: int | None


_NO_DRAWDOWN = Drawdown(depth=0.0, peak_index=0, trough_index=0, recovery_index=0)


def drawdown_series(equity: Sequence[Money]) -> list[float]:
    """Drawdown from the running peak at every point of the path (0 at each new peak)."""
    values = _positive_start(equity)
    series: list[float] = []
    peak = values[0] if values else 0.0
    for value in values:
        peak = max(peak, value)
        series.append(1.0 - value / peak)
    return series


def current_drawdown(equity: Sequence[Money]) -> float:
    """How far the last value is below the highest one so far (0 for an empty path)."""
    values = _positive_start(equity)
    if not values:
        return 0.0
    return 1.0 - values[-1] / max(values)


def max_drawdown(equity: Sequence[Money]) -> Drawdown:
    """The deepest peak-to-trough decline of the path, measured from the peak before it."""
    values = _positive_start(equity)
    worst = _NO_DRAWDOWN
    peak_index = 0
    for index, value in enumerate(values):
        if value >= values[peak_index]:
            peak_index = index
            continue
        depth = 1.0 - value / values[peak_index]
        if depth > worst.depth:
            worst = Drawdown(depth, peak_index, index, None)
    if worst.depth == 0.0:
        return worst
    return Drawdown(worst.depth, worst.peak_index, worst.trough_index, _recovery(values, worst))


def _recovery(values: Sequence[float], drawdown: Drawdown) -> int | None:
    peak = values[drawdown.peak_index]
    for index in range(drawdown.trough_index + 1, len(values)):
        if values[index] >= peak:
            return index
    return None


def _positive_start(equity: Sequence[Money]) -> list[float]:
    values = as_floats(equity)
    # A non-positive first peak would make every later ratio meaningless (or divide by zero).
    if values and not values[0] > 0:
        raise ValueError(f"equity must start positive, got {values[0]}")
    return values
