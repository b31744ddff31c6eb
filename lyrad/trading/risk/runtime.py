"""The risk parts that outlive a trading core: breakers, rate tracker, rollout, current limits.

The trading core feeds them every second (`RiskFeed`): market data age, equity, closed-trade
PnL, reconciliation results; and persists what must survive a restart.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

import structlog
from prometheus_client import CollectorRegistry, Gauge

from lyrad.analytics import historical_var, simple_returns
from lyrad.domain.values import ZERO
from lyrad.journal.protocol import OrderJournal
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.config import RiskConfig
from lyrad.trading.risk.metrics import BreakerMetrics, RolloutMetrics
from lyrad.trading.risk.rates import OrderRateTracker
from lyrad.trading.risk.rollout import CapitalRollout, RolloutStore
from lyrad.trading.risk.view import RiskClock
from lyrad.trading.state import TradingStateHolder

log = structlog.get_logger("lyrad.risk", component="risk")

KV_BREAKERS = "risk.breakers"
EQUITY_SAMPLE_EVERY_S = 60.0


class VarMetrics:
    """`lyrad_var_ratio{confidence}`: one-minute historical VaR of equity, as a fraction."""

    CONFIDENCES = (0.95, 0.99)

    def __init__(self, registry: CollectorRegistry, window: int = 1440) -> None:
        self._gauge = Gauge(
            "lyrad_var_ratio",
            "Historical value at risk of one equity sample period, as a fraction of equity",
            ["confidence"],
            registry=registry,
        )
        self._samples: deque[Decimal] = deque(maxlen=window + 1)

    def add(self, equity: Decimal) -> None:
        if equity <= ZERO:
            return
        self._samples.append(equity)
        if len(self._samples) < 3:
            return
        returns = simple_returns(list(self._samples))
        for confidence in self.CONFIDENCES:
            var = historical_var(returns, confidence)
            if var is not None:
                self._gauge.labels(f"{confidence:.2f}").set(var)


@dataclass
class RiskRuntime:
    config: RiskConfig
    board: BreakerBoard
    tracker: OrderRateTracker
    rollout: CapitalRollout
    var: VarMetrics

    @classmethod
    def build(
        cls,
        config: RiskConfig,
        *,
        clock: RiskClock,
        trading: TradingStateHolder,
        registry: CollectorRegistry,
        store: RolloutStore,
    ) -> RiskRuntime:
        rollout = CapitalRollout(config.rollout, store, clock, RolloutMetrics(registry))
        board = BreakerBoard(
            config.breakers,
            clock=clock,
            trading=trading,
            metrics=BreakerMetrics(registry),
            on_change=rollout.on_breaker_change,
        )
        return cls(config, board, OrderRateTracker(clock), rollout, VarMetrics(registry))

    def update_config(self, config: RiskConfig) -> None:
        """A reload: new limits for the next intent; trips, peaks and counters are kept."""
        self.config = config
        self.board.update_config(config.breakers)
        self.rollout.update_config(config.rollout)


@dataclass
class RiskFeed:
    """Per trading core: what the breakers and the rollout learn from the running portfolio."""

    risk: RiskRuntime
    journal: OrderJournal
    venues: tuple[str, ...]
    realized: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    saved_snapshot: str = ""
    last_equity_sample: float = 0.0

    async def start(self, portfolio: Portfolio) -> None:
        saved = await self.journal.get_kv(KV_BREAKERS)
        if saved is not None:
            self.risk.board.restore(saved)
            self.saved_snapshot = saved
        await self.risk.rollout.load()
        self.realized = {(p.venue, p.symbol): p.realized_pnl for p in portfolio.positions()}
        orders_today = await self._orders_since_utc_midnight()
        self.risk.tracker.seed(orders_today)

    async def _orders_since_utc_midnight(self) -> int:
        midnight_ms = (time.time_ns() // 1_000_000) // 86_400_000 * 86_400_000
        count = 0
        for venue in self.venues:
            count += sum(
                1 for o in await self.journal.orders(venue=venue) if o.created_ms >= midnight_ms
            )
        return count

    async def observe(self, portfolio: Portfolio, now_ms: int, monotonic: float) -> None:
        board = self.risk.board
        for venue in self.venues:
            for symbol, age_ms in portfolio.mark_ages(venue, now_ms).items():
                board.record_market_data_age(venue, symbol, age_ms / 1000)
        for pnl in self._closed_trades(portfolio):
            await self.journal.record_event("trade_closed", details={"pnl": str(pnl)})
        currency = self.risk.config.breakers.currency
        equity = self._equity(portfolio, currency)
        if equity is not None:
            board.record_equity(equity)
            if monotonic - self.last_equity_sample >= EQUITY_SAMPLE_EVERY_S:
                self.last_equity_sample = monotonic
                self.risk.var.add(equity)
                await self.journal.record_event(
                    "equity_sample", details={"currency": currency, "equity": str(equity)}
                )
        board.tick()
        await self._persist()

    def _closed_trades(self, portfolio: Portfolio) -> list[Decimal]:
        """Realized PnL that appeared since the last look, one entry per position."""
        closed = []
        for position in portfolio.positions():
            key = (position.venue, position.symbol)
            before = self.realized.get(key, ZERO)
            if position.realized_pnl != before:
                pnl = position.realized_pnl - before
                self.risk.board.record_trade(pnl)
                self.risk.rollout.record_trade(pnl)
                closed.append(pnl)
            self.realized[key] = position.realized_pnl
        return closed

    def _equity(self, portfolio: Portfolio, currency: str) -> Decimal | None:
        """Equity in `currency`, or None while any held asset has no mark (a false drawdown)."""
        total = ZERO
        for venue in self.venues:
            for asset, balance in portfolio.balances(venue).items():
                if asset == currency:
                    total += balance.total
                    continue
                if balance.total == ZERO:
                    continue
                price = portfolio.mark_price(venue, f"{asset}/{currency}")
                if price is None:
                    return None
                total += balance.total * price
        return total

    async def _persist(self) -> None:
        snapshot = self.risk.board.snapshot()
        if snapshot != self.saved_snapshot:
            await self.journal.set_kv(KV_BREAKERS, snapshot)
            self.saved_snapshot = snapshot
        await self.risk.rollout.flush()
