"""Bootstrapped drawdown simulation: determinism, constructed series and breach odds."""

from __future__ import annotations

import math
import random

import pytest

from lyrad.analytics import LimitKind, LossLimit, simulate_drawdowns
from lyrad.analytics.montecarlo import quantile

DRAWDOWN_10 = LossLimit("drawdown_10", LimitKind.DRAWDOWN, 0.10)
FROM_START_30 = LossLimit("from_start_30", LimitKind.LOSS_FROM_START, 0.30)
DAILY_5 = LossLimit("daily_5", LimitKind.PERIOD_LOSS, 0.05)


def sample_returns() -> list[float]:
    rng = random.Random(99)
    return [rng.gauss(0.0005, 0.02) for _ in range(200)]


def test_the_same_seed_gives_the_same_simulation() -> None:
    returns = sample_returns()
    first = simulate_drawdowns(returns, limits=[DRAWDOWN_10], paths=300, seed=42)
    again = simulate_drawdowns(returns, limits=[DRAWDOWN_10], paths=300, seed=42)
    other = simulate_drawdowns(returns, limits=[DRAWDOWN_10], paths=300, seed=43)
    assert first == again
    assert first.max_drawdowns != other.max_drawdowns


def test_all_negative_returns_hit_every_loss_limit() -> None:
    returns = [-0.01, -0.02, -0.005]
    result = simulate_drawdowns(
        returns, limits=[DRAWDOWN_10, FROM_START_30], paths=500, horizon=100
    )
    assert result.breach_probability("drawdown_10") == 1.0
    assert result.breach_probability("from_start_30") == 1.0  # at least 1 - 0.995^100 = 39%
    assert result.probability_of_drawdown(0.39) == 1.0
    assert all(final < 0 for final in result.final_returns)


def test_a_constant_loss_gives_the_compounded_drawdown_on_every_path() -> None:
    result = simulate_drawdowns([-0.01], paths=50, horizon=30)
    assert result.max_drawdowns == pytest.approx([1 - 0.99**30] * 50)
    assert result.final_returns == pytest.approx([0.99**30 - 1] * 50)


def test_all_positive_returns_never_draw_down() -> None:
    result = simulate_drawdowns([0.01, 0.002], limits=[DRAWDOWN_10, DAILY_5], paths=200)
    assert result.max_drawdowns == (0.0,) * 200
    assert result.breach_probability("drawdown_10") == 0.0
    assert result.breach_probability("daily_5") == 0.0


def test_period_loss_odds_match_the_binomial_answer() -> None:
    # One return in four breaks the 5% daily limit: P(hit in 3 periods) = 1 - (3/4)^3 = 0.578.
    # 4,000 paths: standard error sqrt(0.578 * 0.422 / 4000) = 0.0078; 0.032 is four of them.
    returns = [-0.06, 0.01, 0.02, 0.03]
    result = simulate_drawdowns(returns, limits=[DAILY_5], paths=4000, horizon=3, seed=1)
    assert result.breach_probability("daily_5") == pytest.approx(1 - 0.75**3, abs=0.032)


def test_whole_history_blocks_are_rotations_with_the_same_final_return() -> None:
    returns = sample_returns()
    result = simulate_drawdowns(returns, paths=100, block_length=len(returns))
    compounded = math.prod(1 + r for r in returns) - 1
    assert result.final_returns == pytest.approx([compounded] * 100, rel=1e-9, abs=1e-12)
    assert result.block_length == len(returns)


def test_blocks_longer_than_the_history_wrap_around() -> None:
    result = simulate_drawdowns([-0.01, 0.02, 0.005], paths=20, horizon=9, block_length=7)
    assert len(result.max_drawdowns) == 20
    assert result.horizon == 9


def test_a_total_loss_reaches_a_full_drawdown_limit() -> None:
    wipeout = LossLimit("everything", LimitKind.DRAWDOWN, 1.0)
    result = simulate_drawdowns([-1.0], limits=[wipeout], paths=10, horizon=2)
    assert result.max_drawdowns == (1.0,) * 10
    assert result.breach_probability("everything") == 1.0


def test_quantiles_and_drawdown_probability_read_the_sorted_outcomes() -> None:
    result = simulate_drawdowns(sample_returns(), paths=1000, seed=3)
    assert result.max_drawdowns == tuple(sorted(result.max_drawdowns))
    median = result.drawdown_quantile(0.5)
    assert result.probability_of_drawdown(median) == pytest.approx(0.5, abs=0.01)
    assert result.drawdown_quantile(1.0) == result.max_drawdowns[-1]
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert result.final_return_quantile(0.0) == result.final_returns[0]


def test_unknown_limit_names_are_a_key_error() -> None:
    result = simulate_drawdowns([0.01, -0.01], paths=5)
    with pytest.raises(KeyError):
        result.breach_probability("nope")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"paths": 0}, "paths"), ({"horizon": 0}, "horizon"), ({"block_length": 0}, "block_length")],
)
def test_invalid_sizes_are_named(kwargs: dict[str, int], name: str) -> None:
    sizes = {"paths": 10, "horizon": 5, "block_length": 1} | kwargs
    with pytest.raises(ValueError, match=name):
        simulate_drawdowns(
            [0.01, -0.01],
            paths=sizes["paths"],
            horizon=sizes["horizon"],
            block_length=sizes["block_length"],
        )


def test_empty_or_non_finite_returns_are_rejected() -> None:
    with pytest.raises(ValueError, match="empty"):
        simulate_drawdowns([])
    with pytest.raises(ValueError, match="finite"):
        simulate_drawdowns([0.01, math.nan])


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.5])
def test_limit_thresholds_must_be_loss_fractions(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        LossLimit("bad", LimitKind.DRAWDOWN, threshold)
