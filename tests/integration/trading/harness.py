"""An executor and a reconciler over a real journal file and a FakeVenue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from prometheus_client import CollectorRegistry

from lyrad.domain.values import Market, OrderIntent, OrderType, Side
from lyrad.journal.journal import Journal
from lyrad.strategies.base import SubmitResult
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.gate import BasicGate
from lyrad.trading.ids import ClientOrderIds
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.reconciler import Reconciler
from lyrad.trading.state import TradingState, TradingStateHolder
from tests.integration.trading.fake_venue import SYMBOL, VENUE, FakeVenue

D = Decimal


@dataclass
class Rig:
    journal: Journal
    venue: FakeVenue
    executor: OrderExecutor
    reconciler: Reconciler
    portfolio: Portfolio
    trading: TradingStateHolder
    registry: CollectorRegistry
    ambiguous: list[str]

    def intent(
        self, side: Side = Side.BUY, price: str = "49000", amount: str = "0.002"
    ) -> OrderIntent:
        return OrderIntent(
            intent_id=self.executor.new_intent_id("test"),
            venue=VENUE,
            symbol=SYMBOL,
            side=side,
            type=OrderType.LIMIT,
            amount=D(amount),
            price=D(price),
            source="test",
        )

    async def submit(self, intent: OrderIntent) -> SubmitResult:
        """Submit and wait until the venue's answer is journaled, as the control API does."""
        result = await self.executor.submit(intent)
        if result.client_order_id is not None:
            await self.executor.settled(result.client_order_id)
        return result

    def metric(self, name: str, labels: dict[str, str] | None = None) -> float:
        return self.registry.get_sample_value(name, labels or {}) or 0.0


@asynccontextmanager
async def rig(
    path: Path, venue: FakeVenue | None = None, grace_ms: int = 0, max_pages: int | None = None
) -> AsyncIterator[Rig]:
    fake = venue or FakeVenue()
    registry = CollectorRegistry()
    metrics = TradingMetrics(registry)
    trading = TradingStateHolder()
    ambiguous: list[str] = []
    async with Journal.open(
        path, synchronous="NORMAL", clock=lambda: fake.now_ms, max_pages=max_pages
    ) as journal:
        portfolio = Portfolio(journal, (VENUE,), metrics)

        def market_of(v: str, s: str) -> Market | None:
            try:
                return fake.market(s) if v == VENUE else None
            except KeyError:
                return None

        executor = OrderExecutor(
            journal=journal,
            venues=(VENUE,),
            adapters={VENUE: fake},
            gate=BasicGate(trading, market_of, lambda v, s: portfolio.position(v, s).quantity),
            ids=ClientOrderIds("t1", journal, block=4),
            halt=lambda reason: trading.set(TradingState.HALTED, reason),
            metrics=metrics,
            clock_ms=lambda: fake.now_ms,
            send_timeout_s=5,
            on_ambiguous=ambiguous.append,
        )
        reconciler = Reconciler(
            venue=VENUE,
            symbols=(SYMBOL,),
            journal=journal,
            adapters={VENUE: fake},
            executor=executor,
            metrics=metrics,
            clock_ms=lambda: fake.now_ms,
            unknown_grace_ms=grace_ms,
            balance_tolerance=D(0),
            on_drift=lambda why: None,
        )
        async with asyncio.TaskGroup() as tg:
            executor.bind(tg)
            await executor.load()
            yield Rig(journal, fake, executor, reconciler, portfolio, trading, registry, ambiguous)
            await executor.drain(5)
