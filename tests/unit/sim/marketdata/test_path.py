"""The synthetic price path: determinism, exact starts, shocks, jumps, regimes, positivity."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import pytest

from lyrad.sim.marketdata import Regime, Shock, SyntheticMarket, SyntheticSource
from lyrad.sim.marketdata.path_spec import PathSpec
from tests.unit.sim.marketdata.helpers import HOUR, MINUTE, SECOND, START_MS, btc, prices, source

TICK = Decimal("0.01")


def test_same_seed_gives_the_same_prices_trades_and_candles() -> None:
    one, two, other = source(seed=7), source(seed=7), source(seed=8)
    end = START_MS + 2 * HOUR
    for symbol in ("BTCUSDT", "ETHUSDT"):
        seen = [prices(src, symbol, START_MS, end, 7 * SECOND) for src in (one, two, other)]
        assert seen[0] == seen[1]
        assert seen[0] != seen[2]
        assert one.trades(symbol, end_ms=end, limit=300) == two.trades(
            symbol, end_ms=end, limit=300
        )
        assert one.klines(symbol, "5m", start_ms=None, end_ms=end, limit=30) == two.klines(
            symbol, "5m", start_ms=None, end_ms=end, limit=30
        )


def test_results_do_not_depend_on_query_order_or_cache_size() -> None:
    forward = source(seed=3)
    backward = source(seed=3, cache_chunks=1)  # every chunk is rebuilt after eviction
    times = list(range(START_MS - 5 * MINUTE, START_MS + 3 * HOUR, 97 * SECOND))
    seen_forward = [forward.price_at("BTCUSDT", t) for t in times]
    seen_backward = [backward.price_at("BTCUSDT", t) for t in reversed(times)][::-1]
    assert seen_forward == seen_backward
    late = START_MS + 3 * HOUR
    assert backward.trades("ETHUSDT", end_ms=late, limit=50) == forward.trades(
        "ETHUSDT", end_ms=late, limit=50
    )
    assert backward.ticker_24h("BTCUSDT", late) == forward.ticker_24h("BTCUSDT", late)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_path_starts_exactly_at_its_start_price(seed: int) -> None:
    src = source(seed=seed)
    assert src.price_at("BTCUSDT", START_MS) == Decimal("60000.00")
    assert src.price_at("ETHUSDT", START_MS) == Decimal("3000.00")


def test_without_a_start_the_first_query_fixes_it() -> None:
    src = source(start_ms=None)
    before = src.start_ms
    first_query = START_MS + 5 * HOUR
    assert src.price_at("BTCUSDT", first_query) == Decimal("60000.00")
    assert (before, src.start_ms) == (None, first_query)
    assert src.price_at("ETHUSDT", first_query) == Decimal("3000.00")


def test_a_shock_lands_exactly_and_recovers_its_share() -> None:
    crash = Shock(at_s=600, duration_s=180, move_pct=-30, recovery=0.5, recovery_s=1200)
    src = source(btc(shocks=(crash,)))
    at = [src.price_at("BTCUSDT", START_MS + s * SECOND) for s in (0, 599, 780, 1000, 1980, 3000)]
    assert at[:2] == [Decimal("60000.00"), Decimal("60000.00")]
    assert at[2] == Decimal("42000.00")  # the trough: -30%
    assert Decimal("42000") < at[3] < Decimal("51000")
    assert at[4:] == [Decimal("51000.00"), Decimal("51000.00")]  # half the fall came back
    falling = prices(src, "BTCUSDT", START_MS + 600 * SECOND, START_MS + 781 * SECOND, SECOND)
    assert falling == sorted(falling, reverse=True)


def test_a_linear_shock_moves_at_a_constant_log_rate() -> None:
    slide = Shock(at_s=0, duration_s=3600, move_pct=-80, shape="linear")
    src = source(btc(shocks=(slide,)))
    halfway = src.price_at("BTCUSDT", START_MS + 1800 * SECOND)
    assert abs(float(halfway) - 60000 * math.sqrt(0.2)) <= 0.01
    assert src.price_at("BTCUSDT", START_MS + HOUR) == Decimal("12000.00")


def test_drift_compounds_per_hour() -> None:
    src = source(btc(drift=0.1))
    assert abs(float(src.price_at("BTCUSDT", START_MS + HOUR)) - 60000 * math.exp(0.1)) < 0.02


def test_prices_stay_positive_and_on_the_tick_in_a_violent_market() -> None:
    spec = PathSpec(
        start_price=Decimal("0.05"),
        volatility=5.0,
        jump_intensity=200.0,
        jump_mean=-0.3,
        jump_std=0.2,
        shocks=(Shock(at_s=60, duration_s=0, move_pct=-99.99),),
    )
    src = SyntheticSource([SyntheticMarket("DOGEUSDT", spec, TICK, Decimal("1"))], 5, start_ms=0)
    seen = prices(src, "DOGEUSDT", 0, 2 * HOUR, SECOND)
    assert min(seen) >= TICK
    assert all(price % TICK == 0 and price.as_tuple().exponent == -2 for price in seen)


def test_jumps_arrive_as_a_poisson_process_of_the_given_size() -> None:
    src = source(btc(jump_intensity=60.0, jump_mean=-0.01))
    seen = [float(p) for p in prices(src, "BTCUSDT", START_MS, START_MS + 2 * HOUR, SECOND)]
    moves = [math.log(b / a) for a, b in itertools.pairwise(seen) if b != a]
    assert 85 <= len(moves) <= 160  # Poisson(120): well within four standard deviations
    assert all(abs(move / -0.01 - round(move / -0.01)) < 0.01 for move in moves)


def _runs(seen: list[Decimal]) -> tuple[int, int]:
    """Longest stretch of equal prices, longest stretch of changes at every step."""
    flat = moving = best_flat = best_moving = 0
    for a, b in itertools.pairwise(seen):
        flat, moving = (flat + 1, 0) if a == b else (0, moving + 1)
        best_flat, best_moving = max(best_flat, flat), max(best_moving, moving)
    return best_flat, best_moving


def test_regimes_switch_between_their_own_volatilities() -> None:
    regimes = (
        Regime("quiet", drift=0.0, volatility=0.0, mean_duration_s=300),
        Regime("wild", drift=0.0, volatility=0.5, mean_duration_s=300),
    )
    src = source(btc(regimes=regimes, initial_regime="wild"), history_s=0)
    seen = prices(src, "BTCUSDT", START_MS, START_MS + 2 * HOUR, SECOND)
    flat, moving = _runs(seen)
    assert flat >= 120
    assert moving >= 120
    assert _runs(seen[:30])[1] == 29  # it starts wild


def test_mean_reversion_keeps_the_noise_in_a_band() -> None:
    reverting = source(btc(volatility=0.05, mean_reversion=20.0), seed=11)
    walking = source(btc(volatility=0.05), seed=11)

    def widest(src: SyntheticSource) -> float:
        seen = prices(src, "BTCUSDT", START_MS, START_MS + 10 * HOUR, 10 * SECOND)
        return max(abs(math.log(float(p) / 60000)) for p in seen)

    assert widest(reverting) < 0.06  # stationary sd 0.05/sqrt(40) ≈ 0.8%
    assert widest(walking) > widest(reverting)
