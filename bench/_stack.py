"""The order-path stack the benchmarks share: an in-process sim, a raw ccxt client beside
lyrad's adapter, and a journal at synchronous=FULL."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt.async_support as ccxt_async
from prometheus_client import CollectorRegistry

from lyrad.domain.values import OrderIntent, OrderType, Side
from lyrad.exchanges.ccxt_adapter import CcxtAdapter
from lyrad.exchanges.clock import SystemClock
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.quirks import quirks_for
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.journal.journal import Journal
from lyrad.sim.scenarios import RateLimitSpec
from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import TEST_TWEAKS, sim_config
from tests.support.sim import account, scenario

PRICE = Decimal("30000.00")  # far below the market: orders rest
AMOUNT = Decimal("0.00100")
RAW_ORDER_OPTIONS = {"newOrderRespType": {"market": "FULL", "limit": "FULL"}}
UNLIMITED = RateLimitSpec(
    request_weight_per_minute=10**12, orders_per_10s=10**12, orders_per_day=10**15
)


@dataclass
class Stack:
    raw: Any  # ccxt.async_support.binance
    adapter: CcxtAdapter
    journal: Journal
    registry: CollectorRegistry
    clock: SystemClock


def resting_intent(intent_id: str) -> OrderIntent:
    return OrderIntent(
        intent_id=intent_id,
        venue="sim",
        symbol="BTC/USDT",
        side=Side.BUY,
        type=OrderType.LIMIT,
        amount=AMOUNT,
        price=PRICE,
        source="bench",
    )


@asynccontextmanager
async def order_stack(directory: Path) -> AsyncIterator[Stack]:
    sim = SimServer(scenario=scenario("calm", rate_limit=UNLIMITED), accounts=[account("bench")])
    async with sim:
        info = sim.accounts[0]
        config = {**sim_config(sim.base_url, info), **TEST_TWEAKS}
        # The same answer as lyrad asks for (fills included), so both runs cost the venue alike.
        config["options"] = {**config["options"], **RAW_ORDER_OPTIONS}
        raw = ccxt_async.binance(config)
        registry = CollectorRegistry()
        clock = SystemClock()
        quirks = quirks_for("binance")
        adapter = CcxtAdapter(
            "sim",
            "binance",
            base_url=sim.base_url,
            api_key=info.api_key,
            secret=info.secret,
            password=None,
            timeout_s=10,
            clock=clock,
            quirks=quirks,
            # The sim's limits are lifted for the run; the limiter still does all its work.
            limiter=WeightedRateLimiter(
                "sim",
                [dataclasses.replace(w, limit=10**12) for w in quirks.windows],
                clock=clock,
            ),
            metrics=VenueMetrics(registry),
        )
        try:
            await raw.load_markets()
            await adapter.load_markets()
            async with Journal.open(directory / "bench.sqlite3", synchronous="FULL") as journal:
                yield Stack(raw, adapter, journal, registry, clock)
        finally:
            await adapter.close()
            await raw.close()
