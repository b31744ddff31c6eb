"""The venue with manual clocks: sim time, gateway time, liquidity windows, shocks, request log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lyrad.sim.engine import AccountSpec
from lyrad.sim.marketdata import PathSpec, Shock
from lyrad.sim.scenarios import LiquiditySpec, LiquidityWindow, Scenario, SymbolMarket
from lyrad.sim.venue import RequestLog, Venue, symbol_spec

D = Decimal
WALL_MS = 1_800_000_000_000


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _scenario(**extra: object) -> Scenario:
    btc = SymbolMarket("BTCUSDT", "BTC", "USDT", PathSpec(start_price=D(60000)), D("0.01"),
                       D("0.00001"), D(5))  # fmt: skip
    return Scenario(
        name="test",
        description="unit",
        duration_s=600,
        symbols=(btc,),
        liquidity=LiquiditySpec(D(2), 5, D(1), D(10000)),
        clock_skew_ms=1500,
        **extra,  # type: ignore[arg-type]
    )


def _venue(monotonic: Monotonic, **extra: object) -> Venue:
    account = AccountSpec("alice", "k", "s", {"USDT": D(1000)})
    return Venue(
        scenario=_scenario(**extra),
        accounts=[account],
        seed=1,
        speed=10.0,
        wall_ms=lambda: WALL_MS,
        monotonic=monotonic,
    )


def test_sim_time_runs_at_speed_and_gateway_time_carries_the_skew() -> None:
    clock = Monotonic()
    venue = _venue(clock)
    assert venue.server_ms() == WALL_MS + 1500
    assert venue.now_ms() == WALL_MS + 1500
    clock.now += 2.0
    assert venue.now_ms() == WALL_MS + 1500 + 20_000
    assert venue.elapsed_s() == pytest.approx(20.0)
    assert venue.server_ms() == WALL_MS + 1500  # the gateway clock is real time, not sim time


def test_sync_pushes_the_path_price_into_the_engine() -> None:
    clock = Monotonic()
    venue = _venue(clock)
    assert venue.engine.reference_price("BTCUSDT") == D(60000)
    clock.now += 30.0
    now = venue.sync()
    assert venue.engine.reference_price("BTCUSDT") == venue.source.price_at("BTCUSDT", now)


def test_liquidity_windows_widen_the_book_while_active() -> None:
    clock = Monotonic()
    window = LiquidityWindow(start_s=10, end_s=20, spread_multiplier=D(50), depth_divisor=D(20))
    venue = _venue(clock, liquidity_windows=(window,))
    assert venue.liquidity.spread_bps == D(2)
    clock.now += 1.5  # 15 sim seconds
    venue.sync()
    assert venue.liquidity.spread_bps == D(100)
    assert venue.liquidity.level_qty_quote == D(500)
    book = venue.engine.book("BTCUSDT", 1)
    assert book.asks[0][0] - book.bids[0][0] > D(500)
    clock.now += 1.0  # 25 sim seconds: the window is over
    venue.sync()
    assert venue.liquidity.spread_bps == D(2)


def test_admin_liquidity_override_wins_until_reset() -> None:
    clock = Monotonic()
    venue = _venue(clock)
    override = venue.liquidity.__class__(D(30), 3, D(2), D(1000))
    venue.set_liquidity(override)
    assert venue.liquidity == override
    venue.set_liquidity(None)
    assert venue.liquidity.spread_bps == D(2)


def test_shock_rebuilds_market_data_from_the_next_step() -> None:
    clock = Monotonic()
    venue = _venue(clock)
    clock.now += 1.0
    before = venue.source.price_at("BTCUSDT", venue.sync())
    venue.shock("BTCUSDT", Shock(at_s=venue.elapsed_s(), duration_s=0, move_pct=-30.0))
    clock.now += 0.5  # 5 sim seconds later
    now = venue.sync()
    after = venue.engine.reference_price("BTCUSDT")
    assert after == venue.source.price_at("BTCUSDT", now)
    assert after < before * D("0.75")
    assert venue.scenario.market("BTCUSDT").path.shocks[-1].move_pct == -30.0


def test_request_log_is_a_bounded_ring() -> None:
    log = RequestLog(size=3)
    for index in range(5):
        log.append(index, index, "GET", f"/p{index}", 200, "answered")
    records = list(log)
    assert [r.path for r in records] == ["/p2", "/p3", "/p4"]
    assert [r.seq for r in records] == [3, 4, 5]
    assert len(log) == 3


def test_symbol_spec_is_shaped_like_binance() -> None:
    market = _scenario().symbols[0]
    spec = symbol_spec(market)
    assert (spec.tick_size, spec.min_price, spec.max_price) == (D("0.01"), D("0.01"), D(1000000))
    assert (spec.step_size, spec.min_qty, spec.max_qty) == (D("0.00001"), D("0.00001"), D(9000))
    assert (spec.market_step_size, spec.market_min_qty) == (D(0), D(0))
    assert (spec.min_notional, spec.max_notional) == (D(5), D(9000000))
