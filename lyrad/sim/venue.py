"""The venue: one engine, its market data, clocks, faults and limits, and the loop that drives them.

Two clocks: sim time (`now_ms`, accelerated by `speed`) stamps market data and orders; the
gateway clock (`server_ms`: real time plus the scenario's clock skew) is what `/time` reports
and what signed requests' timestamps and the rate-limit windows are checked against, so a
client synchronised to the server's time is accepted at any speed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from lyrad.sim.binance.ratelimit import RateLimiter
from lyrad.sim.clock import AcceleratedClock
from lyrad.sim.engine import (
    AccountSpec,
    BookSnapshot,
    Engine,
    LiquidityProfile,
    OrderSnapshot,
    OrderStatus,
    OrderType,
    Side,
    SymbolSpec,
)
from lyrad.sim.faults import NO_MODES, FaultInjector, StormCounter, VenueModes
from lyrad.sim.marketdata import Kline, PublicTrade, Shock, Ticker24h
from lyrad.sim.scenarios import LiquiditySpec, Scenario, SymbolMarket, build_source

log = logging.getLogger(__name__)

MAX_PRICE = Decimal(1_000_000)
MAX_QTY = Decimal(9000)
MAX_NOTIONAL = Decimal(9_000_000)
REQUEST_LOG_SIZE = 10_000
FROZEN_DEPTH = 5000
# A resting order is filled by moving the reference price this far through it.
FILL_THROUGH = Decimal("0.01")


def wall_clock_ms() -> int:
    """Real time in epoch milliseconds (the gateway clock before skew)."""
    return time.time_ns() // 1_000_000


def symbol_spec(market: SymbolMarket) -> SymbolSpec:
    """The engine's filters for one scenario symbol, shaped like Binance's BTCUSDT."""
    start = market.path.start_price
    max_qty = max(MAX_QTY, (MAX_NOTIONAL / start).quantize(market.step_size, "ROUND_DOWN"))
    return SymbolSpec(
        symbol=market.symbol,
        base=market.base,
        quote=market.quote,
        tick_size=market.tick_size,
        min_price=market.tick_size,
        max_price=max(MAX_PRICE, (start * 10).quantize(market.tick_size)),
        step_size=market.step_size,
        min_qty=market.step_size,
        max_qty=max_qty,
        market_step_size=Decimal(0),
        market_min_qty=Decimal(0),
        market_max_qty=max_qty,
        min_notional=market.min_notional,
        max_notional=MAX_NOTIONAL,
    )


class MarketData(Protocol):
    """The market-data source as the venue uses it (the shipped sources' full signatures)."""

    def price_at(self, symbol: str, t_ms: int) -> Decimal: ...

    def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_ms: int | None,
        end_ms: int,
        limit: int,
        now_ms: int | None = None,
    ) -> list[Kline]: ...

    def trades(
        self,
        symbol: str,
        *,
        end_ms: int,
        limit: int,
        from_id: int | None = None,
        start_ms: int | None = None,
    ) -> list[PublicTrade]: ...

    def ticker_24h(self, symbol: str, now_ms: int) -> Ticker24h: ...


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the venue saw it (the admin API's request log)."""

    seq: int
    time_ms: int  # gateway time
    sim_time_ms: int
    method: str
    path: str
    status: int  # HTTP status answered; 0 when no answer was sent
    outcome: str  # "answered", "fault_error", "dropped", "lost_response"


class RequestLog:
    """A bounded ring buffer of the latest requests."""

    def __init__(self, size: int = REQUEST_LOG_SIZE) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=size)
        self._seq = 0

    def append(
        self, time_ms: int, sim_time_ms: int, method: str, path: str, status: int, outcome: str
    ) -> None:
        self._seq += 1
        self._records.append(
            RequestRecord(self._seq, time_ms, sim_time_ms, method, path, status, outcome)
        )

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(tuple(self._records))

    def __len__(self) -> int:
        return len(self._records)


def first_id_after_earlier_runs(wall_ms: int) -> int:
    """A first order and trade id above any an earlier run can have handed out.

    A real venue never gives an id twice, and a journal that outlives a sim run holds the ids
    of every run before: counting from the wall clock in ms × 1000 keeps them apart unless a
    run hands out more than a million ids per second.
    """
    return wall_ms * 1000


class Venue:
    """Everything a dialect serves; engine calls are synchronous and made on the event loop."""

    def __init__(
        self,
        *,
        scenario: Scenario,
        accounts: Sequence[AccountSpec],
        seed: int = 0,
        speed: float = 1.0,
        wall_ms: Callable[[], int] = wall_clock_ms,
        monotonic: Callable[[], float] = time.monotonic,
        tick_s: float = 0.05,
        first_id: int = 1,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.tick_s = tick_s
        self._wall_ms = wall_ms
        self.started_ms = wall_ms() + scenario.clock_skew_ms
        self.clock = AcceleratedClock(self.started_ms, speed, monotonic)
        self.specs: tuple[SymbolSpec, ...] = tuple(symbol_spec(m) for m in scenario.symbols)
        self._liquidity = _profile(scenario.liquidity)
        self.engine = Engine(self.specs, accounts, self._liquidity, seed, first_id=first_id)
        self.accounts: tuple[AccountSpec, ...] = tuple(accounts)
        self.source: MarketData = build_source(scenario, seed, start_ms=self.started_ms)
        self.faults = FaultInjector(scenario.faults, seed)
        self.limiter = RateLimiter(scenario.rate_limit, self.server_ms)
        self.request_log = RequestLog()
        self._liquidity_override: LiquidityProfile | None = None
        self.modes = NO_MODES
        self.storm = StormCounter(None)
        self._frozen: dict[str, BookSnapshot] = {}
        self.sync()

    # ---- time -----------------------------------------------------------------------------

    def now_ms(self) -> int:
        """Sim time."""
        return self.clock.now_ms()

    def server_ms(self) -> int:
        """Gateway time: real time plus the scenario's clock skew (and the modes')."""
        return self._wall_ms() + self.scenario.clock_skew_ms + self.modes.clock_skew_ms

    def elapsed_s(self) -> float:
        """Sim seconds since the scenario started."""
        return (self.clock.now_ms() - self.started_ms) / 1000

    # ---- driving the engine -----------------------------------------------------------------

    def sync(self) -> int:
        """Bring the engine up to the current sim time; returns that time."""
        now = self.clock.now_ms()
        self._apply_liquidity(now)
        for spec in self.specs:
            # Cheap when nothing changed; otherwise the house quotes move (or are restored
            # after a taker ate them) and crossed resting orders fill.
            self.engine.set_reference_price(
                spec.symbol, self.source.price_at(spec.symbol, now), now
            )
        return now

    async def run(self) -> None:
        """Tick sim time until cancelled; the path simply continues past the scenario's end."""
        while True:
            self.sync()
            await asyncio.sleep(self.tick_s)

    def shock(self, symbol: str, shock: Shock) -> None:
        """Lay a scripted move (`at_s` from the scenario start) over `symbol`'s path from now on.

        The market data is rebuilt from the same seed with the extra shock, so prices, trades,
        candles and tickers all show it; the path before the shock is unchanged.
        """
        market = self.scenario.market(symbol)
        path = dataclasses.replace(market.path, shocks=(*market.path.shocks, shock))
        symbols = tuple(
            dataclasses.replace(m, path=path) if m.symbol == symbol else m
            for m in self.scenario.symbols
        )
        self.scenario = dataclasses.replace(self.scenario, symbols=symbols)
        self.source = build_source(self.scenario, self.seed, start_ms=self.started_ms)
        self.sync()

    def set_liquidity(self, profile: LiquidityProfile | None) -> None:
        """Override the synthetic book's shape (None: back to the scenario's, windows included)."""
        self._liquidity_override = profile
        self.sync()

    @property
    def liquidity(self) -> LiquidityProfile:
        """The synthetic book's current shape."""
        return self._liquidity

    def _apply_liquidity(self, now_ms: int) -> None:
        wanted = self._liquidity_override or self._scenario_liquidity()
        if wanted != self._liquidity:
            self.engine.set_liquidity(wanted, now_ms)
            self._liquidity = wanted

    def _scenario_liquidity(self) -> LiquidityProfile:
        return _profile(self.scenario.liquidity_at(self.elapsed_s()))

    # ---- modes: the venue misbehaving on purpose -------------------------------------------

    def set_modes(self, modes: VenueModes) -> None:
        """Switch the venue's modes; a stale feed freezes the books as they are now."""
        self.sync()
        self.modes = modes
        self.storm = StormCounter(modes.rate_limit_storm)
        self._frozen = (
            {spec.symbol: self.engine.book(spec.symbol, FROZEN_DEPTH) for spec in self.specs}
            if modes.stale_market_data_s > 0
            else {}
        )

    def served_book(self, symbol: str, limit: int) -> BookSnapshot:
        """The book the market-data endpoints show: live, frozen (stale) or crossed."""
        frozen = self._frozen.get(symbol)
        book = self.engine.book(symbol, limit) if frozen is None else _cut(frozen, limit)
        if self.modes.crossed_book:
            book = _crossed(book, self.engine.symbols[symbol].tick_size)
        return book

    def market_data_ms(self, now_ms: int) -> int:
        """The time tickers are computed at: now, or the stale feed's lag behind it."""
        return now_ms - round(self.modes.stale_market_data_s * 1000)

    def order_placed(self, order: OrderSnapshot, now_ms: int) -> None:
        """With fill_far_orders on, a resting limit order is filled by a price spike at once."""
        resting = order.status is OrderStatus.NEW and order.type is not OrderType.MARKET
        if not (self.modes.fill_far_orders and resting):
            return
        factor = 1 - FILL_THROUGH if order.side is Side.BUY else 1 + FILL_THROUGH
        # The house quotes move through the order and fill it; the next sync moves them back.
        self.engine.set_reference_price(order.symbol, order.price * factor, now_ms)


def _cut(book: BookSnapshot, limit: int) -> BookSnapshot:
    return BookSnapshot(book.last_update_id, book.bids[:limit], book.asks[:limit])


def _crossed(book: BookSnapshot, tick: Decimal) -> BookSnapshot:
    """Every bid raised so that the best bid is one tick above the best ask."""
    if not book.bids or not book.asks:
        return book
    shift = book.asks[0][0] - book.bids[0][0] + tick
    bids = tuple((price + shift, qty) for price, qty in book.bids)
    return BookSnapshot(book.last_update_id, bids, book.asks)


def _profile(spec: LiquiditySpec) -> LiquidityProfile:
    return LiquidityProfile(
        spread_bps=spec.spread_bps,
        levels=spec.levels,
        level_step_bps=spec.level_step_bps,
        level_qty_quote=spec.level_qty_quote,
        depth_growth=spec.depth_growth,
    )
