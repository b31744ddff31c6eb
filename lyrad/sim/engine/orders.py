"""The engine's mutable order record, its compact closed form, and their OrderSnapshots.

An order that can no longer change becomes a row of its account's `ClosedOrders` for its
symbol: columns of plain values and shared enum members. The history of orders only grows;
kept as a LiveOrder (twenty references each), every order would be rescanned by the garbage
collector's full collections for the rest of the run, and even a tuple per order is a new
object for it to count and scan once, whereas a row adds nothing it tracks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final, TypeVar, final

from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.members import BUY, GTC, LIMIT, NEW, PARTIALLY_FILLED
from lyrad.sim.engine.types import OrderStatus, OrderType, Side, TimeInForce
from lyrad.sim.engine.values import Fill, OrderSnapshot

if TYPE_CHECKING:
    from lyrad.sim.engine.accounts import AccountState, Holding, Ledger

OPEN_STATUSES: Final = frozenset({NEW, PARTIALLY_FILLED})

FIRST_ROWS: Final = 256
"""Rows a history's columns get at first; they double each time they are full (see `grow`)."""

_T = TypeVar("_T")


def grow(column: list[_T], filler: _T) -> None:
    """Double a history column's length (at least FIRST_ROWS), padding with `filler`.

    A history keeps its own row count and writes each row into slots made this way, rather
    than appending: list.append grows a list by an eighth at a time, so a long column is
    copied over eight times its final size on its way there (about a quarter of the engine
    benchmark's cache misses, with some twenty such columns per account and symbol), where
    doubling copies it about once.
    """
    column.extend([filler] * max(len(column), FIRST_ROWS))


ClosedOrder = int
"""An order that can no longer change: its row in its account's ClosedOrders for the symbol."""


class LiveOrder:
    """An order inside the engine; `locked` is what it holds of `holding` (quote if buying,
    base if selling)."""

    __slots__ = (
        "client_order_id",
        "cum_quote",
        "executed_qty",
        "holding",
        "is_buy",
        "ledger",
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
        ledger: Ledger,
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
        self.ledger = ledger  # the owner's orders and trades in this symbol

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def snapshot(self, fills: tuple[Fill, ...] = ()) -> OrderSnapshot:
        """The public view of this order now, carrying `fills`."""
        executed, cum_quote = self.executed_qty, self.cum_quote
        if self.ledger.is_house:
            # A resting house quote's fills as maker are not added up (Market._settle: they
            # are most fills): since it rested, it has traded orig_qty - remaining - executed
            # more, all at its own price.
            since = self.orig_qty - self.remaining - executed
            if since:
                executed += since
                cum_quote += self.price * since
        return OrderSnapshot(
            self.order_id,
            self.client_order_id,
            self.symbol,
            self.side,
            self.type,
            self.time_in_force,
            self.price,
            self.orig_qty,
            executed,
            cum_quote,
            self.status,
            self.time_ms,
            self.update_time_ms,
            self.time_ms,
            self.orig_quote_qty,
            fills,
        )


@final
class ClosedOrders:
    """One account's orders in one symbol that can no longer change, a row each (see above)."""

    __slots__ = (
        "client_order_ids",
        "count",
        "cum_quotes",
        "executed_qtys",
        "order_ids",
        "orig_qtys",
        "orig_quote_qtys",
        "prices",
        "sides",
        "statuses",
        "symbol",
        "times_in_force",
        "times_ms",
        "types",
        "update_times_ms",
    )

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.count = 0  # rows in use; the columns are longer (see `grow`)
        self.order_ids: list[int] = []
        self.client_order_ids: list[str] = []
        self.sides: list[Side] = []
        self.types: list[OrderType] = []
        self.times_in_force: list[TimeInForce] = []
        self.prices: list[Decimal] = []
        self.orig_qtys: list[Decimal] = []
        self.executed_qtys: list[Decimal] = []
        self.cum_quotes: list[Decimal] = []
        self.statuses: list[OrderStatus] = []
        self.times_ms: list[int] = []
        self.update_times_ms: list[int] = []
        self.orig_quote_qtys: list[Decimal] = []

    def add(self, order: LiveOrder) -> ClosedOrder:
        """Keep `order` as it is now; its row."""
        row = self.count
        if row == len(self.order_ids):
            self._grow()
        self.order_ids[row] = order.order_id
        self.client_order_ids[row] = order.client_order_id
        self.sides[row] = order.side
        self.types[row] = order.type
        self.times_in_force[row] = order.time_in_force
        self.prices[row] = order.price
        self.orig_qtys[row] = order.orig_qty
        self.executed_qtys[row] = order.executed_qty
        self.cum_quotes[row] = order.cum_quote
        self.statuses[row] = order.status
        self.times_ms[row] = order.time_ms
        self.update_times_ms[row] = order.update_time_ms
        self.orig_quote_qtys[row] = order.orig_quote_qty
        self.count = row + 1
        return row

    def _grow(self) -> None:
        grow(self.order_ids, 0)
        grow(self.client_order_ids, "")
        grow(self.sides, BUY)
        grow(self.types, LIMIT)
        grow(self.times_in_force, GTC)
        grow(self.prices, ZERO)
        grow(self.orig_qtys, ZERO)
        grow(self.executed_qtys, ZERO)
        grow(self.cum_quotes, ZERO)
        grow(self.statuses, NEW)
        grow(self.times_ms, 0)
        grow(self.update_times_ms, 0)
        grow(self.orig_quote_qtys, ZERO)

    def snapshot(self, row: ClosedOrder) -> OrderSnapshot:
        """The public view of the order in `row`."""
        placed_ms = self.times_ms[row]
        return OrderSnapshot(
            self.order_ids[row],
            self.client_order_ids[row],
            self.symbol,
            self.sides[row],
            self.types[row],
            self.times_in_force[row],
            self.prices[row],
            self.orig_qtys[row],
            self.executed_qtys[row],
            self.cum_quotes[row],
            self.statuses[row],
            placed_ms,
            self.update_times_ms[row],
            placed_ms,
            self.orig_quote_qtys[row],
            (),
        )
