"""VaR backtesting: exceptions against forecasts and Kupiec's proportion-of-failures test."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from lyrad.analytics.returns import tail_mass


@dataclass(frozen=True, slots=True)
class KupiecResult:
    """Kupiec's likelihood ratio for the exception count, chi-square with one degree of freedom."""

    observations: int
    exceptions: int
    confidence: float
    significance: float
    statistic: float
    p_value: float

    @property
    def expected_exceptions(self) -> float:
        return self.observations * (1.0 - self.confidence)

    @property
    def is_rejected(self) -> bool:
        """True when the VaR model's exception rate is implausible at `significance`."""
        return self.p_value < self.significance


def kupiec_pof(
    exceptions: int, observations: int, confidence: float, significance: float = 0.05
) -> KupiecResult:
    """Kupiec (1995): LR = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x], p = 1 - confidence.

    Too few exceptions reject as surely as too many: a VaR that is never exceeded is too wide.
    """
    p = float(tail_mass(confidence))
    if observations < 1:
        raise ValueError(f"observations must be at least 1, got {observations}")
    if not 0 <= exceptions <= observations:
        raise ValueError(f"exceptions must be in [0, {observations}], got {exceptions}")
    if not 0.0 < significance < 1.0:
        raise ValueError(f"significance must be in (0, 1), got {significance}")
    observed = exceptions / observations
    null = _log_likelihood(exceptions, observations, p)
    fitted = _log_likelihood(exceptions, observations, observed)
    statistic = max(0.0, 2.0 * (fitted - null))  # rounding can push an exact fit a hair below 0
    # Survival function of chi-square(1): P(X > s) = P(|Z| > sqrt(s)) = erfc(sqrt(s / 2)).
    p_value = math.erfc(math.sqrt(statistic / 2.0))
    return KupiecResult(observations, exceptions, confidence, significance, statistic, p_value)


def count_exceptions(returns: Sequence[float], var_forecasts: Sequence[float]) -> int:
    """Periods whose loss exceeded the VaR forecast made for them (both as loss fractions)."""
    if len(returns) != len(var_forecasts):
        raise ValueError(
            f"var_forecasts must pair with returns: {len(var_forecasts)} != {len(returns)}"
        )
    return sum(1 for r, var in zip(returns, var_forecasts, strict=True) if -r > var)


def rolling_historical_var(returns: Sequence[float], window: int, confidence: float) -> list[float]:
    """Out-of-sample forecasts: entry i is the historical VaR of the `window` returns before
    `returns[window + i]`, so it is compared with a return it never saw."""
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    rank = math.floor(window * tail_mass(confidence))  # index into the worst-first losses
    ascending = sorted(-r for r in returns[:window])
    forecasts: list[float] = []
    for index in range(window, len(returns)):
        forecasts.append(ascending[window - 1 - rank])
        # Slide the window by one: drop the oldest loss, insert the newest, keep it sorted.
        del ascending[bisect.bisect_left(ascending, -returns[index - window])]
        bisect.insort(ascending, -returns[index])
    return forecasts


def backtest_historical_var(
    returns: Sequence[float], window: int, confidence: float, significance: float = 0.05
) -> KupiecResult | None:
    """Kupiec test of a rolling historical VaR; None when no return lies beyond the first window."""
    forecasts = rolling_historical_var(returns, window, confidence)
    if not forecasts:
        return None
    exceptions = count_exceptions(returns[window:], forecasts)
    return kupiec_pof(exceptions, len(forecasts), confidence, significance)


def _log_likelihood(exceptions: int, observations: int, rate: float) -> float:
    """Binomial log-likelihood without the constant, with 0 * log 0 taken as 0."""
    total = 0.0
    if exceptions:
        total += exceptions * math.log(rate)
    if observations - exceptions:
        total += (observations - exceptions) * math.log1p(-rate)
    return total
