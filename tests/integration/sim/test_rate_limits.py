"""Binance's rate limits on the wire: 429 with Retry-After, then a 418 ban; ccxt's classes.

Each server's clock skew is chosen so that its minute (and 10-second) window has just begun
when the test starts, so the window cannot roll over in the middle of a test.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import ccxt
import pytest

from lyrad.sim.scenarios import RateLimitSpec
from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import real_binance_class, sim_client
from tests.support.sim import account, scenario


def _fresh_window_skew_ms() -> int:
    """A skew that puts the server 200 ms into a new minute."""
    now = time.time_ns() // 1_000_000
    return 60_000 - now % 60_000 + 200


@asynccontextmanager
async def _server(limits: RateLimitSpec) -> AsyncIterator[tuple[SimServer, Any]]:
    skew = _fresh_window_skew_ms()
    sim = scenario(rate_limit=limits, clock_skew_ms=skew)
    async with SimServer(scenario=sim, accounts=[account("alice")]) as server:
        client = sim_client(server, options={"timeDifference": -skew})
        try:
            await client.load_markets()
            yield server, client
        finally:
            await client.close()


async def _get(server: SimServer, path: str) -> tuple[int, dict[str, str], Any]:
    async with aiohttp.ClientSession() as session, session.get(server.base_url + path) as response:
        return response.status, dict(response.headers), await response.json()


async def test_weight_over_the_limit_is_429_then_418() -> None:
    limits = RateLimitSpec(request_weight_per_minute=45, ban_after_violations=2, ban_seconds=90)
    async with _server(limits) as (server, client):  # load_markets: 20
        await client.public_get_exchangeinfo()  # 40
        status, headers, body = await _get(server, "/api/v3/exchangeInfo")
        assert status == 429
        assert body == {
            "code": -1003,
            "msg": "Too much request weight used; current limit is 45 request weight per 1 MINUTE."
            " Please use WebSocket Streams for live updates to avoid polling the API.",
        }
        assert headers["X-MBX-USED-WEIGHT-1M"] == "40"
        assert 1 <= int(headers["Retry-After"]) <= 60
        with pytest.raises(ccxt.DDoSProtection) as limited:
            await client.fetch_time()  # a second request within Retry-After: still 429
        assert "429" in str(limited.value)
        assert type(limited.value) is real_binance_class(429, body)
        with pytest.raises(ccxt.DDoSProtection) as banned:
            await client.fetch_time()  # the second violation: banned
        assert "418" in str(banned.value)
        status, headers, body = await _get(server, "/api/v3/ping")
        assert status == 418
        assert body["code"] == -1003
        assert "IP banned until" in body["msg"]
        assert 80 <= int(headers["Retry-After"]) <= 90
        assert type(banned.value) is real_binance_class(418, body)


async def test_used_weight_header_counts_binance_weights() -> None:
    async with _server(RateLimitSpec()) as (_, client):
        await client.fetch_order_book("BTC/USDT", 5)  # 20 (exchangeInfo) + 5
        assert client.last_response_headers["X-MBX-USED-WEIGHT-1M"] == "25"
        await client.fetch_order_book("BTC/USDT", 500)  # + 25
        assert client.last_response_headers["X-MBX-USED-WEIGHT-1M"] == "50"
        await client.fetch_balance()  # + 20
        assert client.last_response_headers["X-MBX-USED-WEIGHT-1M"] == "70"


async def test_orders_per_10_seconds() -> None:
    async with _server(RateLimitSpec(orders_per_10s=2)) as (_, client):
        for count in ("1", "2"):
            await client.create_order("BTC/USDT", "market", "buy", 0.001)
            assert client.last_response_headers["X-MBX-ORDER-COUNT-10S"] == count
            assert client.last_response_headers["X-MBX-ORDER-COUNT-1D"] == count
        with pytest.raises(ccxt.DDoSProtection) as excinfo:
            await client.create_order("BTC/USDT", "market", "buy", 0.001)
        assert "Too many new orders; current limit is 2 orders per 10 SECOND." in str(excinfo.value)
        assert len(await client.fetch_my_trades("BTC/USDT")) >= 2


async def test_background_weight_of_a_storm_exhausts_the_limit() -> None:
    limits = RateLimitSpec(request_weight_per_minute=6000, background_weight_per_second=60_000)
    skew = _fresh_window_skew_ms()
    sim = scenario(rate_limit=limits, clock_skew_ms=skew)
    async with SimServer(scenario=sim) as server:
        status, headers, body = await _get(server, "/api/v3/ping")
    assert status == 429
    assert body["code"] == -1003
    assert int(headers["X-MBX-USED-WEIGHT-1M"]) >= 6000
