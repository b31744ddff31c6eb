"""The trading core as a component: executor, reconcilers and portfolio over the running venues."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import structlog

from lyrad.domain.errors import OrderRejected
from lyrad.domain.orders import Order
from lyrad.domain.values import Balance, Market, OrderIntent, Position
from lyrad.domain.venue import Ticker
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.journal.journal import Journal
from lyrad.runtime.component import ReadyCallback
from lyrad.runtime.slot import Slot
from lyrad.strategies.base import SubmitResult
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.gate import BasicGate
from lyrad.trading.ids import ClientOrderIds
from lyrad.trading.killswitch import restore_state
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.reconciler import Reconciler, reconcile_safely
from lyrad.trading.state import TradingStateHolder

log = structlog.get_logger("lyrad.executor", component="executor")


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
            core.portfolio.mark(venue, symbol, (ticker.bid + ticker.ask) / 2)
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
        trading: TradingStateHolder,
        metrics: TradingMetrics,
        clock_ms: Callable[[], int],
        core_slot: Slot[TradingCore],
        drain_timeout_s: float,
    ) -> None:
        self._journal_slot = journal
        self._adapters = adapters
        self._venues = venues
        self._instance_id = instance_id
        self._trading = trading
        self._metrics = metrics
        self._clock_ms = clock_ms
        self._core_slot = core_slot
        self._drain_timeout_s = drain_timeout_s
        self._doubt = asyncio.Event()
        self._reconcilers: dict[str, tuple[VenueTrading, Reconciler]] = {}

    def _build(self, journal: Journal) -> tuple[OrderExecutor, Portfolio]:
        adapters = self._adapters  # live: venues come and go as their components restart
        portfolio = Portfolio(journal, tuple(self._venues), self._metrics)

        def market_of(venue: str, symbol: str) -> Market | None:
            adapter = adapters.get(venue)
            try:
                return adapter.market(symbol) if adapter else None
            except (KeyError, OrderRejected):
                return None

        gate = BasicGate(self._trading, market_of, lambda v, s: portfolio.position(v, s).quantity)
        executor = OrderExecutor(
            journal=journal,
            venues=tuple(self._venues),
            adapters=adapters,
            gate=gate,
            ids=ClientOrderIds(self._instance_id, journal),
            trading=self._trading,
            metrics=self._metrics,
            clock_ms=self._clock_ms,
            send_timeout_s=max(v.send_timeout_s for v in self._venues.values()),
            on_ambiguous=lambda venue: self._doubt.set(),
        )
        return executor, portfolio

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
            on_drift=lambda why: log.error("reconcile_drift", reason=why),
        )
        self._reconcilers[name] = (settings, reconciler)
        return reconciler

    async def run(self, ready: ReadyCallback) -> None:
        journal = self._journal_slot.get()
        executor, portfolio = self._build(journal)
        self._reconcilers.clear()
        async with asyncio.TaskGroup() as tg:
            executor.bind(tg)
            await executor.load()
            await restore_state(journal, self._trading)
            reconciled: dict[str, int] = {}
            for name in list(self._venues):
                # At start nothing is sent before the journal agrees with every venue that is up.
                adapter = self._adapters.get(name)
                if adapter is not None:
                    await self._reconciler(name, journal, executor).run_once()
                    reconciled[name] = id(adapter)
            await portfolio.refresh()
            self._core_slot.set(TradingCore(executor, portfolio, self._adapters))
            ready()
            try:
                await self._serve(journal, executor, portfolio, reconciled)
            finally:
                self._core_slot.clear()
                await executor.drain(self._drain_timeout_s)

    async def _serve(
        self,
        journal: Journal,
        executor: OrderExecutor,
        portfolio: Portfolio,
        reconciled: dict[str, int],
    ) -> None:
        loop = asyncio.get_running_loop()
        next_pass = loop.time()
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
                    await reconcile_safely(self._reconciler(name, journal, executor), name)
                    reconciled[name] = id(adapter)
            if everyone:
                next_pass = loop.time() + interval
            await portfolio.refresh()
