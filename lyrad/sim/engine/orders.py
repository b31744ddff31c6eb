"""The engine's mutable order record, its compact closed form, and their OrderSnapshots.

An order that can no longer change is kept as a `ClosedOrder`, a plain tuple of numbers and
strings: the garbage collector stops scanning such a tuple after its first pass, whereas every
LiveOrder (twenty references each) would be rescanned by every full collection for the rest
of the run, and the history of orders only grows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.members import BUY, NEW, PARTIALLY_FILLED, PLAIN
from lyrad.sim.engine.types import OrderStatus, OrderType, Side, TimeInForce
from lyrad.sim.engine.values import Fill, OrderSnapshot

if TYPE_CHECKING:
    from lyrad.sim.engine.accounts import AccountState, Holding

OPEN_STATUSES: Final = frozenset({NEW, PARTIALLY_FILLED})

ClosedOrder = tuple[
    int, str, str, str, str, str, Decimal, Decimal, Decimal, Decimal, str, int, int, Decimal
]
"""A closed order's snapshot fields (enums as their plain str values, no working time)."""


class LiveOrder:
    """An order inside the engine; `locked` is what it holds of `holding` (quote if buying,
    base if selling)."""

    __slots__ = (
        "client_order_id",
        "cum_quote",
        "executed_qty",
        "holding",
        "is_buy",
        "locked",
        "order_id",
        "orig_qty",
        "orig_quote_qty",
        "owner",
        "price",
        "proceeds",
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
        holding: Holding,
        proceeds: Holding,
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
        # The owner's holdings it locks from and receives into: quote and base when buying,
        # base and quote when selling.
        self.holding = holding
        self.proceeds = proceeds

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def snapshot(self, fills: tuple[Fill, ...] = ()) -> OrderSnapshot:
        """The public view of this order now, carrying `fills`."""
        return OrderSnapshot(
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

    def closed(self) -> ClosedOrder:
        """This order, once it can no longer change, in its compact form."""
        return (
            self.order_id,
            self.client_order_id,
            self.symbol,
            PLAIN[self.side],
            PLAIN[self.type],
            PLAIN[self.time_in_force],
            self.price,
            self.orig_qty,
            self.executed_qty,
            self.cum_quote,
            PLAIN[self.status],
            self.time_ms,
            self.update_time_ms,
            self.orig_quote_qty,
        )


def snapshot_of(order: LiveOrder | ClosedOrder) -> OrderSnapshot:
    """The public view of a stored order, open or closed."""
    if not isinstance(order, tuple):
        return order.snapshot()
    (order_id, cid, symbol, side, kind, tif, price, orig, done, cum, status, t, u, quote) = order
    return OrderSnapshot(
        order_id,
        cid,
        symbol,
        Side(side),
        OrderType(kind),
        TimeInForce(tif),
        price,
        orig,
        done,
        cum,
        OrderStatus(status),
        t,
        u,
        t,
        quote,
        (),
    )


def order_id_of(order: LiveOrder | ClosedOrder) -> int:
    return order[0] if isinstance(order, tuple) else order.order_id


def time_of(order: LiveOrder | ClosedOrder) -> int:
    return order[11] if isinstance(order, tuple) else order.time_ms
