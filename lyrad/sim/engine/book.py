"""One side of an order book: price levels as FIFO lists plus a sorted list of their prices.

Levels are keyed by an integer sort key made from the price's index on the symbol's tick grid
(`LiveOrder.tick`): hashing a fresh non-integer Decimal costs about a microsecond, an int
almost nothing, and ints compare faster too. The key is the tick on the bid side and minus
the tick on the ask side (`sign`), and `keys` keeps them ascending, so on both sides the best
level is the last. Nearly everything happens near the best price: matching consumes there,
quotes and most orders rest there. A list shifts what follows the index it inserts at or
deletes from, so with the best at the end those changes move a few entries, where an ask
side sorted the other way moved its whole list (thousands of levels) each time.

A level is a plain list, not a deque: most resting orders open a new price level, and a
one-element list costs a fraction of a deque to create (a deque allocates a 64-slot block
through a generic type call) and of its memory. Matching removes the makers it finishes from
a level's front in one slice (Market._take_level), so a deep level costs no shift per fill.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.orders import LiveOrder


class BookSide:
    """Resting orders of one side, in price-time priority."""

    __slots__ = ("is_bid", "keys", "levels", "sign")

    def __init__(self, *, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.sign = 1 if is_bid else -1  # a level's key is sign x tick
        self.levels: dict[int, list[LiveOrder]] = {}
        self.keys: list[int] = []  # ascending: the best level is the last

    def add(self, order: LiveOrder) -> None:
        """Queue `order` at the back of its price level."""
        key = self.sign * order.tick
        level = self.levels.get(key)
        if level is None:
            level = self.levels[key] = []
            insert_key(self.keys, key)
        level.append(order)

    def remove(self, order: LiveOrder) -> None:
        """Take `order` out of its level (it must be resting here)."""
        key = self.sign * order.tick
        level = self.levels[key]
        level.remove(order)
        if not level:
            self.drop_level(key)

    def drop_level(self, key: int) -> None:
        """Forget an emptied level."""
        del self.levels[key]
        keys = self.keys
        if keys[-1] == key:
            keys.pop()
        else:
            del keys[key_index(keys, key)]

    def best(self) -> int | None:
        """The best level's tick, or None when the side is empty."""
        if not self.keys:
            return None
        return self.sign * self.keys[-1]

    def best_first(self) -> Iterator[int]:
        """Level keys from the best outwards (a view: do not mutate while iterating)."""
        return reversed(self.keys)

    def depth(self, limit: int) -> tuple[tuple[Decimal, Decimal], ...]:
        """Aggregated (price, remaining quantity) of the best `limit` levels."""
        out: list[tuple[Decimal, Decimal]] = []
        for key in self.best_first():
            if len(out) >= limit:
                break
            level = self.levels[key]
            out.append((level[0].price, sum((o.remaining for o in level), ZERO)))
        return tuple(out)

    def orders(self) -> Iterator[LiveOrder]:
        """Every resting order, best level first, time priority within a level."""
        for key in self.best_first():
            yield from self.levels[key]

    def preview_qty(
        self, owner: AccountState, limit: int | None, qty: Decimal
    ) -> tuple[Decimal, Decimal]:
        """(base, quote) a taker of `qty` up to tick `limit` would trade here now.

        The owner's own orders are skipped: matching would expire them (self-trade prevention).
        """
        left, quote = qty, ZERO
        limit_key = None if limit is None else self.sign * limit
        for key in self.best_first():
            if limit_key is not None and key < limit_key:
                break
            level = self.levels[key]
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
        for key in self.best_first():
            level = self.levels[key]
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


def key_index(keys: list[int], key: int) -> int:
    """bisect.bisect_left(keys, key) for ascending level keys, compiled with the engine.

    The bisect module compares list items as Python objects (a rich comparison each) behind
    a generic call; compiled, the search compares machine integers, in about 60% of the
    instructions (the bench's level insertions, list shift aside).
    """
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def insert_key(keys: list[int], key: int) -> None:
    """Insert a new level's `key` into the ascending `keys` (bisect.insort, compiled)."""
    keys.insert(key_index(keys, key), key)
