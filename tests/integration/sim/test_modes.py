"""Venue modes through the admin API, as the real ccxt client sees them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import ccxt
import pytest
import pytest_asyncio

from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import sim_client
from tests.support.sim import account, admin, request_log

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(accounts=[account("alice")], seed=11) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="module")
async def client(sim: SimServer) -> AsyncIterator[Any]:
    exchange = sim_client(sim)
    await exchange.load_markets()
    try:
        yield exchange
    finally:
        await admin(sim, "DELETE", "/modes")
        await exchange.close()


async def test_modes_get_put_delete_and_state(sim: SimServer) -> None:
    status, body = await admin(sim, "PUT", "/modes", {"crossed_book": True, "clock_skew_ms": 5})
    assert status == 200
    assert body["crossed_book"] is True
    assert body["clock_skew_ms"] == 5
    assert (await admin(sim, "GET", "/modes")) == (200, body)
    _, state = await admin(sim, "GET", "/state")
    assert state["modes"] == body
    _, cleared = await admin(sim, "DELETE", "/modes")
    assert cleared["crossed_book"] is False
    assert cleared["rate_limit_storm"] is None


async def test_bad_modes_are_400_and_change_nothing(sim: SimServer) -> None:
    status, body = await admin(sim, "PUT", "/modes", {"maintenance": "yes"})
    assert status == 400
    assert "modes.maintenance" in body["error"]
    _, modes = await admin(sim, "GET", "/modes")
    assert modes["maintenance"] is False


async def test_system_status_and_maintenance(sim: SimServer, client: Any) -> None:
    assert (await client.fetch_status())["status"] == "ok"
    await admin(sim, "PUT", "/modes", {"maintenance": True})
    assert (await client.fetch_status())["status"] == "maintenance"


async def test_withdrawal_and_ip_restriction_modes_show_on_the_key(
    sim: SimServer, client: Any
) -> None:
    before = await client.sapi_get_account_apirestrictions()
    assert (before["enableWithdrawals"], before["ipRestrict"]) == (False, False)
    await admin(sim, "PUT", "/modes", {"withdrawals_enabled": True, "ip_restricted": True})
    after = await client.sapi_get_account_apirestrictions()
    assert (after["enableWithdrawals"], after["ipRestrict"]) == (True, True)


async def test_crossed_book_shows_in_depth_and_tickers(sim: SimServer, client: Any) -> None:
    await admin(sim, "PUT", "/modes", {"crossed_book": True})
    book = await client.fetch_order_book("BTC/USDT", 5)
    ticker = await client.fetch_ticker("BTC/USDT")
    assert book["bids"][0][0] > book["asks"][0][0]
    assert float(ticker["bid"]) > float(ticker["ask"])


async def test_stale_feed_serves_old_tickers(sim: SimServer, client: Any) -> None:
    await admin(sim, "PUT", "/modes", {"stale_market_data_s": 30})
    ticker = await client.fetch_ticker("BTC/USDT")
    server = await client.fetch_time()
    assert server - ticker["timestamp"] >= 29_000


async def test_clock_skew_mode_shows_in_server_time(sim: SimServer, client: Any) -> None:
    await admin(sim, "PUT", "/modes", {"clock_skew_ms": 7000})
    local = time.time() * 1000
    assert await client.fetch_time() - local == pytest.approx(7000, abs=500)


async def test_storm_answers_429_with_retry_after(sim: SimServer, client: Any) -> None:
    storm = {"every": 2, "count": 1, "route": "GET /api/v3/time", "retry_after_s": 0}
    await admin(sim, "PUT", "/modes", {"rate_limit_storm": storm})
    await client.fetch_time()
    with pytest.raises(ccxt.DDoSProtection):
        await client.fetch_time()
    assert client.last_response_headers["Retry-After"] == "0"
    await client.fetch_time()  # the count is spent
    refused = [r for r in await request_log(sim) if r["status"] == 429]
    assert [(r["path"], r["outcome"]) for r in refused] == [("/api/v3/time", "fault_error")]


async def test_far_order_fills_in_fill_far_orders_mode(sim: SimServer, client: Any) -> None:
    await admin(sim, "PUT", "/modes", {"fill_far_orders": True})
    book = await client.fetch_order_book("BTC/USDT", 5)
    price = round(book["bids"][0][0] * 0.95, 2)
    order = await client.create_order("BTC/USDT", "limit", "buy", 0.001, price)
    assert order["status"] == "open"  # the answer was made before the spike
    fetched = await client.fetch_order(order["id"], "BTC/USDT")
    assert fetched["status"] == "closed"
    assert float(fetched["filled"]) == pytest.approx(0.001)
