"""In-memory fakes for the suite's seams: clock, adapter, extras, journal, and a context builder."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import asynccontextmanager
from decimal import Decimal

from prometheus_client import CollectorRegistry

from lyrad.domain.errors import AuthenticationFailed, OrderNotFound, OrderRejected, VenueError
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Fill, Market, OrderType, Side
from lyrad.domain.venue import (
    Candle,
    OrderBook,
    OrderRequest,
    Ticker,
    VenueOrder,
    VenueOrderStatus,
)
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.order_rules import conform
from lyrad.exchanges.quirks import BINANCE, Endpoint
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.journal.codec import Details
from lyrad.security.redaction import Redactor
from lyrad.validate.calls import CallLog
from lyrad.validate.context import Instance, Mode, RunContext, RunOptions, Timing
from lyrad.validate.desk import OrderDesk
from lyrad.validate.deviations import Deviations
from lyrad.validate.recorded import RecordedAdapter, RecordedExtras
from lyrad.validate.venue_extras import (
    BookSequence,
    KeyPermissions,
    PublicTrade,
    PublishedLimit,
    PublishedRules,
    ResponseInfo,
    StructureAudit,
    StructureKind,
    TradingFee,
    VenueDescription,
    VenueStatus,
)

D = Decimal
VENUE = "fake"
SYMBOL = "BTC/USDT"
NOW_MS = 1_800_000_000_000


class FakeClock:
    """Time moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def time_ms(self) -> int:
        return NOW_MS + int(self.now * 1000)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)


def market(**changes: object) -> Market:
    base = Market(
        venue=VENUE,
        symbol=SYMBOL,
        venue_symbol="BTCUSDT",
        base="BTC",
        quote="USDT",
        price_tick=D("0.01"),
        amount_step=D("0.00001"),
        min_amount=D("0.00001"),
        min_price=D("0.01"),
        max_price=D(1_000_000),
        min_cost=D(5),
        max_cost=D(9_000_000),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def book(bid: str = "60000", ask: str = "60010", levels: int = 20) -> OrderBook:
    step = D(1)
    bids = tuple((D(bid) - i * step, D("0.5")) for i in range(levels))
    asks = tuple((D(ask) + i * step, D("0.5")) for i in range(levels))
    return OrderBook(VENUE, SYMBOL, bids, asks, NOW_MS)


class FakeAdapter:
    """A venue in memory: accepts, lists and cancels orders; fills what `fills_on_create` says."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.market_value = market()
        self.book_value = book()
        self.ticker_value = Ticker(VENUE, SYMBOL, D(60000), D(60010), D(60005), NOW_MS)
        self.balances = {
            "USDT": Balance(VENUE, "USDT", D(10000), D(0)),
            "BTC": Balance(VENUE, "BTC", D(1), D(0)),
        }
        self.later_balances: list[dict[str, Balance]] = []  # what each next read shows
        self.orders: dict[str, VenueOrder] = {}
        self.sent: list[str] = []  # "create <cid>", "cancel <cid or vid>"
        self.fill_far = False  # every resting order shows as filled once placed
        self.reject: VenueError | None = None  # the next create is refused with this
        self.auth_fails = False
        self._ids = itertools.count(1)
        self.closed = False

    @property
    def venue(self) -> str:
        return VENUE

    async def load_markets(self) -> Mapping[str, Market]:
        return {SYMBOL: self.market_value}

    def market(self, symbol: str) -> Market:
        if symbol != SYMBOL:
            raise OrderRejected(VENUE, f"unknown symbol {symbol}")
        return self.market_value

    def add_foreign(self, client_order_id: str | None, price: str = "50000") -> VenueOrder:
        order = VenueOrder(
            VENUE,
            SYMBOL,
            client_order_id,
            f"v{next(self._ids)}",
            Side.BUY,
            OrderType.LIMIT,
            VenueOrderStatus.OPEN,
            D("0.001"),
            D(0),
            D(price),
        )
        self.orders[order.venue_order_id] = order
        return order

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        request = conform(self.market_value, request)  # refused locally: never "sent"
        self.sent.append(f"create {request.client_order_id}")
        if self.reject is not None:
            error, self.reject = self.reject, None
            raise error
        if any(o.client_order_id == request.client_order_id for o in self.orders.values()):
            raise OrderRejected(VENUE, "Duplicate order sent.")
        status = VenueOrderStatus.OPEN
        filled = D(0)
        if self.fill_far or request.type is OrderType.MARKET:
            status, filled = VenueOrderStatus.OPEN, request.amount
        order = VenueOrder(
            VENUE,
            request.symbol,
            request.client_order_id,
            f"v{next(self._ids)}",
            request.side,
            request.type,
            status,
            request.amount,
            D(0),
            request.price,
        )
        self.orders[order.venue_order_id] = order
        if filled:
            done = dataclasses.replace(
                order, filled=filled, status=VenueOrderStatus.FILLED, cost=filled * D(60000)
            )
            self.orders[order.venue_order_id] = done
            if request.type is OrderType.MARKET:
                return done  # a market order's answer shows its fill
        return order

    def _find(self, client_order_id: str | None, venue_order_id: str | None) -> VenueOrder:
        for order in self.orders.values():
            if (client_order_id is not None and order.client_order_id == client_order_id) or (
                venue_order_id is not None and order.venue_order_id == venue_order_id
            ):
                return order
        raise OrderNotFound(VENUE, "Unknown order sent.")

    async def cancel_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        self.sent.append(f"cancel {client_order_id or venue_order_id}")
        order = self._find(client_order_id, venue_order_id)
        if order.status is not VenueOrderStatus.OPEN:
            raise OrderNotFound(VENUE, "Unknown order sent.")
        cancelled = dataclasses.replace(order, status=VenueOrderStatus.CANCELLED)
        self.orders[order.venue_order_id] = cancelled
        return cancelled

    async def fetch_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        return self._find(client_order_id, venue_order_id)

    async def fetch_open_orders(self, symbol: str | None = None) -> list[VenueOrder]:
        return [o for o in self.orders.values() if o.status is VenueOrderStatus.OPEN]

    async def fetch_my_trades(
        self, symbol: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        return []

    async def fetch_balances(self) -> list[Balance]:
        if self.auth_fails:
            raise AuthenticationFailed(VENUE, "-1022: Signature for this request is not valid.")
        if self.later_balances:
            self.balances = self.later_balances.pop(0)
        return list(self.balances.values())

    async def fetch_ticker(self, symbol: str) -> Ticker:
        self.market(symbol)
        return self.ticker_value

    async def fetch_order_book(self, symbol: str, limit: int) -> OrderBook:
        levels = self.book_value
        return dataclasses.replace(levels, bids=levels.bids[:limit], asks=levels.asks[:limit])

    async def fetch_time(self) -> int:
        return self._clock.time_ms()

    async def fetch_ohlcv(
        self, symbol: str, timeframe: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        count = limit or 100
        now = self._clock.time_ms() // 60_000 * 60_000
        start = since_ms if since_ms is not None else now - (count - 1) * 60_000
        return [Candle(start + i * 60_000, D(1), D(2), D(1), D(2), D(3)) for i in range(count)]

    async def close(self) -> None:
        self.closed = True


class FakeExtras:
    """VenueExtras with settable answers."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.has: dict[str, bool | None] = {
            name: True
            for name in (
                "createOrder",
                "cancelOrder",
                "fetchBalance",
                "fetchOpenOrders",
                "fetchOrder",
                "fetchOrderBook",
                "fetchTicker",
                "fetchOHLCV",
                "fetchStatus",
                "fetchTrades",
                "fetchMyTrades",
            )
        }
        self.permissions: KeyPermissions | None = KeyPermissions(
            ip_restricted=True, withdrawals=False
        )
        self.status = VenueStatus("ok")
        self.sequence = [BookSequence(1, None), BookSequence(2, None)]
        self.rules = PublishedRules((PublishedLimit("weight", 60, 6000),))
        self.headers: dict[str, str] = {"X-MBX-USED-WEIGHT-1M": "100"}
        self.problems: dict[str, tuple[str, ...]] = {}
        self.unchecked: list[OrderRequest] = []

    def describe(self) -> VenueDescription:
        return VenueDescription(
            exchange_id="binance",
            library_version="ccxt test",
            has=self.has,
            features={"createOrder": {"timeInForce": {"PO": True}}},
            post_only=True,
            api_urls=("https://api.binance.com/api/v3",),
            ws_urls=(),
            official_hosts=frozenset({"api.binance.com"}),
            sandbox_hosts=frozenset({"testnet.binance.vision"}),
            sandbox=False,
            rate_limit_ms=50.0,
            recv_window_ms=10000,
            tls_verify=True,
        )

    async def fetch_status(self) -> VenueStatus:
        return self.status

    async def fetch_public_trades(self, symbol: str, *, limit: int) -> list[PublicTrade]:
        now = self._clock.time_ms()
        return [PublicTrade(str(i), now - 1000 + i, Side.BUY, D(60000), D(1)) for i in range(5)]

    async def fetch_trading_fee(self, symbol: str) -> TradingFee:
        return TradingFee(D("0.001"), D("0.001"), "account")

    async def fetch_key_permissions(self) -> KeyPermissions | None:
        return self.permissions

    async def fetch_published_rules(self, symbol: str) -> PublishedRules:
        return self.rules

    async def fetch_book_sequence(self, symbol: str, limit: int) -> BookSequence:
        return self.sequence.pop(0) if len(self.sequence) > 1 else self.sequence[0]

    async def fetch_closed_orders(
        self, symbol: str, *, since_ms: int | None, limit: int
    ) -> list[VenueOrder]:
        return []

    async def create_order_unchecked(self, request: OrderRequest) -> VenueOrder:
        self.unchecked.append(request)
        raise OrderRejected(VENUE, "-1013: Filter failure: NOTIONAL")

    def last_response(self) -> ResponseInfo:
        return ResponseInfo(200, self.headers)

    async def audit_structure(
        self, kind: StructureKind, symbol: str | None, *, skipped: Mapping[str, str]
    ) -> StructureAudit:
        return StructureAudit(kind, 1, self.problems.get(kind, ()))


class FakeJournal:
    """Orders and events in memory, with the state machine's rules."""

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.events: list[tuple[str, str | None]] = []
        self.fill_list: list[Fill] = []
        self.inserted: list[str] = []

    async def _insert(self, order: Order) -> None:
        self.inserted.append(order.client_order_id)
        self.orders[order.client_order_id] = order

    def insert_order(self, order: Order) -> Awaitable[None]:
        return self._insert(order)

    def transition_order(
        self,
        client_order_id: str,
        state: OrderState,
        *,
        venue_order_id: str | None = None,
        reason: str | None = None,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[Order]:
        async def move() -> Order:
            order = self.orders[client_order_id].transition(
                state, NOW_MS, venue_order_id=venue_order_id, reason=reason
            )
            self.orders[client_order_id] = order
            return order

        return move()

    def apply_fill(
        self, fill: Fill, *, fee_currency_price: Decimal | None = None
    ) -> Awaitable[bool]:
        async def apply() -> bool:
            order = self.orders[fill.client_order_id]
            self.orders[fill.client_order_id] = order.with_fill(
                fill.amount, fill.cost, fill.fee, fill.fee_currency, NOW_MS
            )
            self.fill_list.append(fill)
            return True

        return apply()

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[int]:
        async def record() -> int:
            self.events.append((kind, client_order_id))
            return len(self.events)

        return record()

    async def get_order(self, client_order_id: str) -> Order | None:
        return self.orders.get(client_order_id)

    async def fills(
        self,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        since_ms: int | None = None,
    ) -> list[Fill]:
        return [f for f in self.fill_list if client_order_id in (None, f.client_order_id)]


class FakeFactory:
    """Instances over their own FakeAdapter (a bad secret makes their balance call refuse)."""

    def __init__(self, clock: FakeClock, shared: FakeAdapter) -> None:
        self._clock = clock
        self._shared = shared
        self.opened: list[dict[str, object]] = []

    @asynccontextmanager
    async def open(
        self, *, secret: str | None = None, timeout_s: float | None = None
    ) -> AsyncIterator[Instance]:
        self.opened.append({"secret": secret is not None, "timeout_s": timeout_s})
        registry = CollectorRegistry()
        metrics = VenueMetrics(registry)
        adapter = self._shared
        if secret is not None:
            adapter = FakeAdapter(self._clock)
            adapter.auth_fails = True
            metrics.record(VENUE, Endpoint.FETCH_BALANCES, "auth_failed", None)
        yield Instance(adapter, registry)


def context(
    *,
    options: RunOptions | None = None,
    extras: bool = True,
    deviations: Deviations | None = None,
) -> tuple[RunContext, FakeAdapter, FakeExtras, FakeJournal]:
    clock = FakeClock()
    adapter = FakeAdapter(clock)
    fake_extras = FakeExtras(clock)
    journal = FakeJournal()
    redactor = Redactor()
    calls = CallLog(clock, redactor.redact_text)
    recorded = RecordedAdapter(adapter, calls)
    recorded_extras = RecordedExtras(fake_extras, calls) if extras else None
    registry = CollectorRegistry()
    VenueMetrics(registry)
    desk = OrderDesk(
        adapter=recorded,
        journal=journal,
        run_id="t1",
        clock=clock,
        wall_ms=clock.time_ms,
        extras=recorded_extras,
    )
    opts = options or RunOptions(
        venue=VENUE,
        exchange="binance",
        symbol=SYMBOL,
        mode=Mode.LIVE,
        has_credentials=True,
        credential_source="vault",
        key_id="…abcd",
    )
    ctx = RunContext(
        options=opts,
        adapter=recorded,
        extras=recorded_extras,
        factory=FakeFactory(clock, adapter),
        journal=journal,
        desk=desk,
        calls=calls,
        clock=clock,
        wall_ms=clock.time_ms,
        deviations=deviations or Deviations(VENUE),
        registry=registry,
        limiter=WeightedRateLimiter.for_venue(VENUE, BINANCE, clock=clock),
        quirks=BINANCE,
        timing=Timing(
            visibility_s=0.3, poll_s=0.1, public_samples=5, private_samples=4, burst_calls=3
        ),
        secrets=("key-abcd", "secret-value"),
        canary="canary-123456",
    )
    return ctx, adapter, fake_extras, journal
