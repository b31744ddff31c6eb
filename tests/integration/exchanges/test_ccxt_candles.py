"""Candles end to end: real ccxt, real HTTP on loopback, the sim's /api/v3/klines behind it."""

from __future__ import annotations

import itertools

import pytest

from lyrad.domain.errors import OrderRejected
from lyrad.exchanges.adapter import CandleSource
from lyrad.sim.server import SimServer
from tests.integration.exchanges.conftest import Build, last_seq, requests_since

pytestmark = pytest.mark.asyncio(loop_scope="module")

BTC = "BTC/USDT"
MINUTE_MS = 60_000


async def test_latest_candles_are_exact_ordered_bars(build: Build, sim: SimServer) -> None:
    built = await build()
    adapter = built.adapter
    assert isinstance(adapter, CandleSource)
    await adapter.load_markets()
    candles = await adapter.fetch_ohlcv(BTC, "1m", limit=20)
    assert 1 <= len(candles) <= 20
    opens = [c.open_time_ms for c in candles]
    assert all(b - a == MINUTE_MS for a, b in itertools.pairwise(opens))
    for c in candles:
        assert c.low <= min(c.open, c.close) <= max(c.open, c.close) <= c.high
        assert str(c.open).count(".") == 1  # the venue's fixed-point text, never a float's
    assert built.count("fetch_ohlcv", "ok") == 1

    records = await requests_since(sim, 0)
    klines = [r for r in records if "/klines" in str(r.get("path", ""))]
    assert klines, records[-3:]


async def test_since_is_honoured(build: Build) -> None:
    adapter = (await build()).adapter
    latest = await adapter.fetch_ohlcv(BTC, "1m", limit=10)
    if len(latest) < 3:
        pytest.fail(f"the sim served {len(latest)} candles; the check needs three")
    since = latest[-3].open_time_ms
    window = await adapter.fetch_ohlcv(BTC, "1m", since_ms=since, limit=2)
    assert [c.open_time_ms for c in window] == [since, since + MINUTE_MS]
    assert window[0] == latest[-3]  # a closed bar reads the same twice


async def test_an_unknown_timeframe_is_refused_without_a_request(
    build: Build, sim: SimServer
) -> None:
    adapter = (await build()).adapter
    await adapter.load_markets()
    before = await last_seq(sim)
    with pytest.raises(OrderRejected, match="'7m'"):
        await adapter.fetch_ohlcv(BTC, "7m")
    assert await last_seq(sim) == before
