"""In-memory stand-ins for the stop manager's collaborators, each a Protocol of the daemon."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from decimal import Decimal

from lyrad.domain.errors import JournalWriteFailed, VenueError
from lyrad.domain.orders import Order
from lyrad.domain.values import Balance, Market, OrderIntent, Position
from lyrad.domain.venue import Candle, Ticker
from lyrad.journal.codec import Details
from lyrad.strategies.base import SubmitResult
from lyrad.trading.stops import StopManager, StopsConfig
from lyrad.trading.stops.native import NativeStops
from lyrad.trading.stops.records import StopRecord

D = Decimal
VENUE = "v"
SYMBOL = "BTC/USDT"
MARKET = Market(
    venue=VENUE,
    symbol=SYMBOL,
    venue_symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    price_tick=D("0.01"),
    amount_step=D("0.001"),
    min_amount=D("0.001"),
)


def done() -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


class FakeStore:
    """Key-value plus event log; `log` interleaves writes with the gateway's sends."""

    def __init__(self, log: list[str] | None = None) -> None:
        self.kv: dict[str, str] = {}
        self.events: list[tuple[str, dict[str, object]]] = []
        self.log = log if log is not None else []
        self.kv_writes = 0
        self.fail_writes = False

    async def get_kv(self, key: str) -> str | None:
        return self.kv.get(key)

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]:
        if self.fail_writes:
            raise JournalWriteFailed("disk full")
        self.kv[key] = value
        self.kv_writes += 1
        self.log.append("write")
        return done()

    def record_event(
        self,
        kind: str,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[int]:
        self.events.append((kind, dict(details or {})))
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        future.set_result(len(self.events))
        return future

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]


class FakeGateway:
    """Records intents; answers from `answers` (accepted by default)."""

    def __init__(self, log: list[str] | None = None) -> None:
        self.intents: list[OrderIntent] = []
        self.answers: list[SubmitResult] = []
        self.log = log if log is not None else []
        self.store_at_submit: list[str | None] = []
        self.store: FakeStore | None = None
        self._seq = 0

    def new_intent_id(self, source: str) -> str:
        self._seq += 1
        return f"{source}-{self._seq}"

    async def submit(self, intent: OrderIntent) -> SubmitResult:
        self.intents.append(intent)
        self.log.append("submit")
        if self.store is not None:
            self.store_at_submit.append(self.store.kv.get("stops"))
        if self.answers:
            return self.answers.pop(0)
        return SubmitResult(True, f"cid-{len(self.intents)}")

    async def cancel(self, client_order_id: str) -> None:
        return None

    def live_orders(self, venue: str, symbol: str) -> list[Order]:
        return []


class FakeMarket:
    """Quotes set by the test; `down` makes the venue unreachable."""

    def __init__(self) -> None:
        self.quotes: dict[str, tuple[Decimal | None, Decimal | None]] = {SYMBOL: (D(100), D(101))}
        self.down = False
        self.asked = 0

    def quote(self, bid: str | None, ask: str | None, symbol: str = SYMBOL) -> None:
        self.quotes[symbol] = (None if bid is None else D(bid), None if ask is None else D(ask))

    async def ticker(self, venue: str, symbol: str) -> Ticker:
        self.asked += 1
        if self.down:
            raise VenueError(venue, "connection refused")
        bid, ask = self.quotes[symbol]
        return Ticker(venue, symbol, bid, ask, None, 0)

    def market(self, venue: str, symbol: str) -> Market:
        if symbol not in self.quotes:
            raise KeyError(symbol)
        return MARKET


class FakePortfolio:
    def __init__(self, quantity: str = "2") -> None:
        self.quantities: dict[str, Decimal] = {SYMBOL: D(quantity)}
        self.free_base: Decimal | None = None

    def position(self, venue: str, symbol: str) -> Position:
        return Position(venue, symbol, self.quantities.get(symbol, D(0)))

    def balance(self, venue: str, asset: str) -> Balance | None:
        if asset == "BTC" and self.free_base is not None:
            return Balance(venue, asset, self.free_base, D(0))
        return None


class FakeClock:
    """Time moves only when a test (or the manager's sleep) moves it."""

    def __init__(self, now_ms: int = 1_000_000) -> None:
        self.now_ms = now_ms
        self.sleeps: list[float] = []

    def time_ms(self) -> int:
        return self.now_ms

    def advance(self, seconds: float) -> None:
        self.now_ms += round(seconds * 1000)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


class FakeCandles:
    """Serves `series` (the newest last, as a venue does); `fail` makes the venue refuse."""

    def __init__(self) -> None:
        self.series: list[Candle] = []
        self.calls: list[tuple[str, str, str, int]] = []
        self.fail = False

    async def candles(self, venue: str, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        self.calls.append((venue, symbol, timeframe, limit))
        if self.fail:
            raise VenueError(venue, "klines unavailable")
        return list(self.series[-limit:])


@dataclass
class Rig:
    """A manager over fakes, plus the fakes to steer it."""

    store: FakeStore
    gateway: FakeGateway
    market: FakeMarket
    portfolio: FakePortfolio
    clock: FakeClock
    candles: FakeCandles
    log: list[str] = field(default_factory=list)
    config: StopsConfig = field(default_factory=StopsConfig)
    ids: list[str] = field(default_factory=list)

    def new_id(self) -> str:
        stop_id = f"s{len(self.ids) + 1}"
        self.ids.append(stop_id)
        return stop_id

    def manager(self, *, native: NativeStops | None = None) -> StopManager:
        return StopManager(
            config=self.config,
            store=self.store,
            gateway=self.gateway,
            market_view=self.market,
            portfolio=self.portfolio,
            clock=self.clock,
            venues={VENUE: (SYMBOL, "ETH/USDT")},
            candles=self.candles,
            native=native,
            new_id=self.new_id,
        )


def new_rig(quantity: str = "2", **config: object) -> Rig:
    log: list[str] = []
    store = FakeStore(log)
    gateway = FakeGateway(log)
    gateway.store = store
    candles = FakeCandles()
    return Rig(
        store=store,
        gateway=gateway,
        market=FakeMarket(),
        portfolio=FakePortfolio(quantity),
        clock=FakeClock(),
        candles=candles,
        log=log,
        config=StopsConfig.model_validate(config),
    )


def statuses(records: list[StopRecord]) -> dict[str, str]:
    return {r.stop_id: r.status.value for r in records}
