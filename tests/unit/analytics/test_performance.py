"""Sharpe, Sortino, win rate and profit factor on hand-computed series."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from lyrad.analytics import profit_factor, sharpe_ratio, sortino_ratio, win_rate

# mean 0.01; deviations 0, .01, -.02, .02, -.01 -> squares sum 1e-3, sample variance 2.5e-4,
# stdev 0.0158114; per-period Sharpe 0.01 / 0.0158114 = sqrt(0.4).
SERIES = [0.01, 0.02, -0.01, 0.03, 0.0]


def test_sharpe_of_a_known_series() -> None:
    assert sharpe_ratio(SERIES, periods_per_year=1) == pytest.approx(math.sqrt(0.4))
    # Annualized: sqrt(0.4) * sqrt(252) = sqrt(100.8) = 10.0399...
    assert sharpe_ratio(SERIES, periods_per_year=252) == pytest.approx(10.03992, rel=1e-6)


def test_sharpe_subtracts_the_annual_risk_free_rate_spread_over_the_periods() -> None:
    # 25.2% a year over 252 periods is 0.1% a period: excess mean 0.009 -> 0.9 * sqrt(100.8).
    result = sharpe_ratio(SERIES, periods_per_year=252, risk_free_rate=0.252)
    assert result == pytest.approx(0.9 * math.sqrt(100.8))


def test_sharpe_is_undefined_without_dispersion() -> None:
    assert sharpe_ratio([0.01, 0.01, 0.01], periods_per_year=365) is None
    assert sharpe_ratio([0.01], periods_per_year=365) is None
    assert sharpe_ratio([], periods_per_year=365) is None


def test_sortino_of_a_known_series() -> None:
    # Only -0.01 falls below 0: downside deviation sqrt(1e-4 / 5) over ALL five periods;
    # 0.01 / sqrt(2e-5) = sqrt(5), annualized sqrt(5 * 252) = sqrt(1260).
    assert sortino_ratio(SERIES, periods_per_year=252) == pytest.approx(math.sqrt(1260))


def test_sortino_measures_shortfall_against_the_target() -> None:
    # Target 0.01 a period: shortfalls 0, 0, -0.02, 0, -0.01 -> dd sqrt(5e-4 / 5) = 0.01;
    # mean excess 0 -> ratio 0.
    assert sortino_ratio(SERIES, periods_per_year=1, minimum_acceptable_return=0.01) == 0.0


def test_sortino_is_undefined_without_downside() -> None:
    assert sortino_ratio([0.01, 0.02], periods_per_year=365) is None
    assert sortino_ratio([], periods_per_year=365) is None


@pytest.mark.parametrize("periods", [0.0, -252.0, math.inf, math.nan])
def test_invalid_periods_per_year_is_rejected(periods: float) -> None:
    with pytest.raises(ValueError, match="periods_per_year"):
        sharpe_ratio(SERIES, periods_per_year=periods)
    with pytest.raises(ValueError, match="periods_per_year"):
        sortino_ratio(SERIES, periods_per_year=periods)


def test_win_rate_and_profit_factor_of_decimal_trade_pnls() -> None:
    pnls = [Decimal("10"), Decimal("-5"), Decimal("0"), Decimal("20.5"), Decimal("-1.5")]
    assert win_rate(pnls) == pytest.approx(2 / 5)  # the flat trade is not a win
    assert profit_factor(pnls) == pytest.approx(30.5 / 6.5)


def test_trade_statistics_without_trades_or_without_losses_are_undefined() -> None:
    assert win_rate([]) is None
    assert profit_factor([]) is None
    assert profit_factor([Decimal(3), Decimal(0)]) is None
    assert profit_factor([Decimal(-3)]) == 0.0
