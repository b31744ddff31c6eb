"""The engine's mutable order record and its conversion to an OrderSnapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.fastbuild import builder
from lyrad.sim.engine.members import BUY, NEW, PARTIALLY_FILLED
from lyrad.sim.engine.types import (
    Fill,
    OrderSnapshot,
    OrderType,
    Side,
    TimeInForce,
)

if TYPE_CHECKING:
    from lyrad.sim.engine.accounts import AccountState

OPEN_STATUSES = frozenset({NEW, PARTIALLY_FILLED})
_build_snapshot = builder(OrderSnapshot)


class LiveOrder:
    """An order inside the engine; `locked` is what it holds (quote if buying, base if selling)."""

    __slots__ = (
        "asset",
        "client_order_id",
        "cum_quote",
        "executed_qty",
        "is_buy",
        "locked",
        "order_id",
        "orig_qty",
        "orig_quote_qty",
        "owner",
        "price",
        "remaining",
        "side",
        "status",
        "symbol",
        "tick",
        "time_in_force",
        "time_ms",
        "type",
        "update_time_ms",
    )

    def __init__(  # positional on purpose: this runs for every order
        self,
        order_id: int,
        client_order_id: str,
        owner: AccountState,
        symbol: str,
        side: Side,
        type: OrderType,
        time_in_force: TimeInForce,
        price: Decimal,
        tick: int,
        qty: Decimal,
        quote_qty: Decimal,
        now_ms: int,
        asset: str,
    ) -> None:
        self.order_id = order_id
        self.client_order_id = client_order_id
        self.owner = owner
        self.symbol = symbol
        self.side = side
        self.is_buy = side is BUY
        self.type = type
        self.time_in_force = time_in_force
        self.price = price
        self.tick = tick  # the price's index on the tick grid (0 for market orders)
        self.orig_qty = qty
        self.remaining = qty
        self.orig_quote_qty = quote_qty
        self.executed_qty = ZERO
        self.cum_quote = ZERO
        self.status = NEW
        self.time_ms = now_ms
        self.update_time_ms = now_ms
        self.locked = ZERO
        self.asset = asset  # what it locks: the quote asset when buying, the base when selling

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def snapshot(self, fills: tuple[Fill, ...] = ()) -> OrderSnapshot:
        """The public view of this order now, carrying `fills`."""
        return _build_snapshot(
            self.order_id,
            self.client_order_id,
            self.symbol,
            self.side,
            self.type,
            self.time_in_force,
            self.price,
            self.orig_qty,
            self.executed_qty,
            self.cum_quote,
            self.status,
            self.time_ms,
            self.update_time_ms,
            self.time_ms,
            self.orig_quote_qty,
            fills,
        )
