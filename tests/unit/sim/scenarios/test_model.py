"""Scenario value types: time windows for faults and liquidity, market lookup."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from lyrad.sim.scenarios import FaultRule, LiquidityWindow, load_scenario
from lyrad.sim.scenarios.model import LiquiditySpec


def test_fault_windows_are_half_open_and_open_ended_when_unset() -> None:
    windowed = FaultRule(kind="error", start_s=10.0, end_s=20.0)
    assert [windowed.is_active_at(t) for t in (9.9, 10.0, 19.9, 20.0)] == [False, True, True, False]
    always = FaultRule(kind="drop")
    assert always.is_active_at(0.0)
    assert always.is_active_at(1e9)
    from_then_on = FaultRule(kind="latency", start_s=5.0, latency_ms=200)
    assert not from_then_on.is_active_at(4.0)
    assert from_then_on.is_active_at(1e6)


def test_overlapping_liquidity_windows_compound() -> None:
    base = load_scenario("calm")
    windows = (
        LiquidityWindow(0.0, 100.0, Decimal("2"), Decimal("4")),
        LiquidityWindow(50.0, 150.0, Decimal("3"), Decimal("5")),
    )
    scenario = dataclasses.replace(base, liquidity_windows=windows)
    spec: LiquiditySpec = scenario.liquidity_at(75.0)
    assert spec.spread_bps == base.liquidity.spread_bps * 6
    assert spec.level_qty_quote == base.liquidity.level_qty_quote / 20
    assert scenario.liquidity_at(125.0).spread_bps == base.liquidity.spread_bps * 3
    assert scenario.liquidity_at(150.0) == base.liquidity


def test_market_lookup_by_symbol() -> None:
    scenario = load_scenario("calm")
    assert scenario.market("ETHUSDT").base == "ETH"
    with pytest.raises(KeyError, match="XRPUSDT"):
        scenario.market("XRPUSDT")
