"""The shipped scenarios: they load, they describe the markets promised, and keep their promises."""

from __future__ import annotations

import shutil
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from lyrad.sim.scenarios import (
    DEFAULT_SCENARIO,
    Scenario,
    build_source,
    check_expectations,
    list_scenarios,
    load_scenario,
    shipped_names,
)

START_MS = 1_700_000_000_000
SHIPPED = [
    "bear",
    "bull",
    "calm",
    "clock_skew",
    "flash_crash",
    "high_volatility",
    "liquidity_crisis",
    "outage",
    "rate_limit_storm",
    "sideways",
]


def test_every_promised_scenario_ships_sorted_by_name() -> None:
    assert shipped_names() == SHIPPED
    assert [scenario.name for scenario in list_scenarios()] == SHIPPED
    assert DEFAULT_SCENARIO == "calm"


@pytest.mark.parametrize("name", SHIPPED)
def test_each_scenario_trades_btc_and_eth_with_binance_like_filters(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.description
    assert 60 <= scenario.duration_s <= 4 * 3600  # runnable in a test with an accelerated clock
    assert scenario.expectations
    btc, eth = scenario.market("BTCUSDT"), scenario.market("ETHUSDT")
    assert (btc.base, btc.quote, btc.tick_size, btc.step_size, btc.min_notional) == (
        "BTC",
        "USDT",
        Decimal("0.01"),
        Decimal("0.00001"),
        Decimal("5"),
    )
    assert (eth.base, eth.quote, eth.tick_size, eth.step_size, eth.min_notional) == (
        "ETH",
        "USDT",
        Decimal("0.01"),
        Decimal("0.0001"),
        Decimal("5"),
    )
    assert (btc.path.start_price, eth.path.start_price) == (Decimal("60000"), Decimal("3000"))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", SHIPPED)
def test_each_scenario_keeps_its_promises_over_its_whole_duration(name: str, seed: int) -> None:
    scenario = load_scenario(name)
    source = build_source(scenario, seed, start_ms=START_MS)
    outcomes = check_expectations(scenario, source, START_MS)
    assert len(outcomes) >= len(scenario.expectations)
    broken = [(o.symbol, o.expectation, o.value) for o in outcomes if not o.holds]
    assert broken == []


def _promise(scenario: Scenario, metric: str) -> tuple[float | None, float | None]:
    (found,) = [e for e in scenario.expectations if e.metric == metric]
    return found.min, found.max


def test_the_flash_crash_promises_a_trough_of_about_thirty_percent_within_minutes() -> None:
    scenario = load_scenario("flash_crash")
    low, high = _promise(scenario, "trough")
    assert low is not None
    assert high is not None
    assert low <= -0.30 <= high
    assert high - low <= 0.12
    (trough,) = [e for e in scenario.expectations if e.metric == "trough"]
    assert trough.end_s is not None
    assert trough.end_s <= 1200
    change_low, change_high = _promise(scenario, "change")
    assert change_low is not None
    assert change_high is not None
    assert -0.30 < change_low < change_high < 0  # a partial recovery, not a full one


def test_the_bear_market_promises_about_minus_eighty_percent() -> None:
    low, high = _promise(load_scenario("bear"), "change")
    assert low is not None
    assert high is not None
    assert low <= -0.80 <= high
    assert high - low <= 0.12


def test_the_liquidity_crisis_widens_the_spread_fifty_times_and_thins_the_book_twenty() -> None:
    scenario = load_scenario("liquidity_crisis")
    (window,) = scenario.liquidity_windows
    normal = scenario.liquidity
    inside = scenario.liquidity_at((window.start_s + window.end_s) / 2)
    assert inside.spread_bps == normal.spread_bps * 50
    assert inside.level_qty_quote == normal.level_qty_quote / 20
    assert (inside.levels, inside.level_step_bps) == (normal.levels, normal.level_step_bps)
    assert scenario.liquidity_at(window.start_s - 1) == normal
    assert scenario.liquidity_at(window.end_s) == normal


def test_the_outage_answers_503_and_drops_connections_in_one_window() -> None:
    faults = load_scenario("outage").faults
    kinds = {(rule.kind, rule.status if rule.kind == "error" else None) for rule in faults}
    assert kinds == {("error", 503), ("drop", None)}
    windows = {(rule.start_s, rule.end_s) for rule in faults}
    assert len(windows) == 1
    ((start, end),) = windows
    assert start is not None
    assert end is not None
    assert 0 < start < end
    assert all(rule.is_active_at(start) and not rule.is_active_at(end) for rule in faults)


def test_the_rate_limit_storm_leaves_a_well_behaved_client_a_small_budget() -> None:
    limits = load_scenario("rate_limit_storm").rate_limit
    burnt_per_minute = limits.background_weight_per_second * 60
    assert limits.request_weight_per_minute < 6000
    assert (
        limits.request_weight_per_minute / 2 < burnt_per_minute < limits.request_weight_per_minute
    )


def test_the_clock_skew_puts_the_server_seconds_ahead() -> None:
    assert 3000 <= load_scenario("clock_skew").clock_skew_ms <= 10_000
    assert load_scenario("calm").clock_skew_ms == 0


def test_a_scenario_file_loads_by_path_under_its_own_name(tmp_path: Path) -> None:
    shipped = resources.files("lyrad.sim.scenarios").joinpath("flash_crash.toml")
    copy = tmp_path / "my_crash.toml"
    with resources.as_file(shipped) as original:
        shutil.copyfile(original, copy)
    loaded = load_scenario(str(copy))
    assert loaded.name == "my_crash"
    assert loaded.symbols == load_scenario("flash_crash").symbols
