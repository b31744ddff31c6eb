"""Injected faults as a client sees them: latency, error answers, drops, lost responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import ccxt
import pytest
import pytest_asyncio

from lyrad.sim.faults import rule_to_json
from lyrad.sim.scenarios import FaultRule
from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import sim_client
from tests.support.sim import account, admin, request_log, scenario

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(accounts=[account("alice")], seed=3) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="module")
async def exchange(sim: SimServer) -> AsyncIterator[Any]:
    client = sim_client(sim, timeout=800)
    try:
        await client.load_markets()
        yield client
    finally:
        await client.close()
        await admin(sim, "DELETE", "/faults")


async def _set_faults(sim: SimServer, *rules: FaultRule) -> None:
    status, body = await admin(sim, "PUT", "/faults", [rule_to_json(rule) for rule in rules])
    assert status == 200, body


async def test_latency_beyond_the_client_timeout_is_a_request_timeout(
    sim: SimServer, exchange: Any
) -> None:
    await _set_faults(sim, FaultRule(kind="latency", route="GET /api/v3/time", latency_ms=2000))
    with pytest.raises(ccxt.RequestTimeout):
        await exchange.fetch_time()
    await exchange.fetch_ticker("BTC/USDT")  # other routes are not delayed


async def test_small_latency_still_answers(sim: SimServer, exchange: Any) -> None:
    await _set_faults(sim, FaultRule(kind="latency", latency_ms=50, jitter_ms=50))
    assert isinstance(await exchange.fetch_time(), int)


async def test_error_at_rate_one(sim: SimServer, exchange: Any) -> None:
    await _set_faults(sim, FaultRule(kind="error", route="GET /api/v3/ticker/*", status=503))
    for _ in range(3):
        with pytest.raises(ccxt.ExchangeNotAvailable):
            await exchange.fetch_ticker("BTC/USDT")
    await _set_faults(
        sim,
        FaultRule(
            kind="error",
            status=500,
            code=-1001,
            message="Internal error; unable to process your request. Please try again.",
        ),
    )
    with pytest.raises(ccxt.OperationFailed) as excinfo:
        await exchange.fetch_time()
    assert '{"code": -1001' in str(excinfo.value)
    log = await request_log(sim)
    assert log[-1]["outcome"] == "fault_error"
    assert log[-1]["status"] == 500


async def test_drop_closes_without_applying(sim: SimServer, exchange: Any) -> None:
    await _set_faults(sim, FaultRule(kind="drop", route="POST /api/v3/order"))
    before = len(sim.venue.engine.all_orders("alice", "BTCUSDT"))
    with pytest.raises(ccxt.NetworkError):
        await exchange.create_order(
            "BTC/USDT", "market", "buy", 0.001, None, {"clientOrderId": "dropped-1"}
        )
    assert len(sim.venue.engine.all_orders("alice", "BTCUSDT")) == before
    log = await request_log(sim)
    dropped = [r for r in log if r["outcome"] == "dropped"]
    assert dropped[-1]["method"] == "POST"
    assert dropped[-1]["path"] == "/api/v3/order"


async def test_lost_response_applies_the_order_and_times_out(sim: SimServer, exchange: Any) -> None:
    await _set_faults(sim, FaultRule(kind="lost_response", route="POST /api/v3/order"))
    book = await exchange.fetch_order_book("BTC/USDT", 5)
    price = round(book["bids"][0][0] * 0.9, 2)
    with pytest.raises(ccxt.RequestTimeout):
        await exchange.create_order(
            "BTC/USDT", "limit", "buy", 0.001, price, {"clientOrderId": "lost-1"}
        )
    # The venue has the order although the client never heard back.
    open_ids = [o.client_order_id for o in sim.venue.engine.open_orders("alice", "BTCUSDT")]
    assert "lost-1" in open_ids
    await admin(sim, "DELETE", "/faults")
    found = await exchange.fetch_order(None, "BTC/USDT", {"clientOrderId": "lost-1"})
    assert found["status"] == "open"
    assert found["price"] == price
    await exchange.cancel_order(found["id"], "BTC/USDT")
    lost = [r for r in await request_log(sim) if r["outcome"] == "lost_response"]
    assert lost[-1]["path"] == "/api/v3/order"


async def test_lost_response_on_cancel(sim: SimServer, exchange: Any) -> None:
    book = await exchange.fetch_order_book("BTC/USDT", 5)
    order = await exchange.create_order(
        "BTC/USDT", "limit", "buy", 0.001, round(book["bids"][0][0] * 0.9, 2)
    )
    await _set_faults(sim, FaultRule(kind="lost_response", route="DELETE /api/v3/order"))
    with pytest.raises(ccxt.RequestTimeout):
        await exchange.cancel_order(order["id"], "BTC/USDT")
    await admin(sim, "DELETE", "/faults")
    assert (await exchange.fetch_order(order["id"], "BTC/USDT"))["status"] == "canceled"


async def test_scenario_faults_are_active_from_the_start() -> None:
    rule = FaultRule(kind="error", route="GET /api/v3/ping", status=502, start_s=0, end_s=3600)
    async with SimServer(scenario=scenario(faults=(rule,))) as server:
        client = sim_client(server, account=None)
        try:
            with pytest.raises(ccxt.ExchangeNotAvailable):
                await client.public_get_ping()
            assert await client.fetch_time()
        finally:
            await client.close()
