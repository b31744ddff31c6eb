"""One side of an order book: price levels as FIFO queues plus a sorted list of their prices.

Prices are kept ascending in both sides; the best bid is the last price, the best ask the
first. Matching consumes from the best end, so emptied best levels are dropped cheaply and
only a new price costs a `bisect` insertion.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from collections.abc import Iterator
from decimal import Decimal

from lyrad.sim.engine.orders import LiveOrder


class BookSide:
    """Resting orders of one side, in price-time priority."""

    __slots__ = ("is_bid", "levels", "prices")

    def __init__(self, *, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.levels: dict[Decimal, deque[LiveOrder]] = {}
        self.prices: list[Decimal] = []

    def add(self, order: LiveOrder) -> None:
        """Queue `order` at the back of its price level."""
        level = self.levels.get(order.price)
        if level is None:
            level = self.levels[order.price] = deque()
            insort(self.prices, order.price)
        level.append(order)

    def remove(self, order: LiveOrder) -> None:
        """Take `order` out of its level (it must be resting here)."""
        level = self.levels[order.price]
        level.remove(order)
        if not level:
            self.drop_level(order.price)

    def drop_level(self, price: Decimal) -> None:
        """Forget an emptied level."""
        del self.levels[price]
        prices = self.prices
        if self.is_bid and prices[-1] == price:
            prices.pop()
        else:
            del prices[bisect_left(prices, price)]

    def best(self) -> Decimal | None:
        """The best price, or None when the side is empty."""
        if not self.prices:
            return None
        return self.prices[-1] if self.is_bid else self.prices[0]

    def best_first(self) -> Iterator[Decimal]:
        """Prices from the best outwards (a view: do not mutate while iterating)."""
        return reversed(self.prices) if self.is_bid else iter(self.prices)

    def depth(self, limit: int) -> tuple[tuple[Decimal, Decimal], ...]:
        """Aggregated (price, remaining quantity) of the best `limit` levels."""
        out: list[tuple[Decimal, Decimal]] = []
        for price in self.best_first():
            if len(out) >= limit:
                break
            out.append((price, sum((o.remaining for o in self.levels[price]), Decimal(0))))
        return tuple(out)

    def orders(self) -> Iterator[LiveOrder]:
        """Every resting order, best level first, time priority within a level."""
        for price in self.best_first():
            yield from self.levels[price]
