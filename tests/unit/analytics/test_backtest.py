"""Kupiec's proportion-of-failures test on textbook numbers, and the rolling VaR it backtests."""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest

from lyrad.analytics import (
    backtest_historical_var,
    count_exceptions,
    historical_var,
    kupiec_pof,
    rolling_historical_var,
)


def test_eight_exceptions_in_250_days_at_99_percent_is_rejected() -> None:
    # ln L0 = 242 ln 0.99 + 8 ln 0.01 = -39.2735; ln L1 = 242 ln 0.968 + 8 ln 0.032 = -35.4068;
    # LR = 2 (L1 - L0) = 7.7336, beyond the 5% chi-square(1) critical value 3.841.
    result = kupiec_pof(exceptions=8, observations=250, confidence=0.99)
    assert result.statistic == pytest.approx(7.7336, abs=1e-4)
    assert result.expected_exceptions == pytest.approx(2.5)
    assert result.is_rejected
    # Cross-check the chi-square(1) tail with the normal: P(X > s) = 2 (1 - Phi(sqrt(s))).
    assert result.p_value == pytest.approx(2 * (1 - NormalDist().cdf(math.sqrt(7.7336))), rel=1e-3)


def test_a_count_near_the_expectation_is_accepted() -> None:
    result = kupiec_pof(exceptions=4, observations=250, confidence=0.99)
    assert result.statistic < 3.841
    assert not result.is_rejected


def test_an_exact_fit_has_zero_statistic_and_p_value_one() -> None:
    result = kupiec_pof(exceptions=10, observations=250, confidence=0.96)
    assert result.statistic == pytest.approx(0.0, abs=1e-9)
    assert result.p_value == pytest.approx(1.0)


def test_zero_exceptions_reduces_to_the_null_likelihood() -> None:
    # LR = -2 n ln(1 - p): 5.025 for 250 days (too few exceptions: rejected), 2.010 for 100.
    year = kupiec_pof(exceptions=0, observations=250, confidence=0.99)
    assert year.statistic == pytest.approx(-500 * math.log(0.99))
    assert year.is_rejected
    quarter = kupiec_pof(exceptions=0, observations=100, confidence=0.99)
    assert quarter.statistic == pytest.approx(-200 * math.log(0.99))
    assert not quarter.is_rejected


def test_every_period_an_exception() -> None:
    result = kupiec_pof(exceptions=20, observations=20, confidence=0.95)
    assert result.statistic == pytest.approx(-40 * math.log(0.05))
    assert result.is_rejected


def test_the_decision_follows_the_significance() -> None:
    # 7 exceptions in 250 days at 99%: LR 5.497, p 0.019 -> rejected at 5%, not at 1%.
    strict = kupiec_pof(exceptions=7, observations=250, confidence=0.99, significance=0.01)
    assert strict.p_value == pytest.approx(0.01905, abs=1e-5)
    assert not strict.is_rejected
    assert kupiec_pof(exceptions=7, observations=250, confidence=0.99).is_rejected


@pytest.mark.parametrize(
    ("exceptions", "observations", "significance", "name"),
    [
        (1, 0, 0.05, "observations"),
        (-1, 10, 0.05, "exceptions"),
        (11, 10, 0.05, "exceptions"),
        (1, 10, 0.0, "significance"),
        (1, 10, 1.0, "significance"),
    ],
)
def test_invalid_arguments_are_named(
    exceptions: int, observations: int, significance: float, name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        kupiec_pof(exceptions, observations, 0.99, significance)


def test_an_exception_is_a_loss_strictly_beyond_the_forecast() -> None:
    returns = [-0.03, -0.02, 0.01, -0.05]
    assert count_exceptions(returns, [0.02, 0.02, 0.02, 0.02]) == 2
    with pytest.raises(ValueError, match="var_forecasts"):
        count_exceptions(returns, [0.02])


def test_rolling_forecasts_are_the_historical_var_of_the_window_before() -> None:
    rng = random.Random(11)
    returns = [rng.gauss(0, 0.01) for _ in range(160)]
    window = 50
    forecasts = rolling_historical_var(returns, window, 0.95)
    expected = [historical_var(returns[i - window : i], 0.95) for i in range(window, 160)]
    assert forecasts == expected


def test_backtest_counts_only_out_of_sample_periods() -> None:
    rng = random.Random(5)
    returns = [rng.gauss(0, 0.01) for _ in range(300)]
    result = backtest_historical_var(returns, window=250, confidence=0.99)
    assert result is not None
    assert result.observations == 50
    forecasts = rolling_historical_var(returns, 250, 0.99)
    assert result.exceptions == count_exceptions(returns[250:], forecasts)
    assert backtest_historical_var(returns[:250], window=250, confidence=0.99) is None


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError, match="window"):
        rolling_historical_var([0.01], 0, 0.99)
