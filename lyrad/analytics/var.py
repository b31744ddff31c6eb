"""Value at risk and expected shortfall, historical and parametric (normal), as loss fractions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from lyrad.analytics.returns import mean, sample_stdev, tail_mass

_STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class VarEstimate:
    """The four one-period tail measures at one confidence level (None: too little data)."""

    confidence: float
    historical_var: float | None
    historical_es: float | None
    parametric_var: float | None
    parametric_es: float | None


def estimate_var(returns: Sequence[float], confidence: float) -> VarEstimate:
    """All four tail measures at `confidence`, sorting the losses once."""
    worst_first = _losses_worst_first(returns)
    return VarEstimate(
        confidence=confidence,
        historical_var=_historical_var(worst_first, confidence),
        historical_es=_historical_es(worst_first, confidence),
        parametric_var=parametric_var(returns, confidence),
        parametric_es=parametric_es(returns, confidence),
    )


def historical_var(returns: Sequence[float], confidence: float = 0.95) -> float | None:
    """Empirical loss quantile: the smallest loss not exceeded on `confidence` of the periods.

    With n returns this is the `floor(n * (1 - confidence)) + 1`-th worst loss (the inverse of the
    empirical distribution function), so at most `n * (1 - confidence)` losses exceed it.
    """
    return _historical_var(_losses_worst_first(returns), confidence)


def historical_es(returns: Sequence[float], confidence: float = 0.95) -> float | None:
    """Mean loss over the worst `1 - confidence` of periods (a fractional last observation counts
    in part, as in Acerbi and Tasche), so it is never below the historical VaR."""
    return _historical_es(_losses_worst_first(returns), confidence)


def parametric_var(returns: Sequence[float], confidence: float = 0.95) -> float | None:
    """Normal VaR: `-mean + stdev * z`, z the standard normal quantile at `confidence`."""
    z = _STANDARD_NORMAL.inv_cdf(1 - float(tail_mass(confidence)))
    stdev = sample_stdev(returns)
    if stdev is None:
        return None
    return -mean(returns) + stdev * z


def parametric_es(returns: Sequence[float], confidence: float = 0.95) -> float | None:
    """Normal expected shortfall: `-mean + stdev * pdf(z) / (1 - confidence)`."""
    tail = float(tail_mass(confidence))
    z = _STANDARD_NORMAL.inv_cdf(1 - tail)
    stdev = sample_stdev(returns)
    if stdev is None:
        return None
    return -mean(returns) + stdev * _STANDARD_NORMAL.pdf(z) / tail


def _losses_worst_first(returns: Sequence[float]) -> list[float]:
    return sorted((-r for r in returns), reverse=True)


def _historical_var(worst_first: Sequence[float], confidence: float) -> float | None:
    tail = tail_mass(confidence)
    if not worst_first:
        return None
    return worst_first[math.floor(len(worst_first) * tail)]


def _historical_es(worst_first: Sequence[float], confidence: float) -> float | None:
    tail = tail_mass(confidence)
    if not worst_first:
        return None
    weight = len(worst_first) * tail  # how many observations the tail holds, maybe fractional
    whole = math.floor(weight)
    partial = float(weight - whole) * worst_first[whole]
    return (math.fsum(worst_first[:whole]) + partial) / float(weight)
