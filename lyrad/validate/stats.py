"""Small statistics for latencies and thresholds (floats: these are measurements, not money)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from lyrad.validate.model import State


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, `q` in [0, 100]; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def grade_latency(p50: float, p_tail: float, p50_max: float, tail_max: float) -> State:
    """PASS within both thresholds, WARN within twice either, FAIL beyond."""
    if p50 <= p50_max and p_tail <= tail_max:
        return State.PASS
    if p50 <= 2 * p50_max and p_tail <= 2 * tail_max:
        return State.WARN
    return State.FAIL


def histogram(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Counts per bucket: (-inf, e0], (e0, e1], ..., (e_last, +inf)."""
    counts = [0] * (len(edges) + 1)
    for value in values:
        index = len(edges)
        for i, edge in enumerate(edges):
            if value <= edge:
                index = i
                break
        counts[index] += 1
    return counts


LATENCY_EDGES_MS = (5.0, 10.0, 25.0, 50.0, 100.0, 150.0, 250.0, 500.0, 1000.0, 2000.0)
