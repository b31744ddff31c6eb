"""The real ccxt adapter against a SimServer on loopback; faults come through its admin API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest_asyncio
from prometheus_client import CollectorRegistry

from lyrad.exchanges.ccxt_adapter import CcxtAdapter
from lyrad.exchanges.clock import SystemClock
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.quirks import BINANCE, RateLimitWindow
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.exchanges.retry import RetryPolicy
from lyrad.sim.server import SimServer
from tests.support.sim import account, admin

VENUE = "simx"
FAST_RETRY = RetryPolicy(attempts=3, initial_backoff_s=0.01, max_backoff_s=0.05)


@dataclass
class Built:
    adapter: CcxtAdapter
    limiter: WeightedRateLimiter
    registry: CollectorRegistry

    def count(self, endpoint: str, outcome: str) -> float:
        labels = {"venue": VENUE, "endpoint": endpoint, "outcome": outcome}
        return self.registry.get_sample_value("lyrad_venue_requests_total", labels) or 0.0


Build = Callable[..., Awaitable[Built]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    """alice is rich, pauper holds 10 USDT, viewer may not trade."""
    accounts = [
        account("alice"),
        account("pauper", USDT=Decimal(10)),
        account("viewer", can_trade=False),
    ]
    async with SimServer(
        scenario="calm", seed=11, accounts=accounts, lost_response_hold_s=5.0
    ) as server:
        yield server


def new_adapter(
    server: SimServer,
    *,
    account_index: int = 0,
    api_key: str | None = None,
    timeout_s: float = 5.0,
    windows: tuple[RateLimitWindow, ...] = BINANCE.windows,
    retry: RetryPolicy = FAST_RETRY,
    write_queue_timeout_s: float = 2.0,
    **limiter_args: Any,
) -> Built:
    """An adapter for `server`, signed as one of its accounts, on a registry of its own."""
    registry = CollectorRegistry()
    metrics = VenueMetrics(registry)
    clock = SystemClock()
    limiter = WeightedRateLimiter(
        VENUE,
        windows,
        clock=clock,
        on_weight_used=lambda used: metrics.set_weight_used(VENUE, used),
        **limiter_args,
    )
    info = server.accounts[account_index]
    adapter = CcxtAdapter(
        VENUE,
        "binance",
        base_url=server.base_url,
        api_key=api_key or info.api_key,
        secret=info.secret,
        password=None,
        timeout_s=timeout_s,
        limiter=limiter,
        metrics=metrics,
        clock=clock,
        retry=retry,
        write_queue_timeout_s=write_queue_timeout_s,
    )
    return Built(adapter, limiter, registry)


@pytest_asyncio.fixture(loop_scope="module")
async def build(sim: SimServer) -> AsyncIterator[Build]:
    """Makes adapters (closed at the end) for the module's sim; faults cleared after."""
    made: list[CcxtAdapter] = []

    async def make(**kwargs: Any) -> Built:
        built = new_adapter(sim, **kwargs)
        made.append(built.adapter)
        return built

    try:
        yield make
    finally:
        for adapter in made:
            await adapter.close()
        status, _ = await admin(sim, "DELETE", "/faults")
        assert status == 200


async def set_faults(sim: SimServer, *rules: dict[str, object]) -> None:
    status, body = await admin(sim, "PUT", "/faults", list(rules))
    assert status == 200, body


async def requests_since(sim: SimServer, seq: int) -> list[dict[str, Any]]:
    status, body = await admin(sim, "GET", f"/requests?since={seq}")
    assert status == 200
    records: list[dict[str, Any]] = body["requests"]
    return records


async def last_seq(sim: SimServer) -> int:
    records = await requests_since(sim, 0)
    return int(records[-1]["seq"]) if records else 0
