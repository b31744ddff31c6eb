"""One side of an order book: price levels as FIFO lists plus a sorted list of their prices.

Levels are keyed by the price's integer index on the symbol's tick grid (`LiveOrder.tick`):
hashing a fresh non-integer Decimal costs about a microsecond, an int almost nothing, and
ints compare faster too. Ticks are kept ascending on both sides; the best bid is the last,
the best ask the first. Matching consumes from the best end, so emptied best levels are
dropped cheaply and only a new price costs a `bisect` insertion.

A level is a plain list, not a deque: most resting orders open a new price level, and a
one-element list costs a fraction of a deque to create (a deque allocates a 64-slot block
through a generic type call) and of its memory. Matching removes the makers it finishes from
a level's front in one slice (Market._take_level), so a deep level costs no shift per fill.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
from decimal import Decimal

from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.orders import LiveOrder


class BookSide:
    """Resting orders of one side, in price-time priority."""

    __slots__ = ("is_bid", "levels", "ticks")

    def __init__(self, *, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.levels: dict[int, list[LiveOrder]] = {}
        self.ticks: list[int] = []

    def add(self, order: LiveOrder) -> None:
        """Queue `order` at the back of its price level."""
        level = self.levels.get(order.tick)
        if level is None:
            level = self.levels[order.tick] = []
            insort(self.ticks, order.tick)
        level.append(order)

    def remove(self, order: LiveOrder) -> None:
        """Take `order` out of its level (it must be resting here)."""
        level = self.levels[order.tick]
        level.remove(order)
        if not level:
            self.drop_level(order.tick)

    def drop_level(self, tick: int) -> None:
        """Forget an emptied level."""
        del self.levels[tick]
        ticks = self.ticks
        if ticks[-1] == tick:
            ticks.pop()
        elif ticks[0] == tick:
            del ticks[0]
        else:
            del ticks[bisect_left(ticks, tick)]

    def best(self) -> int | None:
        """The best level's tick, or None when the side is empty."""
        if not self.ticks:
            return None
        return self.ticks[-1] if self.is_bid else self.ticks[0]

    def best_first(self) -> Iterator[int]:
        """Ticks from the best outwards (a view: do not mutate while iterating)."""
        return reversed(self.ticks) if self.is_bid else iter(self.ticks)

    def depth(self, limit: int) -> tuple[tuple[Decimal, Decimal], ...]:
        """Aggregated (price, remaining quantity) of the best `limit` levels."""
        out: list[tuple[Decimal, Decimal]] = []
        for tick in self.best_first():
            if len(out) >= limit:
                break
            level = self.levels[tick]
            out.append((level[0].price, sum((o.remaining for o in level), ZERO)))
        return tuple(out)

    def orders(self) -> Iterator[LiveOrder]:
        """Every resting order, best level first, time priority within a level."""
        for tick in self.best_first():
            yield from self.levels[tick]

    def preview_qty(
        self, owner: AccountState, limit: int | None, qty: Decimal
    ) -> tuple[Decimal, Decimal]:
        """(base, quote) a taker of `qty` up to tick `limit` would trade here now.

        The owner's own orders are skipped: matching would expire them (self-trade prevention).
        """
        left, quote = qty, ZERO
        is_bid = self.is_bid
        for tick in self.best_first():
            if limit is not None and (tick < limit if is_bid else tick > limit):
                break
            level = self.levels[tick]
            take = min(_available(level, owner, left), left)
            left -= take
            quote += take * level[0].price
            if not left:
                break
        return qty - left, quote

    def preview_quote(
        self, owner: AccountState, budget: Decimal, step: Decimal
    ) -> tuple[Decimal, Decimal]:
        """(base, quote) a taker trading `budget` in quote, in whole `step`s, would trade here."""
        base = quote = ZERO
        for tick in self.best_first():
            level = self.levels[tick]
            price = level[0].price
            cap = ((budget - quote) // (price * step)) * step
            if not cap:
                break
            take = min(_available(level, owner, cap), cap)
            base += take
            quote += take * price
            if take == cap:
                break
        return base, quote


def _available(level: list[LiveOrder], owner: AccountState, wanted: Decimal) -> Decimal:
    """What others rest at this level, summed only until it exceeds `wanted`.

    The caller takes min(result, wanted): once the sum is above `wanted` the rest of the level
    cannot change that, so deep levels are not summed (the exact value when it is not above).
    """
    total = ZERO
    for order in level:
        if order.owner is not owner:
            total += order.remaining
            if total > wanted:
                break
    return total
