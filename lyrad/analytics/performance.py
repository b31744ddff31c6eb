"""Risk-adjusted return ratios over periodic returns, and trade statistics over closed-trade PnL."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from lyrad.analytics.returns import Money, as_floats, check_periods_per_year, mean, sample_stdev


def sharpe_ratio(
    returns: Sequence[float], periods_per_year: float, risk_free_rate: float = 0.0
) -> float | None:
    """Annualized Sharpe: mean excess return over its sample stdev, times sqrt(periods_per_year).

    `risk_free_rate` is annual and spread evenly over the periods. None below two returns or when
    the returns do not vary.
    """
    check_periods_per_year(periods_per_year)
    stdev = sample_stdev(returns)
    if stdev is None or stdev == 0.0:
        return None
    excess = mean(returns) - risk_free_rate / periods_per_year
    return excess / stdev * math.sqrt(periods_per_year)


def sortino_ratio(
    returns: Sequence[float], periods_per_year: float, minimum_acceptable_return: float = 0.0
) -> float | None:
    """Annualized Sortino: mean excess return over the downside deviation, times sqrt(periods).

    The downside deviation is the root mean square of `min(0, r - target)` over ALL periods
    (Sortino and Price), the annual `minimum_acceptable_return` spread evenly over the periods.
    None when no period falls below the target.
    """
    check_periods_per_year(periods_per_year)
    if not returns:
        return None
    target = minimum_acceptable_return / periods_per_year
    shortfalls = [min(0.0, r - target) for r in returns]
    downside = math.sqrt(math.fsum(s * s for s in shortfalls) / len(returns))
    if downside == 0.0:
        return None
    return (mean(returns) - target) / downside * math.sqrt(periods_per_year)


def win_rate(trade_pnls: Iterable[Money]) -> float | None:
    """Share of closed trades with a positive PnL (flat trades count as not won); None if none."""
    pnls = as_floats(trade_pnls)
    if not pnls:
        return None
    return sum(1 for pnl in pnls if pnl > 0) / len(pnls)


def profit_factor(trade_pnls: Iterable[Money]) -> float | None:
    """Gross profit over gross loss of closed trades; None when there is no losing trade."""
    pnls = as_floats(trade_pnls)
    gross_loss = -math.fsum(pnl for pnl in pnls if pnl < 0)
    if gross_loss == 0.0:
        return None
    return math.fsum(pnl for pnl in pnls if pnl > 0) / gross_loss
