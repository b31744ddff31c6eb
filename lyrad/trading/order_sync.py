"""Brings a journaled order in line with what the venue says about it: fills first, then state."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import structlog

from lyrad.domain.orders import Order, OrderState, target_state
from lyrad.domain.values import Fill
from lyrad.domain.venue import VenueOrder
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.journal.protocol import OrderJournal
from lyrad.trading.metrics import TradingMetrics

log = structlog.get_logger("lyrad.executor", component="executor")

# How far before an order's creation its trades are searched (venue and local clocks differ).
TRADE_LOOKBACK_MS = 60_000


class OrderSync:
    def __init__(
        self, journal: OrderJournal, adapter: ExchangeAdapter | None, metrics: TradingMetrics
    ) -> None:
        self._journal = journal
        self._adapter = adapter
        self._metrics = metrics

    async def apply_fills(self, order: Order, fills: Iterable[Fill]) -> int:
        """Apply the order's fills (idempotent by trade id); the number newly applied."""
        applied = 0
        for fill in fills:
            ours = dataclasses.replace(
                fill,
                client_order_id=order.client_order_id,
                venue_order_id=fill.venue_order_id or order.venue_order_id or "",
            )
            if await self._journal.apply_fill(ours):
                applied += 1
                self._metrics.fills.labels(order.venue, order.symbol, order.side.value).inc()
                log.info(
                    "fill_applied",
                    client_order_id=order.client_order_id,
                    trade_id=fill.trade_id,
                    amount=str(fill.amount),
                    price=str(fill.price),
                )
        return applied

    async def apply(
        self, order: Order, venue_order: VenueOrder, reason: str | None = None
    ) -> Order:
        """Journal what the venue reports: its fills, missing trades, then the state."""
        cid = order.client_order_id
        venue_id = venue_order.venue_order_id
        if (
            not venue_order.fills
            and venue_order.filled == order.filled
            and not order.state.is_terminal
        ):
            # The common acknowledgement: nothing executed yet, one journal write.
            target = target_state(order, venue_order.status)
            if target is order.state and order.venue_order_id == venue_id:
                return order
            moved = await self._journal.transition_order(
                cid, target, venue_order_id=venue_id, reason=reason
            )
            self._count(moved)
            return moved
        if venue_id and order.venue_order_id != venue_id and not order.state.is_terminal:
            # First the venue's id (trades name only that), then the fills, then the state.
            order = await self._journal.transition_order(
                cid, order.state, venue_order_id=venue_id, event_kind="order_venue_id"
            )
        await self.apply_fills(order, venue_order.fills)
        current = await self._require(cid)
        if venue_order.filled > current.filled and self._adapter is not None:
            trades = await self._adapter.fetch_my_trades(
                order.symbol, since_ms=max(0, order.created_ms - TRADE_LOOKBACK_MS)
            )
            mine = [t for t in trades if t.venue_order_id == venue_id]
            await self.apply_fills(current, mine)
            current = await self._require(cid)
        if current.state.is_terminal:
            return current
        target = target_state(current, venue_order.status)
        if target is current.state and current.venue_order_id == venue_id:
            return current
        moved = await self._journal.transition_order(
            cid, target, venue_order_id=venue_id, reason=reason
        )
        self._count(moved)
        return moved

    async def transition(self, order: Order, state: OrderState, reason: str | None = None) -> Order:
        moved = await self._journal.transition_order(order.client_order_id, state, reason=reason)
        self._count(moved)
        return moved

    def _count(self, order: Order) -> None:
        self._metrics.count_order(order)

    async def _require(self, client_order_id: str) -> Order:
        order = await self._journal.get_order(client_order_id)
        if order is None:
            raise LookupError(f"order {client_order_id} vanished from the journal")
        return order
