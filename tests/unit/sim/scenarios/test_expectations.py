"""Measuring promises on a path: change, trough, peak, drawdown and hourly volatility."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import pytest

from lyrad.sim.marketdata import Kline, PublicTrade, Ticker24h
from lyrad.sim.scenarios import Expectation, check_expectations, parse_scenario
from lyrad.sim.scenarios.expectations import measure

MINUTE = 60_000


class ScriptedPrices:
    """A market-data source whose price is a function of time (only price_at is used)."""

    symbols = ("BTCUSDT",)

    def __init__(self, price: Callable[[int], float]) -> None:
        self._price = price

    def price_at(self, symbol: str, t_ms: int) -> Decimal:
        return Decimal(str(round(self._price(t_ms), 6)))

    def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_ms: int | None,
        end_ms: int,
        limit: int,
        now_ms: int | None = None,
    ) -> list[Kline]:
        raise AssertionError("not used")

    def trades(
        self,
        symbol: str,
        *,
        end_ms: int,
        limit: int,
        from_id: int | None = None,
        start_ms: int | None = None,
    ) -> list[PublicTrade]:
        raise AssertionError("not used")

    def ticker_24h(self, symbol: str, now_ms: int) -> Ticker24h:
        raise AssertionError("not used")


def v_shape(t_ms: int) -> float:
    """100 → 70 at minute 10 → 85 at minute 20, linear pieces."""
    minute = t_ms / MINUTE
    if minute <= 10:
        return 100 - 3 * minute
    return 70 + 1.5 * min(minute - 10, 10)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [("change", -0.15), ("trough", -0.30), ("peak", 0.0), ("max_drawdown", 0.30)],
)
def test_price_metrics_are_fractions_of_the_window_start(metric: str, expected: float) -> None:
    value = measure(metric, ScriptedPrices(v_shape), "BTCUSDT", 0, 20 * MINUTE, 1000)  # type: ignore[arg-type]
    assert value == pytest.approx(expected, abs=1e-9)


def test_a_window_measures_from_its_own_start() -> None:
    value = measure("change", ScriptedPrices(v_shape), "BTCUSDT", 10 * MINUTE, 20 * MINUTE, 1000)
    assert value == pytest.approx(85 / 70 - 1)


def test_volatility_is_the_hourly_scale_of_minute_log_returns() -> None:
    # Alternating ±1% minute moves: standard deviation 1% a minute, sqrt(60)% an hour.
    def zigzag(t_ms: int) -> float:
        return 100 * math.exp(0.01 if (t_ms // MINUTE) % 2 else 0.0)

    value = measure("volatility", ScriptedPrices(zigzag), "BTCUSDT", 0, 60 * MINUTE, 1000)
    assert value == pytest.approx(0.01 * math.sqrt(60), rel=0.02)
    flat = measure("volatility", ScriptedPrices(lambda t: 100.0), "BTCUSDT", 0, 60 * MINUTE, 1000)
    assert flat == 0.0


def test_bounds_are_inclusive_and_optional() -> None:
    band = Expectation(symbol="*", metric="trough", min=-0.35, max=-0.25)
    assert band.holds_for(-0.35)
    assert band.holds_for(-0.25)
    assert not band.holds_for(-0.36)
    assert not band.holds_for(-0.2)
    floor = Expectation(symbol="*", metric="trough", min=-0.05)
    assert floor.holds_for(10.0)
    assert not floor.holds_for(-0.06)


def test_check_expectations_reports_each_symbol_and_whether_it_held() -> None:
    scenario = parse_scenario(
        """
description = "V"
duration_s = 1200
[[symbols]]
symbol = "BTCUSDT"
base = "BTC"
quote = "USDT"
tick_size = "0.01"
step_size = "0.00001"
min_notional = "5"
path = { start_price = "100" }
[liquidity]
spread_bps = "2"
levels = 5
level_step_bps = "1"
level_qty_quote = "1000"
[[expectations]]
metric = "trough"
end_s = 900
min = -0.35
max = -0.25
[[expectations]]
symbol = "BTCUSDT"
metric = "change"
min = 0.0
""",
        name="v",
        file="v.toml",
    )
    outcomes = check_expectations(scenario, ScriptedPrices(v_shape), 0)
    assert [(o.symbol, o.holds) for o in outcomes] == [("BTCUSDT", True), ("BTCUSDT", False)]
    assert outcomes[0].value == pytest.approx(-0.30)
    assert outcomes[1].value == pytest.approx(-0.15)
