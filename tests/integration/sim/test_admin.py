"""The admin API: bearer token, faults, request log, state, price shocks, liquidity."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio

from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import sim_client
from tests.support.sim import account, admin, request_log

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    # Sim time at 20x so that a shock (which starts at the next path step) shows at once.
    async with SimServer(accounts=[account("alice")], seed=5, speed=20) as server:
        yield server


@pytest.mark.parametrize("token", ["", "wrong-token"])
async def test_401_without_the_token(sim: SimServer, token: str) -> None:
    for method, path in [("GET", "/state"), ("PUT", "/faults"), ("POST", "/shock")]:
        status, body = await admin(sim, method, path, [], token=token)
        assert (status, body) == (401, {"error": "unauthorized"})


async def test_no_authorization_header_at_all(sim: SimServer) -> None:
    async with aiohttp.ClientSession() as session, session.get(sim.admin_url + "/state") as r:
        assert r.status == 401
        assert r.headers["WWW-Authenticate"] == "Bearer"


async def test_faults_get_put_delete(sim: SimServer) -> None:
    rules = [
        {"kind": "latency", "route": "GET /api/v3/*", "latency_ms": 5},
        {"kind": "error", "route": "POST /api/v3/order", "rate": 0.5, "status": 503},
    ]
    status, stored = await admin(sim, "PUT", "/faults", rules)
    assert status == 200
    assert [(r["kind"], r["route"]) for r in stored] == [
        ("latency", "GET /api/v3/*"),
        ("error", "POST /api/v3/order"),
    ]
    assert (await admin(sim, "GET", "/faults")) == (200, stored)
    assert (await admin(sim, "DELETE", "/faults")) == (200, [])
    assert (await admin(sim, "GET", "/faults")) == (200, [])


async def test_bad_fault_rules_are_400_and_change_nothing(sim: SimServer) -> None:
    status, body = await admin(sim, "PUT", "/faults", [{"kind": "explode"}])
    assert status == 400
    assert "faults[0].kind" in body["error"]
    assert (await admin(sim, "GET", "/faults")) == (200, [])


async def test_request_log_records_method_path_status(sim: SimServer) -> None:
    client = sim_client(sim)
    try:
        await client.load_markets()
        await client.fetch_balance()
    finally:
        await client.close()
    log = await request_log(sim)
    tail = [(r["method"], r["path"], r["status"], r["outcome"]) for r in log[-2:]]
    assert tail == [
        ("GET", "/api/v3/exchangeInfo", 200, "answered"),
        ("GET", "/api/v3/account", 200, "answered"),
    ]
    assert all(isinstance(r["time"], int) and r["seq"] > 0 for r in log)
    status, since = await admin(sim, "GET", f"/requests?since={log[-1]['seq']}")
    assert (status, since) == (200, {"requests": []})


async def test_state(sim: SimServer) -> None:
    status, state = await admin(sim, "GET", "/state")
    assert status == 200
    assert state["scenario"]["name"] == "calm"
    assert [s["symbol"] for s in state["symbols"]] == ["BTCUSDT", "ETHUSDT"]
    alice = state["accounts"][0]
    assert alice["name"] == "alice"
    assert Decimal(alice["balances"]["USDT"]["free"]) > 0
    assert state["sim_time"] > 0


async def test_shock_moves_every_view_of_the_price(sim: SimServer) -> None:
    client = sim_client(sim, account=None)
    try:
        before = await client.fetch_ticker("ETH/USDT")
        status, body = await admin(sim, "POST", "/shock", {"symbol": "ETHUSDT", "move_pct": -30})
        assert status == 200, body
        after = await client.fetch_ticker("ETH/USDT")
        for _ in range(100):  # the move starts at the path's next step (1 s of sim time)
            if after["last"] < before["last"] * 0.8:
                break
            await asyncio.sleep(0.01)
            after = await client.fetch_ticker("ETH/USDT")
        book = await client.fetch_order_book("ETH/USDT", 5)
        last_price = await client.public_get_ticker_price({"symbol": "ETHUSDT"})
    finally:
        await client.close()
    assert after["last"] == pytest.approx(before["last"] * 0.7, rel=0.01)
    assert book["bids"][0][0] == pytest.approx(before["last"] * 0.7, rel=0.01)
    assert float(last_price["price"]) == pytest.approx(after["last"], rel=0.01)
    assert after["low"] <= after["last"]


async def test_bad_shock_is_400(sim: SimServer) -> None:
    status, body = await admin(sim, "POST", "/shock", {"symbol": "NOPE", "move_pct": 5})
    assert status == 400
    assert "symbol" in body["error"]
    status, body = await admin(sim, "POST", "/shock", {"symbol": "BTCUSDT", "move_pct": -100})
    assert status == 400


async def test_liquidity_override_and_reset(sim: SimServer) -> None:
    client = sim_client(sim, account=None)

    async def spread() -> float:
        book = await client.fetch_order_book("BTC/USDT", 5)
        return float(book["asks"][0][0] - book["bids"][0][0])

    try:
        normal = await spread()
        status, profile = await admin(sim, "POST", "/liquidity", {"spread_bps": 100})
        assert status == 200
        assert profile["spread_bps"] == "100"
        wide = await spread()
        status, _ = await admin(sim, "POST", "/liquidity", {"reset": True})
        assert status == 200
        back = await spread()
    finally:
        await client.close()
    assert wide > 20 * normal
    assert back == pytest.approx(normal, rel=0.5)
    status, body = await admin(sim, "POST", "/liquidity", {"level_qty_quote": -5})
    assert status == 400
    assert "level_qty_quote" in body["error"]
    status, body = await admin(sim, "POST", "/liquidity", {"colour": 1})
    assert (status, body) == (400, {"error": "colour: unknown field"})
