"""The ccxt adapter end to end: real ccxt, real HTTP on loopback, the sim behind it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from prometheus_client import CollectorRegistry

from lyrad.domain.errors import (
    AuthenticationFailed,
    InsufficientFunds,
    OrderNotFound,
    OrderRejected,
    VenueFatal,
)
from lyrad.domain.values import OrderType, Side, TimeInForce
from lyrad.domain.venue import OrderRequest, VenueOrderStatus
from lyrad.exchanges.ccxt_adapter import CcxtAdapter
from lyrad.exchanges.clock import SystemClock
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.quirks import BINANCE
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.sim.server import SimServer
from tests.integration.exchanges.conftest import VENUE, Build, last_seq, requests_since

pytestmark = pytest.mark.asyncio(loop_scope="module")

D = Decimal
BTC = "BTC/USDT"


def limit_order(cid: str, amount: str, price: Decimal, side: Side = Side.BUY) -> OrderRequest:
    return OrderRequest(VENUE, BTC, cid, side, OrderType.LIMIT, D(amount), price)


async def far_bid(adapter: CcxtAdapter) -> Decimal:
    """A price well below the market, on the tick: the order rests."""
    ticker = await adapter.fetch_ticker(BTC)
    assert ticker.bid is not None
    return (ticker.bid * D("0.8")).quantize(D("0.01"))


async def test_markets_load_with_exact_filters(build: Build, sim: SimServer) -> None:
    built = await build()
    markets = await built.adapter.load_markets()
    assert sorted(markets) == sorted(sim.symbols)
    btc = built.adapter.market(BTC)
    assert (btc.venue, btc.venue_symbol, btc.price_tick, btc.amount_step) == (
        VENUE, "BTCUSDT", D("0.01"), D("0.00001"),
    )  # fmt: skip
    assert btc.min_cost == D(5)
    with pytest.raises(OrderRejected, match="unknown symbol"):
        built.adapter.market("DOGE/USDT")
    assert built.count("load_markets", "ok") == 1
    assert built.count("fetch_time", "ok") == 1  # the clock sync that follows


async def test_market_before_loading_is_a_fault(build: Build) -> None:
    built = await build()
    with pytest.raises(VenueFatal, match="not loaded"):
        built.adapter.market(BTC)


async def test_create_fetch_cancel_by_client_id(build: Build) -> None:
    adapter = (await build()).adapter
    await adapter.load_markets()
    price = await far_bid(adapter)
    placed = await adapter.create_order(limit_order("it-create-1", "0.0012345", price))
    assert placed.client_order_id == "it-create-1"
    assert (placed.status, placed.amount, placed.price) == (
        VenueOrderStatus.OPEN,
        D("0.00123"),
        price,
    )

    fetched = await adapter.fetch_order(BTC, client_order_id="it-create-1")
    assert fetched.venue_order_id == placed.venue_order_id
    assert fetched.status is VenueOrderStatus.OPEN
    by_venue_id = await adapter.fetch_order(BTC, venue_order_id=placed.venue_order_id)
    assert by_venue_id.client_order_id == "it-create-1"
    assert "it-create-1" in {o.client_order_id for o in await adapter.fetch_open_orders(BTC)}
    assert "it-create-1" in {o.client_order_id for o in await adapter.fetch_open_orders()}

    cancelled = await adapter.cancel_order(BTC, client_order_id="it-create-1")
    assert (cancelled.client_order_id, cancelled.status) == (
        "it-create-1",
        VenueOrderStatus.CANCELLED,
    )
    after = await adapter.fetch_order(BTC, client_order_id="it-create-1")
    assert after.status is VenueOrderStatus.CANCELLED
    assert "it-create-1" not in {o.client_order_id for o in await adapter.fetch_open_orders(BTC)}


async def test_post_only_and_ioc_reach_the_venue(build: Build) -> None:
    adapter = (await build()).adapter
    price = await far_bid(adapter)
    maker = await adapter.create_order(
        OrderRequest(VENUE, BTC, "it-po-1", Side.BUY, OrderType.LIMIT, D("0.001"), price,
                     TimeInForce.POST_ONLY)
    )  # fmt: skip
    assert maker.status is VenueOrderStatus.OPEN
    ioc = await adapter.create_order(
        OrderRequest(VENUE, BTC, "it-ioc-1", Side.BUY, OrderType.LIMIT, D("0.001"), price,
                     TimeInForce.IOC)
    )  # fmt: skip
    assert (ioc.status, ioc.filled) == (VenueOrderStatus.EXPIRED, D(0))
    await adapter.cancel_order(BTC, venue_order_id=maker.venue_order_id)


async def test_fills_come_back_exact(build: Build, sim: SimServer) -> None:
    adapter = (await build()).adapter
    order = await adapter.create_order(
        OrderRequest(VENUE, BTC, "it-market-1", Side.BUY, OrderType.MARKET, D("0.25"))
    )
    assert order.status is VenueOrderStatus.FILLED
    assert order.fills, "a FULL answer carries the fills"
    assert sum((f.amount for f in order.fills), D(0)) == order.filled == D("0.25")
    assert sum((f.price * f.amount for f in order.fills), D(0)) == order.cost
    engine_fills = sim.venue.engine.account_trades(
        "alice", "BTCUSDT", order_id=int(order.venue_order_id)
    )
    assert [(str(f.trade_id), f.price, f.qty, f.commission) for f in engine_fills] == [
        (f.trade_id, f.price, f.amount, f.fee) for f in order.fills
    ]
    assert all(not f.is_maker and f.client_order_id == "it-market-1" for f in order.fills)

    trades = await adapter.fetch_my_trades(BTC, since_ms=order.timestamp_ms)
    mine = [t for t in trades if t.venue_order_id == order.venue_order_id]
    assert [(t.trade_id, t.price, t.amount, t.fee) for t in mine] == [
        (f.trade_id, f.price, f.amount, f.fee) for f in order.fills
    ]
    balances = {b.asset: b for b in await adapter.fetch_balances()}
    engine = {b.asset: b for b in sim.venue.engine.balances("alice")}
    assert balances["BTC"].free == engine["BTC"].free
    assert balances["USDT"].total == engine["USDT"].free + engine["USDT"].locked


async def test_insufficient_funds(build: Build) -> None:
    adapter = (await build(account_index=1)).adapter  # pauper: 10 USDT
    price = await far_bid(adapter)
    with pytest.raises(InsufficientFunds) as excinfo:
        await adapter.create_order(limit_order("it-poor-1", "0.01", price))
    assert "insufficient balance" in excinfo.value.reason


async def test_unknown_orders_are_not_found(build: Build) -> None:
    adapter = (await build()).adapter
    with pytest.raises(OrderNotFound):
        await adapter.fetch_order(BTC, client_order_id="it-never-sent")
    with pytest.raises(OrderNotFound):
        await adapter.cancel_order(BTC, client_order_id="it-never-sent")
    with pytest.raises(ValueError, match="order id"):
        await adapter.fetch_order(BTC)


async def test_a_refused_key_is_an_authentication_failure(build: Build) -> None:
    built = await build(api_key="no-such-key")
    await built.adapter.load_markets()  # public: works
    with pytest.raises(AuthenticationFailed):
        await built.adapter.fetch_balances()
    price = await far_bid(built.adapter)
    with pytest.raises(AuthenticationFailed):
        await built.adapter.create_order(limit_order("it-auth-1", "0.001", price))
    assert built.count("fetch_balances", "auth_failed") == 1
    assert built.count("create_order", "auth_failed") == 1


async def test_an_account_that_may_not_trade_needs_an_operator(build: Build) -> None:
    adapter = (await build(account_index=2)).adapter
    price = await far_bid(adapter)
    # ccxt reads Binance's "may not place or cancel orders" as PermissionDenied.
    with pytest.raises(AuthenticationFailed, match=r"^simx: This account may not place"):
        await adapter.create_order(limit_order("it-viewer-1", "0.001", price))


async def test_impossible_orders_are_refused_without_a_request(
    build: Build, sim: SimServer
) -> None:
    built = await build()
    price = await far_bid(built.adapter)
    before = await last_seq(sim)
    with pytest.raises(OrderRejected, match="min notional"):
        await built.adapter.create_order(limit_order("it-tiny-1", "0.00002", price))
    with pytest.raises(OrderRejected, match="min amount"):
        await built.adapter.create_order(limit_order("it-tiny-2", "0.000001", price))
    assert await requests_since(sim, before) == []
    assert built.count("create_order", "refused_locally") == 2


async def test_book_and_time(build: Build, sim: SimServer) -> None:
    adapter = (await build()).adapter
    book = await adapter.fetch_order_book(BTC, 5)
    engine_book = sim.venue.engine.book("BTCUSDT", 5)
    assert book.bids[0][0] == engine_book.bids[0][0]
    assert book.asks[0][0] == engine_book.asks[0][0]
    assert all(adapter.market(BTC).is_on_tick(price) for price, _ in book.bids + book.asks)
    assert abs(await adapter.fetch_time() - sim.venue.server_ms()) < 5_000


async def test_one_session_reused_and_closed(sim: SimServer) -> None:
    registry = CollectorRegistry()
    metrics = VenueMetrics(registry)
    clock = SystemClock()
    limiter = WeightedRateLimiter(VENUE, BINANCE.windows, clock=clock)
    adapter = CcxtAdapter(
        VENUE, "binance", base_url=sim.base_url, api_key=None, secret=None, password=None,
        timeout_s=5, limiter=limiter, metrics=metrics, clock=clock,
    )  # fmt: skip
    async with adapter:
        await adapter.fetch_time()
        session = adapter._session
        await adapter.fetch_time()
        assert adapter._session is session is not None
    assert session.closed
    with pytest.raises(VenueFatal, match="closed"):
        await adapter.fetch_time()
    with pytest.raises(ValueError, match="no exchange"):
        CcxtAdapter(
            VENUE, "nope", base_url=None, api_key=None, secret=None, password=None,
            timeout_s=5, limiter=limiter, metrics=metrics, clock=clock,
        )  # fmt: skip
