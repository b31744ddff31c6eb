"""The reconciler: makes the journal agree with the venue, and reports every difference."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from decimal import Decimal

import structlog

from lyrad.domain.errors import OrderNotFound, RetryableVenueError, VenueError
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.journal.protocol import OrderJournal
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.metrics import TradingMetrics

log = structlog.get_logger("lyrad.reconciler", component="reconciler")

KV_TRADE_CURSOR = "reconcile_trade_cursor:{venue}:{symbol}"
TRADE_OVERLAP_MS = 60_000  # re-read this much before the cursor: trades can arrive late


class Reconciler:
    """One venue: live orders, trades since the cursor, open orders, balances."""

    def __init__(
        self,
        *,
        venue: str,
        symbols: tuple[str, ...],
        journal: OrderJournal,
        adapters: Mapping[str, ExchangeAdapter],
        executor: OrderExecutor,
        metrics: TradingMetrics,
        clock_ms: Callable[[], int],
        unknown_grace_ms: int,
        balance_tolerance: Decimal,
        on_drift: Callable[[str], None],
    ) -> None:
        self._venue = venue
        self._symbols = symbols
        self._journal = journal
        self._adapters = adapters
        self._executor = executor
        self._adapter: ExchangeAdapter | None = None
        self._sync = executor.sync_for(venue)
        self._metrics = metrics
        self._clock_ms = clock_ms
        self._unknown_grace_ms = unknown_grace_ms
        self._balance_tolerance = balance_tolerance
        self._on_drift = on_drift
        self._found = 0
        self._foreign_seen: set[str] = set()

    @property
    def venue(self) -> str:
        return self._venue

    async def run_once(self) -> int:
        """One full pass; the number of discrepancies found."""
        started = time.monotonic()
        self._found = 0
        adapter = self._adapters.get(self._venue)
        if adapter is None:
            raise RetryableVenueError(self._venue, "not connected")
        self._adapter = adapter
        self._sync = self._executor.sync_for(self._venue)
        await self._orders()
        await self._all_trades()
        await self._open_orders()
        snapshot = await self._connected().fetch_balances()
        # The snapshot agrees with the journal only if no trade landed while it was taken.
        if await self._all_trades():
            log.info("balances_deferred", venue=self._venue, reason="trades during the pass")
        else:
            await self._balances(snapshot)
        self._metrics.reconcile_seconds.labels(self._venue).observe(time.monotonic() - started)
        log.info("reconciled", venue=self._venue, discrepancies=self._found)
        return self._found

    def _connected(self) -> ExchangeAdapter:
        assert self._adapter is not None, "used outside run_once"
        return self._adapter

    def _discrepancy(self, kind: str, **details: object) -> None:
        self._found += 1
        self._metrics.discrepancies.labels(kind).inc()
        log.warning("reconcile_discrepancy", kind=kind, venue=self._venue, **details)

    async def _record(self, kind: str, client_order_id: str | None, **details: str) -> None:
        self._discrepancy(kind, client_order_id=client_order_id, **details)
        await self._journal.record_event(
            f"discrepancy_{kind}",
            venue=self._venue,
            client_order_id=client_order_id,
            details=dict(details),
        )

    # --- orders ---------------------------------------------------------------------------

    async def _orders(self) -> None:
        for order in await self._journal.live_orders(self._venue):
            lock = self._executor.lock(order.client_order_id)
            if lock.locked():
                continue  # a send or cancel is in flight; it journals its own outcome
            async with lock:
                current = await self._journal.get_order(order.client_order_id)
                if current is not None and not current.state.is_terminal:
                    await self._order(current)

    async def _order(self, order: Order) -> None:
        cid = order.client_order_id
        try:
            answer = await self._connected().fetch_order(order.symbol, client_order_id=cid)
        except OrderNotFound:
            await self._not_on_venue(order)
            return
        was = order.state
        updated = await self._sync.apply(order, answer, reason="reconciled")
        self._executor.remember(updated)
        if was in (OrderState.UNKNOWN, OrderState.PENDING_SUBMIT):
            await self._record(
                "resolved_" + was.value,
                cid,
                state=updated.state.value,
                venue_order_id=answer.venue_order_id,
            )

    async def _not_on_venue(self, order: Order) -> None:
        if order.state in (OrderState.PENDING_SUBMIT, OrderState.UNKNOWN):
            if self._clock_ms() - order.updated_ms < self._unknown_grace_ms:
                return  # the venue may not show it yet
            moved = await self._sync.transition(order, OrderState.REJECTED, "never reached venue")
            self._executor.remember(moved)
            await self._record("never_reached_venue", order.client_order_id)
            return
        # An order the venue had accepted is gone from its history: nothing rests any more.
        moved = await self._sync.transition(order, OrderState.EXPIRED, "not found on venue")
        self._executor.remember(moved)
        await self._record("vanished", order.client_order_id, state=order.state.value)

    # --- trades ---------------------------------------------------------------------------

    async def _all_trades(self) -> int:
        """Apply every trade the journal lacks; the number applied."""
        applied = 0
        for symbol in self._symbols:
            applied += await self._trades(symbol)
        return applied

    async def _trades(self, symbol: str) -> int:
        key = KV_TRADE_CURSOR.format(venue=self._venue, symbol=symbol)
        cursor = int(await self._journal.get_kv(key) or 0)
        since = max(0, cursor - TRADE_OVERLAP_MS)
        trades = await self._connected().fetch_my_trades(symbol, since_ms=since)
        known = await self._journal.fill_ids(self._venue, since)
        applied = 0
        newest = cursor
        for fill in trades:
            newest = max(newest, fill.timestamp_ms)
            if fill.trade_id in known:
                continue
            order = await self._journal.get_order_by_venue_id(self._venue, fill.venue_order_id)
            if order is None:
                await self._foreign_trade(fill.trade_id, fill.venue_order_id)
                continue
            # Fills of resting orders are found here (no user stream yet): normal, not a drift.
            applied += await self._sync.apply_fills(order, [fill])
            updated = await self._journal.get_order(order.client_order_id)
            if updated is not None:
                self._executor.remember(updated)
        if newest > cursor:
            await self._journal.set_kv(key, str(newest))
        return applied

    async def _foreign_trade(self, trade_id: str, venue_order_id: str) -> None:
        if trade_id in self._foreign_seen:
            return
        self._foreign_seen.add(trade_id)
        await self._record("foreign_trade", None, trade_id=trade_id, venue_order_id=venue_order_id)

    # --- open orders and balances ---------------------------------------------------------

    async def _open_orders(self) -> None:
        # Per symbol: all symbols at once costs Binance 80 weight against 6 for one.
        venue_orders = []
        for symbol in self._symbols:
            venue_orders.extend(await self._connected().fetch_open_orders(symbol))
        for venue_order in venue_orders:
            cid = venue_order.client_order_id
            order = await self._journal.get_order(cid) if cid else None
            if order is None:
                order = await self._journal.get_order_by_venue_id(
                    self._venue, venue_order.venue_order_id
                )
            if order is None:
                # Not ours (placed by hand or by another program): reported, never touched.
                self._discrepancy("foreign_open_order", venue_order_id=venue_order.venue_order_id)
            elif order.state.is_terminal:
                await self._record(
                    "terminal_but_open", order.client_order_id, state=order.state.value
                )

    async def _balances(self, venue_balances: list[Balance]) -> None:
        journaled = await self._journal.balances(self._venue)
        for balance in venue_balances:
            ours = journaled.get(balance.asset)
            if ours is None:
                continue  # first sight of this asset
            drift = abs(ours.total - balance.total)
            if drift > self._balance_tolerance:
                await self._record("balance_drift", None, asset=balance.asset, drift=str(drift))
                self._on_drift(f"{self._venue} {balance.asset} drifted by {drift}")
        await self._journal.replace_balances(
            self._venue, [Balance(self._venue, b.asset, b.free, b.used) for b in venue_balances]
        )


async def reconcile_safely(reconciler: Reconciler, venue: str) -> bool:
    """A failed pass is logged; the next timer tick tries again. True if the pass completed."""
    try:
        await reconciler.run_once()
    except VenueError as e:
        log.warning("reconcile_failed", venue=venue, error=str(e))
        return False
    return True
