"""One symbol's market: its book, id sequences, matching, settlement and balance locking.

A match executes at the resting order's price. Self-trade prevention follows Binance's spot
default, EXPIRE_MAKER: when a taker reaches a resting order of its own account, that resting
order is expired (status EXPIRED, its funds unlocked) and matching continues behind it.
"""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.arith import ZERO, unit_of
from lyrad.sim.engine.book import BookSide, insert_key
from lyrad.sim.engine.filters import LimitFilter, MarketFilter
from lyrad.sim.engine.members import EXPIRED, FILLED, PARTIALLY_FILLED
from lyrad.sim.engine.orders import LiveOrder
from lyrad.sim.engine.types import OrderStatus, SymbolSpec
from lyrad.sim.engine.values import Fill


class Market:
    """Matching and settlement for one symbol; callers validate and check balances first."""

    __slots__ = (
        "asks",
        "base",
        "base_fees",
        "base_unit",
        "bids",
        "house_intact",
        "is_trading",
        "last_update_id",
        "limit_filter",
        "market_filter",
        "market_step",
        "next_order_id",
        "next_trade_id",
        "quote",
        "quote_fees",
        "quote_unit",
        "reference",
        "spec",
        "symbol",
    )

    def __init__(self, spec: SymbolSpec, first_id: int = 1) -> None:
        self.spec = spec
        self.limit_filter = LimitFilter(spec)
        self.market_filter = MarketFilter(spec)
        self.symbol = spec.symbol
        self.is_trading = spec.status == "TRADING"
        self.base = spec.base
        self.quote = spec.quote
        self.base_unit = unit_of(spec.base_precision)
        self.quote_unit = unit_of(spec.quote_precision)
        # Quantities bought with a quote amount follow MARKET_LOT_SIZE, or LOT_SIZE when unset.
        self.market_step = spec.market_step_size or spec.step_size
        # Commission collected in this symbol, in its base and in its quote asset (attributes:
        # a dict of totals per asset cost a lookup and a store per fill)
        self.base_fees = ZERO
        self.quote_fees = ZERO
        self.bids = BookSide(is_bid=True)
        self.asks = BookSide(is_bid=False)
        self.reference: Decimal | None = None
        self.next_order_id = first_id
        self.next_trade_id = first_id
        self.last_update_id = 1
        self.house_intact = False

    # ---- ids, locks and the book -------------------------------------------------------

    def lock(self, order: LiveOrder, amount: Decimal) -> None:
        """Move `amount` from the owner's free to locked balance, held by `order`."""
        holding = order.holding
        holding.free -= amount
        holding.locked += amount
        order.locked += amount

    def release(self, order: LiveOrder, amount: Decimal | None = None) -> None:
        """Give back `amount` (default: all) of what `order` holds to its owner's free balance."""
        if amount is None:
            amount = order.locked
        if amount:
            holding = order.holding
            holding.locked -= amount
            holding.free += amount
            order.locked -= amount

    def rest(self, order: LiveOrder) -> None:
        """Put an open order in the book (BookSide.add inlined: every resting order passes)."""
        side = self.bids if order.is_buy else self.asks
        key = side.sign * order.tick
        level = side.levels.get(key)
        if level is None:
            side.levels[key] = [order]
            insert_key(side.keys, key)
        else:
            level.append(order)
        order.ledger.open_orders[order.order_id] = order
        self.last_update_id += 1

    def rest_or_finish(self, order: LiveOrder) -> None:
        """After taking, a GTC limit order rests with exactly its remaining need locked."""
        if not order.executed_qty:  # untouched: rests as placed, NEW, its lock exact
            self.rest(order)
            return
        if not order.remaining:
            order.status = FILLED
            self.release(order)
            order.ledger.archive(order)
            return
        order.status = PARTIALLY_FILLED
        need = order.price * order.remaining if order.is_buy else order.remaining
        self.release(order, order.locked - need)
        self.rest(order)

    def close(self, order: LiveOrder, status: OrderStatus, now_ms: int) -> None:
        """Take an open order out of the book with `status`, unlocking what it holds."""
        side = self.bids if order.is_buy else self.asks
        key = side.sign * order.tick
        level = side.levels[key]
        level.remove(order)
        if not level:
            side.drop_level(key)
        # _retire inlined: every cancel passes here
        order.status = status
        order.update_time_ms = now_ms
        amount = order.locked
        if amount:
            holding = order.holding
            holding.locked -= amount
            holding.free += amount
            order.locked = ZERO  # all of it went back
        ledger = order.ledger
        del ledger.open_orders[order.order_id]
        ledger.archive(order)
        self.last_update_id += 1

    def crosses(self, is_buy: bool, tick: int) -> bool:
        """Whether a limit order at price index `tick` would take liquidity now."""
        if is_buy:
            keys = self.asks.keys
            return bool(keys) and tick >= -keys[-1]
        keys = self.bids.keys
        return bool(keys) and tick <= keys[-1]

    def tick_of(self, price: Decimal) -> int:
        """Index of an on-grid `price` on the tick grid (as filters.check_request returns)."""
        return int((price - self.spec.min_price) // self.spec.tick_size)

    def _retire(self, order: LiveOrder, status: OrderStatus, now_ms: int) -> None:
        order.status = status
        order.update_time_ms = now_ms
        amount = order.locked
        if amount:  # release(order), inlined: every filled maker passes here
            holding = order.holding
            holding.locked -= amount
            holding.free += amount
            order.locked = ZERO
        ledger = order.ledger
        del ledger.open_orders[order.order_id]
        ledger.archive(order)

    # ---- matching --------------------------------------------------------------------

    def take(self, taker: LiveOrder, limit: int | None, now_ms: int, fills: list[Fill]) -> None:
        """Match `taker` by base quantity against the other side, up to tick `limit` if given."""
        side = self.asks if taker.is_buy else self.bids
        keys, levels = side.keys, side.levels
        # within the limit: an ask at or below it, a bid at or above it; as keys, at or above
        limit_key = None if limit is None else side.sign * limit
        while keys:
            key = keys[-1]
            if limit_key is not None and key < limit_key:
                break
            level = levels[key]
            done = self._take_level(taker, level, level[0].price, now_ms, fills)
            if not level:
                side.drop_level(key)
            if done:
                break
        self.last_update_id += 1

    def take_quote(self, taker: LiveOrder, budget: Decimal, now_ms: int, fills: list[Fill]) -> bool:
        """Match `taker` until it has traded `budget` in quote; True if the book ran out."""
        step = self.market_step
        side = self.asks if taker.is_buy else self.bids
        keys, levels = side.keys, side.levels
        try:
            while keys:
                key = keys[-1]
                level = levels[key]
                price = level[0].price
                # At one price the quote budget is a base quantity cap, whole market steps.
                taker.remaining = ((budget - taker.cum_quote) // (price * step)) * step
                if not taker.remaining:
                    return False
                done = self._take_level(taker, level, price, now_ms, fills)
                if not level:
                    side.drop_level(key)
                if done:
                    return False
            return True
        finally:
            taker.remaining = ZERO
            self.last_update_id += 1

    def _take_level(
        self,
        taker: LiveOrder,
        level: list[LiveOrder],
        price: Decimal,
        now_ms: int,
        fills: list[Fill],
    ) -> bool:
        """Consume one price level in time priority; True once the taker is satisfied.

        The makers it finishes leave the level's front in one slice at the end (even if
        settling raised), not one shift of the list each.
        """
        owner = taker.owner
        finished = 0
        try:
            for maker in level:
                if maker.owner is owner:  # self-trade prevention: EXPIRE_MAKER
                    finished += 1
                    self._retire(maker, EXPIRED, now_ms)
                    continue
                qty = maker.remaining if maker.remaining < taker.remaining else taker.remaining
                self._settle(taker, maker, price, qty, now_ms, fills)
                if not maker.remaining:
                    finished += 1
                    self._retire(maker, FILLED, now_ms)
                else:
                    maker.status = PARTIALLY_FILLED
                if not taker.remaining:
                    return True
            return False
        finally:
            if finished:
                del level[:finished]

    def _settle(
        self,
        taker: LiveOrder,
        maker: LiveOrder,
        price: Decimal,
        qty: Decimal,
        now_ms: int,
        fills: list[Fill],
    ) -> None:
        """Move money for one trade: the buyer's locked quote pays, fees in the asset received."""
        quote_qty = price * qty
        taker.remaining -= qty
        taker.executed_qty += qty
        taker.cum_quote += quote_qty
        taker.update_time_ms = now_ms
        maker.remaining -= qty
        if not maker.ledger.is_house:  # a house quote derives these when read (its snapshot)
            maker.executed_qty += qty
            maker.cum_quote += quote_qty
        maker.update_time_ms = now_ms
        if taker.is_buy:
            buyer, seller = taker, maker
            buyer_rate, seller_rate = taker.owner.taker_fee, maker.owner.maker_fee
            buyer_exact = taker.ledger.taker_fee_exact[0]
            seller_exact = maker.ledger.maker_fee_exact[1]
        else:
            buyer, seller = maker, taker
            buyer_rate, seller_rate = maker.owner.maker_fee, taker.owner.taker_fee
            buyer_exact = maker.ledger.maker_fee_exact[0]
            seller_exact = taker.ledger.taker_fee_exact[1]
        b, s = buyer.owner, seller.owner
        base, quote = self.base, self.quote
        buyer.locked -= quote_qty
        buyer.holding.locked -= quote_qty
        seller.locked -= qty
        seller.holding.locked -= qty
        base_unit, quote_unit = self.base_unit, self.quote_unit
        buyer_fee = self._receive(buyer, qty, buyer_rate, buyer_exact, base_unit, in_base=True)
        seller_fee = self._receive(
            seller, quote_qty, seller_rate, seller_exact, quote_unit, in_base=False
        )
        trade_id = self.next_trade_id
        self.next_trade_id = trade_id + 1
        if b.is_house or s.is_house:
            self.house_intact = False
        # Each user side keeps the trade in its history; the taker's side is also a Fill now,
        # made from the values at hand rather than read back from its history's columns.
        buyer.ledger.trades.add(
            buyer, trade_id, price, qty, quote_qty, buyer_fee, base, now_ms, buyer is maker
        )
        seller.ledger.trades.add(
            seller, trade_id, price, qty, quote_qty, seller_fee, quote, now_ms, seller is maker
        )
        if not taker.ledger.is_house:
            is_buy = taker.is_buy
            fills.append(
                Fill(
                    trade_id,
                    taker.order_id,
                    self.symbol,
                    price,
                    qty,
                    quote_qty,
                    buyer_fee if is_buy else seller_fee,
                    base if is_buy else quote,
                    now_ms,
                    is_buy,
                    False,
                )
            )

    def _receive(
        self,
        order: LiveOrder,
        amount: Decimal,
        rate: Decimal,
        exact: bool,
        unit: Decimal,
        *,
        in_base: bool,
    ) -> Decimal:
        """Credit what `order` receives from a trade, less commission; the commission.

        Commission is in the asset received (the base if `in_base`), at the maker or taker
        `rate`, rounded down to
        `unit` (skipped where the ledger knows the product `exact`). A fee-free side (the
        house's, in most trades) receives the whole amount, without subtracting a zero.
        """
        if not rate:
            order.proceeds.free += amount
            return ZERO
        fee = amount * rate if exact else (amount * rate // unit) * unit
        order.proceeds.free += amount - fee
        if fee:
            if in_base:
                self.base_fees += fee
            else:
                self.quote_fees += fee
        return fee

    # ---- previews (no mutation) ------------------------------------------------------

    def buy_cost_bound(self, qty: Decimal) -> Decimal:
        """An upper bound of what buying `qty` at market costs now: all of it at the worst ask."""
        keys = self.asks.keys  # the worst ask has the lowest key
        return qty * self.asks.levels[keys[0]][0].price if keys else ZERO

    def preview_qty(
        self, is_buy: bool, owner: AccountState, limit: int | None, qty: Decimal
    ) -> tuple[Decimal, Decimal]:
        """(base, quote) a taker of `qty` would trade now; the owner's own orders are skipped."""
        return (self.asks if is_buy else self.bids).preview_qty(owner, limit, qty)

    def preview_quote(
        self, is_buy: bool, owner: AccountState, budget: Decimal
    ) -> tuple[Decimal, Decimal]:
        """(base, quote) a taker spending or raising `budget` in quote would trade now."""
        side = self.asks if is_buy else self.bids
        return side.preview_quote(owner, budget, self.market_step)

    def depth(self, limit: int) -> tuple[tuple[tuple[Decimal, Decimal], ...], ...]:
        """(bids, asks) aggregated per price, best first."""
        return self.bids.depth(limit), self.asks.depth(limit)
