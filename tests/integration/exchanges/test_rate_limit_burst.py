"""A burst far over the venue's limit, during a rate-limit storm, with not one 429 or 418.

The sim runs the shipped `rate_limit_storm` scenario: 1200 weight a minute, of which other
clients on the same IP burn 15 a second. The burst asks for about 3000: the shared limiter
sends what fits (following the venue's used-weight headers) and holds the rest back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from lyrad.exchanges.quirks import BINANCE, RateLimitWindow
from lyrad.sim.server import SimServer
from tests.integration.exchanges.conftest import Build, last_seq, requests_since
from tests.support.sim import account

pytestmark = pytest.mark.asyncio(loop_scope="module")

STORM_WINDOWS = (
    RateLimitWindow("weight_1m", "weight", 60, 1200, "X-MBX-USED-WEIGHT-1M"),
    *BINANCE.windows[1:],
)
SETTLE_DEADLINE_S = 30.0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(
        scenario="rate_limit_storm", seed=5, accounts=[account("alice")]
    ) as server:
        yield server


async def settled(tasks: list[asyncio.Task[Any]], waiting: Any) -> tuple[int, int]:
    """Wait until every request has either been answered or is held by the limiter."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_DEADLINE_S
    while loop.time() < deadline:
        done = sum(task.done() for task in tasks)
        if done + waiting() == len(tasks):
            await asyncio.sleep(0.2)  # nothing is in flight: confirm it stays so
            if sum(task.done() for task in tasks) == done and done + waiting() == len(tasks):
                return done, len(tasks) - done
        await asyncio.sleep(0.02)
    raise AssertionError("requests neither answered nor held by the limiter")


async def test_a_burst_is_absorbed_without_429_or_418(build: Build, sim: SimServer) -> None:
    built = await build(windows=STORM_WINDOWS)
    adapter = built.adapter
    await adapter.load_markets()  # its answers tell the limiter what others have used
    before = await last_seq(sim)
    async with asyncio.TaskGroup() as group:
        tickers = [group.create_task(adapter.fetch_ticker("BTC/USDT")) for _ in range(10)]
        books = [group.create_task(adapter.fetch_order_book("BTC/USDT", 5000)) for _ in range(12)]
        answered, held = await settled(tickers + books, lambda: built.limiter.waiting)
        records = await requests_since(sim, before)
        for task in tickers + books:
            task.cancel()
    statuses = [r["status"] for r in records]
    assert 429 not in statuses
    assert 418 not in statuses
    assert set(statuses) == {200}
    assert len(records) == answered
    assert held >= 12 - 2 * 3  # 250 weight each: at most three per window fit 960
    assert all(task.done() and not task.cancelled() for task in tickers)
    assert built.count("fetch_ticker", "ok") == 10
    assert built.count("fetch_order_book", "ok") == answered - 10
    weight = built.registry.get_sample_value("lyrad_rate_limit_weight_used", {"venue": "simx"})
    assert weight is not None
    assert 0 < weight <= 1200
