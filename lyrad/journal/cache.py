"""The writer's copy of the orders it wrote last: a transition does not read back its own row.

Only the writer thread touches it, inside units. A unit stores an order only once all its
statements have succeeded, so a unit rolled back to its savepoint leaves no trace here; a group
whose commit fails fails the journal, which then writes nothing more. The writer is the file's
only writer (the journal holds an exclusive lock), so no other change can make an entry stale.
"""

from __future__ import annotations

import sqlite3

from lyrad.domain.orders import Order
from lyrad.journal import queries

CAPACITY = 4096  # orders kept (the most recently written); live orders are far fewer


class OrderCache:
    """Orders by client order id as last written in this writer's transactions."""

    __slots__ = ("_capacity", "_orders")

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._orders: dict[str, Order] = {}

    def get(self, conn: sqlite3.Connection, client_order_id: str) -> Order | None:
        """The order as the open transaction sees it, read from the file if not kept here."""
        order = self._orders.get(client_order_id)
        return queries.get_order(conn, client_order_id) if order is None else order

    def put(self, order: Order) -> None:
        """Keep `order`, just written by a unit whose every statement has succeeded."""
        orders = self._orders
        orders.pop(order.client_order_id, None)  # re-inserted last: the oldest go first
        orders[order.client_order_id] = order
        if len(orders) > self._capacity:
            del orders[next(iter(orders))]
