"""The trading core as a component: executor, reconcilers and portfolio over the running venues."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import structlog

from lyrad.domain.errors import OrderRejected, VenueError
from lyrad.domain.orders import Order
from lyrad.domain.values import Balance, Market, OrderIntent, Position
from lyrad.domain.venue import Ticker
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.journal.codec import Details
from lyrad.journal.journal import Journal
from lyrad.runtime.component import ReadyCallback
from lyrad.runtime.slot import Slot
from lyrad.strategies.base import SubmitResult
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.ids import ClientOrderIds
from lyrad.trading.killswitch import restore_state
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.reconciler import Reconciler, reconcile_safely
from lyrad.trading.risk.gate import RiskGate
from lyrad.trading.risk.runtime import RiskFeed, RiskRuntime
from lyrad.trading.risk.view import PortfolioRiskView

log = structlog.get_logger("lyrad.executor", component="executor")

MARK_INTERVAL_S = 2.0  # one ticker per traded symbol: Binance weight 2-4 each


@dataclass(frozen=True, slots=True)
class VenueTrading:
    """Per-venue settings the trading core needs."""

    symbols: tuple[str, ...]
    reconcile_interval_s: float
    unknown_grace_ms: int
    balance_tolerance: Decimal
    send_timeout_s: float


@dataclass(frozen=True, slots=True)
class TradingCore:
    executor: OrderExecutor
    portfolio: Portfolio
    adapters: Mapping[str, ExchangeAdapter]
    gate: RiskGate


class JournalKv:
    """The journal's key-value store through its slot (for parts built before it opens)."""

    def __init__(self, slot: Slot[Journal]) -> None:
        self._slot = slot

    async def get_kv(self, key: str) -> str | None:
        return await self._slot.get().get_kv(key)

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]:
        return self._slot.get().set_kv(key, value, event_kind=event_kind, details=details)


class TradingHandle:
    """What strategies and the control API hold: forwards to the running core."""

    def __init__(self, slot: Slot[TradingCore]) -> None:
        self._slot = slot

    @property
    def core(self) -> TradingCore:
        return self._slot.get()

    # OrderGateway
    def new_intent_id(self, source: str) -> str:
        return self.core.executor.new_intent_id(source)

    async def submit(self, intent: OrderIntent) -> SubmitResult:
        return await self.core.executor.submit(intent)

    async def settled(self, client_order_id: str) -> None:
        """Until the venue's answer to the order (its fills too) is journaled."""
        await self.core.executor.settled(client_order_id)

    async def cancel(self, client_order_id: str) -> None:
        await self.core.executor.cancel(client_order_id)

    def live_orders(self, venue: str, symbol: str) -> list[Order]:
        return self.core.executor.live_orders(venue, symbol)

    # PortfolioView
    def position(self, venue: str, symbol: str) -> Position:
        return self.core.portfolio.position(venue, symbol)

    def balance(self, venue: str, asset: str) -> Balance | None:
        return self.core.portfolio.balance(venue, asset)

    # MarketView
    async def ticker(self, venue: str, symbol: str) -> Ticker:
        core = self.core
        ticker = await core.adapters[venue].fetch_ticker(symbol)
        if ticker.bid is not None and ticker.ask is not None:
            core.portfolio.mark(venue, symbol, (ticker.bid + ticker.ask) / 2, ticker.timestamp_ms)
        return ticker

    def market(self, venue: str, symbol: str) -> Market:
        return self.core.adapters[venue].market(symbol)


class ExecutionService:
    """Component: reconciles at start, then serves intents; reconciles on a timer and on doubt."""

    def __init__(
        self,
        *,
        journal: Slot[Journal],
        adapters: Mapping[str, ExchangeAdapter],
        venues: Mapping[str, VenueTrading],
        instance_id: str,
        risk: RiskRuntime,
        metrics: TradingMetrics,
        clock_ms: Callable[[], int],
        core_slot: Slot[TradingCore],
        drain_timeout_s: float,
    ) -> None:
        self._journal_slot = journal
        self._adapters = adapters
        self._venues = venues
        self._instance_id = instance_id
        self._risk = risk
        self._metrics = metrics
        self._clock_ms = clock_ms
        self._core_slot = core_slot
        self._drain_timeout_s = drain_timeout_s
        self._doubt = asyncio.Event()
        self._reconcilers: dict[str, tuple[VenueTrading, Reconciler]] = {}
        self._drift: dict[str, str] = {}

    def _build(self, journal: Journal) -> tuple[OrderExecutor, Portfolio, RiskGate]:
        adapters = self._adapters  # live: venues come and go as their components restart
        portfolio = Portfolio(journal, tuple(self._venues), self._metrics)

        def market_of(venue: str, symbol: str) -> Market | None:
            adapter = adapters.get(venue)
            try:
                return adapter.market(symbol) if adapter else None
            except (KeyError, OrderRejected):
                return None

        risk = self._risk
        venues = tuple(self._venues)
        gate = RiskGate(
            limits=risk.config.limits,
            view=PortfolioRiskView(
                portfolio, venues, market_of, lambda v, s: len(executor.live_orders(v, s))
            ),
            trading=risk.board,
            rates=risk.tracker,
            caps=risk.rollout,
        )
        executor = OrderExecutor(
            journal=journal,
            venues=tuple(self._venues),
            adapters=adapters,
            gate=gate,
            ids=ClientOrderIds(self._instance_id, journal),
            halt=risk.board.halt,
            metrics=self._metrics,
            clock_ms=self._clock_ms,
            send_timeout_s=max(v.send_timeout_s for v in self._venues.values()),
            on_ambiguous=lambda venue: self._doubt.set(),
            on_approved=lambda intent: risk.tracker.record(),
        )
        return executor, portfolio, gate

    def _reconciler(self, name: str, journal: Journal, executor: OrderExecutor) -> Reconciler:
        """The venue's reconciler, rebuilt when a reload changed the venue's settings."""
        settings = self._venues[name]
        cached = self._reconcilers.get(name)
        if cached is not None and cached[0] == settings:
            return cached[1]
        reconciler = Reconciler(
            venue=name,
            symbols=settings.symbols,
            journal=journal,
            adapters=self._adapters,
            executor=executor,
            metrics=self._metrics,
            clock_ms=self._clock_ms,
            unknown_grace_ms=settings.unknown_grace_ms,
            balance_tolerance=settings.balance_tolerance,
            on_drift=lambda why: self._note_drift(name, why),
        )
        self._reconcilers[name] = (settings, reconciler)
        return reconciler

    def _symbols_to_mark(
        self, name: str, adapter: ExchangeAdapter, portfolio: Portfolio
    ) -> list[str]:
        """Traded symbols, plus every held asset against the risk currency: equity needs them."""
        symbols = list(self._venues[name].symbols)
        currency = self._risk.config.breakers.currency
        for asset, balance in portfolio.balances(name).items():
            symbol = f"{asset}/{currency}"
            if asset == currency or balance.total == 0 or symbol in symbols:
                continue
            try:
                adapter.market(symbol)
            except (KeyError, OrderRejected):
                continue  # no such market: that asset stays unvalued
            symbols.append(symbol)
        return symbols

    async def _mark_prices(self, portfolio: Portfolio) -> None:
        for name in list(self._venues):
            adapter = self._adapters.get(name)
            if adapter is None:
                continue
            for symbol in self._symbols_to_mark(name, adapter, portfolio):
                try:
                    ticker = await adapter.fetch_ticker(symbol)
                except VenueError as e:
                    log.debug("mark_failed", venue=name, symbol=symbol, error=str(e))
                    continue
                if ticker.bid is not None and ticker.ask is not None:
                    mid = (ticker.bid + ticker.ask) / 2
                    portfolio.mark(name, symbol, mid, ticker.timestamp_ms)

    def _note_drift(self, venue: str, why: str) -> None:
        log.error("reconcile_drift", venue=venue, reason=why)
        self._drift[venue] = why

    async def _reconcile(self, name: str, journal: Journal, executor: OrderExecutor) -> None:
        reconciler = self._reconciler(name, journal, executor)
        if await reconcile_safely(reconciler, name):
            self._risk.board.record_reconciliation(name, self._drift.pop(name, None))

    async def run(self, ready: ReadyCallback) -> None:
        journal = self._journal_slot.get()
        executor, portfolio, gate = self._build(journal)
        feed = RiskFeed(self._risk, journal, tuple(self._venues))
        self._reconcilers.clear()
        async with asyncio.TaskGroup() as tg:
            executor.bind(tg)
            await executor.load()
            await restore_state(journal, self._risk.board)
            reconciled: dict[str, int] = {}
            for name in list(self._venues):
                # At start nothing is sent before the journal agrees with every venue that is up.
                adapter = self._adapters.get(name)
                if adapter is not None:
                    await self._reconciler(name, journal, executor).run_once()
                    reconciled[name] = id(adapter)
            await self._mark_prices(portfolio)
            await portfolio.refresh()
            await feed.start(portfolio)
            self._core_slot.set(TradingCore(executor, portfolio, self._adapters, gate))
            ready()
            try:
                await self._serve(journal, executor, portfolio, feed, reconciled)
            finally:
                self._core_slot.clear()
                await executor.drain(self._drain_timeout_s)

    async def _serve(
        self,
        journal: Journal,
        executor: OrderExecutor,
        portfolio: Portfolio,
        feed: RiskFeed,
        reconciled: dict[str, int],
    ) -> None:
        loop = asyncio.get_running_loop()
        next_pass = loop.time()
        next_marks = loop.time() + MARK_INTERVAL_S
        while True:
            # Venue settings are live: a reload changes intervals without a restart.
            interval = min((v.reconcile_interval_s for v in self._venues.values()), default=10.0)
            next_pass = min(next_pass, loop.time() + interval)
            timeout = max(0.0, min(1.0, next_pass - loop.time()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._doubt.wait(), timeout)
            everyone = self._doubt.is_set() or loop.time() >= next_pass
            self._doubt.clear()
            for name in list(self._venues):
                adapter = self._adapters.get(name)
                # A venue that (re)connected since its last pass is reconciled at once.
                reconnected = adapter is not None and reconciled.get(name) != id(adapter)
                if adapter is not None and (everyone or reconnected):
                    await self._reconcile(name, journal, executor)
                    reconciled[name] = id(adapter)
            if everyone:
                next_pass = loop.time() + interval
            if loop.time() >= next_marks:
                # Reference prices for the risk gate, equity and the stale-data breaker.
                await self._mark_prices(portfolio)
                next_marks = loop.time() + MARK_INTERVAL_S
            await portfolio.refresh()
            await feed.observe(portfolio, self._clock_ms(), loop.time())
