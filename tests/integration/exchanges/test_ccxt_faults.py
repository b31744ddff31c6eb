"""What the adapter makes of a misbehaving venue: faults injected through the sim's admin API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from structlog.testing import capture_logs

from lyrad.domain.errors import (
    AmbiguousOutcome,
    AuthenticationFailed,
    BadVenueResponse,
    OrderNotFound,
    RateLimited,
    RetryableVenueError,
)
from lyrad.domain.values import OrderType, Side
from lyrad.domain.venue import OrderRequest, VenueOrderStatus
from lyrad.exchanges.ccxt_adapter import CcxtAdapter
from lyrad.exchanges.retry import RetryPolicy
from lyrad.sim.server import SimServer
from tests.integration.exchanges.conftest import (
    VENUE,
    Build,
    last_seq,
    new_adapter,
    requests_since,
    set_faults,
)
from tests.support.sim import account, admin, scenario

pytestmark = pytest.mark.asyncio(loop_scope="module")

D = Decimal
BTC = "BTC/USDT"
PLACE = "POST /api/v3/order"


async def resting_order(adapter: CcxtAdapter, cid: str) -> OrderRequest:
    ticker = await adapter.fetch_ticker(BTC)
    assert ticker.bid is not None
    price = (ticker.bid * D("0.8")).quantize(D("0.01"))
    return OrderRequest(VENUE, BTC, cid, Side.BUY, OrderType.LIMIT, D("0.001"), price)


async def test_a_5xx_on_placement_is_ambiguous(build: Build, sim: SimServer) -> None:
    built = await build()
    request = await resting_order(built.adapter, "it-5xx-1")
    await set_faults(sim, {"kind": "error", "route": PLACE, "status": 503,
                           "code": -1001, "message": "Internal error."})  # fmt: skip
    with capture_logs() as logs, pytest.raises(AmbiguousOutcome):
        await built.adapter.create_order(request)
    assert built.count("create_order", "ambiguous") == 1
    assert any(e["event"] == "venue_outcome_ambiguous" for e in logs)
    await admin(sim, "DELETE", "/faults")
    # The reconciler's question, by client id: this one never reached the engine.
    with pytest.raises(OrderNotFound):
        await built.adapter.fetch_order(BTC, client_order_id="it-5xx-1")


async def test_a_lost_response_is_ambiguous_and_the_order_exists(
    build: Build, sim: SimServer
) -> None:
    built = await build(timeout_s=0.5)
    request = await resting_order(built.adapter, "it-lost-1")
    await set_faults(sim, {"kind": "lost_response", "route": PLACE})
    before = await last_seq(sim)
    with pytest.raises(AmbiguousOutcome) as excinfo:
        await built.adapter.create_order(request)
    assert excinfo.value.reason  # says what happened, without the request's secrets
    await admin(sim, "DELETE", "/faults")
    placed = [r for r in await requests_since(sim, before) if r["path"] == "/api/v3/order"]
    assert [r["outcome"] for r in placed] == ["lost_response"]  # sent once, never re-sent
    found = await built.adapter.fetch_order(BTC, client_order_id="it-lost-1")
    assert found.status is VenueOrderStatus.OPEN
    await built.adapter.cancel_order(BTC, client_order_id="it-lost-1")


async def test_a_dropped_connection_after_sending_is_ambiguous(
    build: Build, sim: SimServer
) -> None:
    built = await build()
    request = await resting_order(built.adapter, "it-drop-1")
    await set_faults(sim, {"kind": "drop", "route": PLACE})
    with pytest.raises(AmbiguousOutcome):
        await built.adapter.create_order(request)


async def test_a_lost_cancel_is_ambiguous(build: Build, sim: SimServer) -> None:
    built = await build(timeout_s=0.5)
    placed = await built.adapter.create_order(await resting_order(built.adapter, "it-lc-1"))
    await set_faults(sim, {"kind": "lost_response", "route": "DELETE /api/v3/order"})
    with pytest.raises(AmbiguousOutcome):
        await built.adapter.cancel_order(BTC, venue_order_id=placed.venue_order_id)
    await admin(sim, "DELETE", "/faults")
    after = await built.adapter.fetch_order(BTC, client_order_id="it-lc-1")
    assert after.status is VenueOrderStatus.CANCELLED


async def test_reads_are_retried_then_give_up(build: Build, sim: SimServer) -> None:
    built = await build()
    await built.adapter.load_markets()
    await set_faults(sim, {"kind": "error", "route": "GET /api/v3/account", "status": 503})
    before = await last_seq(sim)
    with pytest.raises(RetryableVenueError):
        await built.adapter.fetch_balances()
    tries = [r for r in await requests_since(sim, before) if r["path"] == "/api/v3/account"]
    assert len(tries) == 3  # FAST_RETRY.attempts
    assert built.count("fetch_balances", "retryable") == 3
    await admin(sim, "DELETE", "/faults")
    assert await built.adapter.fetch_balances()
    assert built.count("fetch_balances", "ok") == 1


async def test_a_read_recovers_when_the_fault_is_intermittent(build: Build, sim: SimServer) -> None:
    built = await build(retry=RetryPolicy(attempts=8, initial_backoff_s=0.01, max_backoff_s=0.02))
    await built.adapter.load_markets()
    await set_faults(sim, {"kind": "error", "route": "GET /api/v3/ticker/24hr", "status": 502,
                           "rate": 0.5})  # fmt: skip
    for _ in range(5):
        ticker = await built.adapter.fetch_ticker(BTC)
        assert ticker.bid is not None
    assert built.count("fetch_ticker", "ok") == 5


async def test_a_timed_out_read_leaks_no_credentials(build: Build, sim: SimServer) -> None:
    built = await build(timeout_s=0.3, retry=RetryPolicy(attempts=1))
    await built.adapter.load_markets()
    await set_faults(sim, {"kind": "lost_response", "route": "GET /api/v3/openOrders"})
    with pytest.raises(RetryableVenueError) as excinfo:
        await built.adapter.fetch_open_orders(BTC)
    key = sim.accounts[0].api_key
    chain = [excinfo.value, excinfo.value.__cause__]
    for error in chain:
        assert error is not None
        assert "signature=" not in str(error)
        assert key not in str(error)
    assert "RequestTimeout" in type(excinfo.value.__cause__).__mro__[0].__name__


async def test_spot_only_error_codes_map_on_a_loopback_url(build: Build, sim: SimServer) -> None:
    # -2008 is in ccxt's spot table only: without it, ccxt would raise a bare ExchangeError.
    built = await build()
    await built.adapter.load_markets()
    await set_faults(sim, {"kind": "error", "route": "GET /api/v3/account", "status": 400,
                           "code": -2008, "message": "Invalid Api-Key ID."})  # fmt: skip
    with pytest.raises(AuthenticationFailed, match="-2008: Invalid Api-Key ID"):
        await built.adapter.fetch_balances()


@pytest.mark.parametrize("body", ["<html>oops</html>", '{"balances": "lots"}', "[1, 2]"])
async def test_a_garbage_answer_is_refused_logged_and_counted(
    build: Build, sim: SimServer, body: str
) -> None:
    built = await build()
    await built.adapter.load_markets()
    await set_faults(sim, {"kind": "error", "route": "GET /api/v3/account", "status": 200,
                           "message": body})  # fmt: skip
    before = await last_seq(sim)
    with capture_logs() as logs, pytest.raises(BadVenueResponse):
        await built.adapter.fetch_balances()
    assert len(await requests_since(sim, before)) == 1  # not retried
    assert built.count("fetch_balances", "bad_response") == 1
    assert [e["log_level"] for e in logs if e["event"] == "venue_bad_response"] == ["error"]


async def test_a_garbage_answer_to_an_order_is_a_bad_response(build: Build, sim: SimServer) -> None:
    built = await build()
    request = await resting_order(built.adapter, "it-garbage-1")
    await set_faults(sim, {"kind": "error", "route": PLACE, "status": 200,
                           "message": '{"orderId": "x", "status": "NEW"}'})  # fmt: skip
    with pytest.raises(BadVenueResponse):
        await built.adapter.create_order(request)
    assert built.count("create_order", "bad_response") == 1


async def test_a_429_pauses_every_caller(build: Build, sim: SimServer) -> None:
    built = await build(retry=RetryPolicy(attempts=1), default_retry_after_s=1.0)
    await built.adapter.load_markets()
    await set_faults(sim, {"kind": "error", "route": "GET /api/v3/ticker/24hr", "status": 429,
                           "code": -1003, "message": "Too much request weight used."})  # fmt: skip
    before = await last_seq(sim)
    with pytest.raises(RateLimited) as excinfo:
        await built.adapter.fetch_ticker(BTC)
    assert excinfo.value.retry_after_s == 1.0
    assert built.limiter.paused_for_s() > 0
    await admin(sim, "DELETE", "/faults")
    assert await built.adapter.fetch_time() > 0  # waits out the pause, then goes
    refused, allowed = await requests_since(sim, before)
    assert (refused["status"], allowed["path"]) == (429, "/api/v3/time")
    assert allowed["time"] - refused["time"] >= 950


async def test_an_order_held_back_by_the_limiter_is_refused_unsent(
    build: Build, sim: SimServer
) -> None:
    built = await build(write_queue_timeout_s=0.2)
    request = await resting_order(built.adapter, "it-held-1")
    built.limiter.pause(30)  # as after a 429 with Retry-After: 30
    before = await last_seq(sim)
    with pytest.raises(RateLimited, match="held back") as excinfo:
        await built.adapter.create_order(request)
    assert excinfo.value.retry_after_s > 29
    assert await requests_since(sim, before) == []
    assert built.count("create_order", "rate_limited") == 1


async def test_a_request_that_never_left_is_retryable_even_for_an_order() -> None:
    async with SimServer(scenario="calm", seed=3, accounts=[account("solo")]) as server:
        adapter = new_adapter(server, timeout_s=2).adapter
        request = await resting_order(adapter, "it-refused-1")
    try:
        with pytest.raises(RetryableVenueError) as excinfo:
            await adapter.create_order(request)  # the venue is gone: connection refused
        assert not isinstance(excinfo.value, AmbiguousOutcome)
        assert "never left" in excinfo.value.reason
    finally:
        await adapter.close()


async def test_a_refused_timestamp_resyncs_the_clock_and_the_read_succeeds() -> None:
    # The server's clock is 5 s behind: ccxt's timestamps are "ahead of the server's time"
    # until the adapter measures the offset.
    skewed = scenario("clock_skew", clock_skew_ms=-5000)
    async with SimServer(scenario=skewed, seed=3, accounts=[account("solo")]) as server:
        built = new_adapter(server)
        try:
            balances = await built.adapter.fetch_balances()
        finally:
            await built.adapter.close()
        tries = [r for r in await requests_since(server, 0) if r["path"] == "/api/v3/account"]
    assert {b.asset for b in balances} == {"USDT", "BTC", "ETH"}
    assert [r["status"] for r in tries] == [400, 200]
    assert built.count("fetch_balances", "retryable") == 1
    assert built.count("fetch_time", "ok") == 1
