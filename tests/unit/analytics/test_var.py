"""VaR and expected shortfall against closed forms and hand-counted order statistics."""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.analytics import (
    estimate_var,
    historical_es,
    historical_var,
    parametric_es,
    parametric_var,
)

MU, SIGMA, DRAWS = 0.001, 0.02, 200_000
STANDARD = NormalDist()


@pytest.fixture(scope="module")
def normal_returns() -> list[float]:
    rng = random.Random(20240601)
    return [rng.gauss(MU, SIGMA) for _ in range(DRAWS)]


def closed_form(confidence: float) -> tuple[float, float]:
    """VaR and ES of losses L = -r ~ N(-MU, SIGMA)."""
    z = STANDARD.inv_cdf(confidence)
    return -MU + SIGMA * z, -MU + SIGMA * STANDARD.pdf(z) / (1 - confidence)


def quantile_standard_error(confidence: float) -> float:
    """Asymptotic stdev of a sample quantile: sqrt(a(1-a)/n) / density at the quantile."""
    z = STANDARD.inv_cdf(confidence)
    density = STANDARD.pdf(z) / SIGMA
    return math.sqrt(confidence * (1 - confidence) / DRAWS) / density


def shortfall_standard_error(confidence: float) -> float:
    """Asymptotic stdev of the sample ES: sqrt((Var(L | L > q) + a (ES - q)^2) / (n (1 - a)))."""
    z = STANDARD.inv_cdf(confidence)
    tail_mean = STANDARD.pdf(z) / (1 - confidence)  # standardized ES
    tail_variance = 1 + z * tail_mean - tail_mean**2  # variance of a normal beyond z
    spread = SIGMA**2 * (tail_variance + confidence * (tail_mean - z) ** 2)
    return math.sqrt(spread / (DRAWS * (1 - confidence)))


# Four standard errors: a seeded sample fails this with odds below 1 in 15,000 per check, and
# at 200k draws it is still tight (about 0.03 sigma for VaR99, 0.04 sigma for ES99).
@pytest.mark.parametrize("confidence", [0.95, 0.99])
def test_historical_var_of_a_large_normal_sample_matches_the_closed_form(
    normal_returns: list[float], confidence: float
) -> None:
    expected, _ = closed_form(confidence)
    measured = historical_var(normal_returns, confidence)
    assert measured == pytest.approx(expected, abs=4 * quantile_standard_error(confidence))


@pytest.mark.parametrize("confidence", [0.95, 0.99])
def test_historical_es_of_a_large_normal_sample_matches_the_closed_form(
    normal_returns: list[float], confidence: float
) -> None:
    _, expected = closed_form(confidence)
    measured = historical_es(normal_returns, confidence)
    assert measured == pytest.approx(expected, abs=4 * shortfall_standard_error(confidence))


@pytest.mark.parametrize("confidence", [0.95, 0.99])
def test_parametric_measures_of_a_large_normal_sample_match_the_closed_form(
    normal_returns: list[float], confidence: float
) -> None:
    expected_var, expected_es = closed_form(confidence)
    # Sample mean and stdev are off by about SIGMA / sqrt(n) = 4.5e-5; 2e-4 is over four of those
    # scaled by the largest multiplier here (ES99: 2.67 sigma).
    assert parametric_var(normal_returns, confidence) == pytest.approx(expected_var, abs=2e-4)
    assert parametric_es(normal_returns, confidence) == pytest.approx(expected_es, abs=2e-4)


def test_historical_var_is_the_order_statistic_with_exact_tail_counts() -> None:
    # Losses of 1% .. 100%: 100 * (1 - 0.95) is exactly 5 tail observations (in floats it is
    # 5.000000000000004, which would wrongly move VaR to the 7th worst).
    returns = [-k / 100 for k in range(1, 101)]
    assert historical_var(returns, 0.95) == pytest.approx(0.95)  # 6th worst: 5 losses exceed it
    assert historical_es(returns, 0.95) == pytest.approx(0.98)  # mean of 100, 99, 98, 97, 96
    assert historical_var(returns, 0.99) == pytest.approx(0.99)
    assert historical_es(returns, 0.99) == pytest.approx(1.00)


def test_historical_es_weighs_a_fractional_tail_observation() -> None:
    returns = [-k / 100 for k in range(1, 31)]  # 30 * 0.05 = 1.5 observations in the tail
    assert historical_var(returns, 0.95) == pytest.approx(0.29)
    assert historical_es(returns, 0.95) == pytest.approx((0.30 + 0.5 * 0.29) / 1.5)


def test_a_gain_at_the_quantile_gives_a_negative_var() -> None:
    returns = [0.01 * k for k in range(1, 101)]
    assert historical_var(returns, 0.95) == pytest.approx(-0.06)


def test_too_little_data_is_none_not_an_error() -> None:
    assert historical_var([], 0.99) is None
    assert historical_es([], 0.99) is None
    assert parametric_var([0.01], 0.99) is None
    assert parametric_es([0.01], 0.99) is None
    assert historical_var([-0.02], 0.99) == pytest.approx(0.02)


def test_estimate_var_gathers_the_four_measures() -> None:
    rng = random.Random(7)
    returns = [rng.gauss(0, 0.01) for _ in range(500)]
    estimate = estimate_var(returns, 0.99)
    assert estimate.confidence == 0.99
    assert estimate.historical_var == historical_var(returns, 0.99)
    assert estimate.historical_es == historical_es(returns, 0.99)
    assert estimate.parametric_var == parametric_var(returns, 0.99)
    assert estimate.parametric_es == parametric_es(returns, 0.99)


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 1.5, math.nan])
def test_confidence_outside_the_open_unit_interval_is_rejected(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        historical_var([0.01, -0.01], confidence)
    with pytest.raises(ValueError, match="confidence"):
        parametric_es([0.01, -0.01], confidence)


returns_lists = st.lists(
    st.floats(min_value=-0.9, max_value=0.9, allow_nan=False), min_size=1, max_size=400
)


@given(returns_lists)
def test_var99_is_never_below_var95_and_es_never_below_var(returns: list[float]) -> None:
    var95, var99 = historical_var(returns, 0.95), historical_var(returns, 0.99)
    es95, es99 = historical_es(returns, 0.95), historical_es(returns, 0.99)
    assert var95 is not None
    assert var99 is not None
    assert es95 is not None
    assert es99 is not None
    assert var99 >= var95
    assert es95 >= var95 - 1e-12
    assert es99 >= var99 - 1e-12
    assert es99 >= es95 - 1e-12
