"""Every shipped scenario, run by a live venue under an accelerated clock, keeps its promise;
the candles served over the wire are that same path."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import ccxt.async_support as ccxt_async
import pytest

from lyrad.sim.scenarios import build_source, check_expectations, list_scenarios
from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import TEST_TWEAKS, sim_config

REAL_SECONDS = 2.0  # each scenario's whole duration passes in about this much wall time


@pytest.mark.parametrize("name", [s.name for s in list_scenarios()])
async def test_scenario_keeps_its_promise_at_speed(name: str) -> None:
    scenario = next(s for s in list_scenarios() if s.name == name)
    speed = scenario.duration_s / REAL_SECONDS
    async with SimServer(scenario=name, speed=speed, seed=1) as sim:
        venue = sim.venue
        await asyncio.sleep((scenario.duration_s - venue.elapsed_s()) / speed + 0.2)
        assert venue.elapsed_s() >= scenario.duration_s
        # The same seeded path the venue serves (checked against the wire below).
        source = build_source(venue.scenario, venue.seed, start_ms=venue.started_ms)
        outcomes = check_expectations(venue.scenario, source, venue.started_ms)
        assert outcomes, f"{name} promises nothing checkable"
        broken = [o for o in outcomes if not o.holds]
        assert not broken, broken

        client = ccxt_async.binance({**sim_config(sim.base_url, None), **TEST_TWEAKS})
        try:
            candles = await client.public_get_klines(
                {
                    "symbol": "BTCUSDT",
                    "interval": "1m",
                    "startTime": venue.started_ms,
                    "limit": 1000,
                }
            )
        finally:
            await client.close()
    assert len(candles) >= min(1000, int(scenario.duration_s // 60))
    for candle in candles[:-1]:  # closed candles: their close is the path's price at their end
        close_time = int(candle[6])
        assert Decimal(candle[4]) == source.price_at("BTCUSDT", close_time)
        assert Decimal(candle[3]) <= Decimal(candle[4]) <= Decimal(candle[2])
