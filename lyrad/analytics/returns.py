"""Returns from an equity path, moments, and the parameter checks every statistic shares."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

Money: TypeAlias = Decimal | float | int


def simple_returns(equity: Sequence[Money]) -> list[float]:
    """Per-period simple returns of an equity path; every value before the last must be positive."""
    returns: list[float] = []
    for index in range(1, len(equity)):
        previous, current = Decimal(equity[index - 1]), Decimal(equity[index])
        if previous <= 0:
            raise ValueError(
                f"equity must be positive to define a return, got {previous} at {index - 1}"
            )
        # Decimal division first: two large nearby balances keep their exact ratio.
        returns.append(float(current / previous) - 1.0)
    return returns


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean with a compensated sum (callers guarantee a non-empty sequence)."""
    return math.fsum(values) / len(values)


def sample_stdev(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n - 1); None below two observations."""
    count = len(values)
    if count < 2:
        return None
    centre = mean(values)
    return math.sqrt(math.fsum((value - centre) ** 2 for value in values) / (count - 1))


def as_floats(values: Iterable[Money]) -> list[float]:
    return [float(value) for value in values]


def tail_mass(confidence: float) -> Fraction:
    """`1 - confidence` exactly as written (0.95 -> 1/20), so tail counts have no float slop."""
    if not 0.0 < confidence < 1.0 or not math.isfinite(confidence):
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return 1 - Fraction(repr(confidence))


def check_periods_per_year(periods_per_year: float) -> None:
    if not periods_per_year > 0 or not math.isfinite(periods_per_year):
        raise ValueError(f"periods_per_year must be positive, got {periods_per_year}")
