"""Placing one validated order: balance check, locking, matching and its final status.

Nothing changes before the balance check passes. What an order locks: a limit buy its
price x quantity in quote, a sell its quantity in base; a market buy by quantity enough quote
for what the book would cost it now (the quantity at the worst ask when the account can
afford that, else the exact cost of walking the book), a market buy by quote amount that
amount, a market sell by quote amount the base the book would take for it. A taker's unused
lock is returned at the end; a resting order keeps exactly what its remainder needs.
"""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.engine.accounts import AccountState, Ledger
from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.book import insert_key
from lyrad.sim.engine.market import Market
from lyrad.sim.engine.members import BUY, EXPIRED, FILLED, FOK, GTC, LIMIT_MAKER, NEW
from lyrad.sim.engine.orders import LiveOrder
from lyrad.sim.engine.types import EngineRejection, OrderRequest, RejectReason
from lyrad.sim.engine.values import Fill, OrderSnapshot


def place_limit(
    market: Market,
    account: AccountState,
    ledger: Ledger,
    req: OrderRequest,
    tick: int,
    client_order_id: str,
    chosen_id: bool,
    now_ms: int,
) -> OrderSnapshot:
    """Execute a validated LIMIT or LIMIT_MAKER at price index `tick`; the order and its fills.

    `ledger` is the account's in the market's symbol; `client_order_id` is free, and
    `chosen_id` says whether the client chose it (else the engine generated it).
    """
    price, qty = req.price, req.quantity
    if price is None or qty is None:  # never, after validation
        raise EngineRejection(RejectReason.INVALID_PARAMETER, "price and quantity are required")
    side = req.side
    is_buy = side is BUY
    # Market.crosses inlined, as the lock below: every limit order passes here
    if is_buy:
        need, asset = price * qty, market.quote
        holding, proceeds = ledger.quote, ledger.base
        keys = market.asks.keys  # an ask's key is minus its tick
        crosses = bool(keys) and tick >= -keys[-1]
    else:
        need, asset = qty, market.base
        holding, proceeds = ledger.base, ledger.quote
        keys = market.bids.keys
        crosses = bool(keys) and tick <= keys[-1]
    if holding.free < need:
        raise _insufficient(asset)
    order_type = req.type
    if crosses and order_type is LIMIT_MAKER:
        raise EngineRejection(RejectReason.WOULD_MATCH, "order would immediately match and take")
    tif = req.time_in_force or GTC
    symbol = market.symbol
    order_id = market.next_order_id
    market.next_order_id = order_id + 1
    order = LiveOrder(
        order_id,
        client_order_id,
        account,
        symbol,
        side,
        order_type,
        tif,
        price,
        tick,
        qty,
        ZERO,
        now_ms,
        holding,
        proceeds,
        ledger,
    )
    # Kept for lookups by id and client id (the account is a user's: house quotes elsewhere)
    ledger.keep(order, chosen_id)
    if tif is FOK and market.preview_qty(is_buy, account, tick, qty)[0] < qty:
        order.status = EXPIRED  # all or nothing: nothing
        ledger.archive(order)
        return order.snapshot(())
    holding.free -= need
    holding.locked += need
    order.locked = need  # a new order holds nothing yet: ZERO + need, without the addition
    if not crosses:
        # What Market.take does when the best opposite price is out of reach: only count
        # the book update (a LIMIT_MAKER never takes, so counts nothing).
        if order_type is not LIMIT_MAKER:
            market.last_update_id += 1
        if tif is not GTC:
            return _expire_untouched(market, order)
        # Market.rest, inlined: resting as placed (NEW, its lock exact) is the busiest path
        book = market.bids if is_buy else market.asks
        key = book.sign * tick
        level = book.levels.get(key)
        if level is None:
            book.levels[key] = [order]
            insert_key(book.keys, key)
        else:
            level.append(order)
        ledger.open_orders[order_id] = order
        market.last_update_id += 1
        # order.snapshot(), from the values at hand
        return OrderSnapshot(
            order_id,
            client_order_id,
            symbol,
            side,
            order_type,
            tif,
            price,
            qty,
            ZERO,
            ZERO,
            NEW,
            now_ms,
            now_ms,
            now_ms,
            ZERO,
            (),
        )
    return _take_then_finish(market, order, tick, now_ms)


def _take_then_finish(market: Market, order: LiveOrder, tick: int, now_ms: int) -> OrderSnapshot:
    """A limit order that crosses: take up to its price, then rest (GTC) or expire the rest."""
    fills: list[Fill] = []
    market.take(order, tick, now_ms, fills)
    if order.time_in_force is not GTC:
        order.status = EXPIRED if order.remaining else FILLED
        market.release(order)
        order.ledger.archive(order)
    else:
        market.rest_or_finish(order)
    return order.snapshot(tuple(fills))


def _expire_untouched(market: Market, order: LiveOrder) -> OrderSnapshot:
    """An IOC or FOK limit order that could trade nothing."""
    order.status = EXPIRED
    market.release(order)
    order.ledger.archive(order)
    return order.snapshot(())


def place_market(
    market: Market,
    account: AccountState,
    ledger: Ledger,
    req: OrderRequest,
    client_order_id: str,
    chosen_id: bool,
    now_ms: int,
) -> OrderSnapshot:
    """Execute a validated MARKET order, by quantity or by quote amount; with its fills.

    `ledger` and `client_order_id` as in place_limit.
    """
    side = req.side
    is_buy = side is BUY
    qty, budget = req.quantity, req.quote_quantity
    if is_buy:
        asset, holding, proceeds = market.quote, ledger.quote, ledger.base
    else:
        asset, holding, proceeds = market.base, ledger.base, ledger.quote
    need = _market_need(market, account, ledger, is_buy, qty, budget)
    if holding.free < need:
        raise _insufficient(asset)
    symbol = market.symbol
    order_id = market.next_order_id
    market.next_order_id = order_id + 1
    order = LiveOrder(
        order_id,
        client_order_id,
        account,
        symbol,
        side,
        req.type,
        GTC,
        ZERO,
        0,
        qty or ZERO,
        budget or ZERO,
        now_ms,
        holding,
        proceeds,
        ledger,
    )
    holding.free -= need  # Market.lock, inlined (a new order: its lock is `need`)
    holding.locked += need
    order.locked = need
    fills: list[Fill] = []
    if budget is None:
        market.take(order, None, now_ms, fills)
        expired = bool(order.remaining)
    else:
        ran_out = market.take_quote(order, budget, now_ms, fills)
        order.orig_qty = order.executed_qty  # Binance reports what a quote order bought
        expired = ran_out or not order.executed_qty
    order.status = EXPIRED if expired else FILLED
    left = order.locked
    if left:  # Market.release, inlined: the unused lock goes back
        holding.locked -= left
        holding.free += left
        order.locked = ZERO
    # Kept for lookups from now on, in its closed form only: nothing looks an order up while
    # it trades, so it is entered once (place_limit keeps an order that may rest first).
    ledger.archive(order)
    if chosen_id:
        ledger.client_ids[client_order_id] = order_id
    return order.snapshot(tuple(fills))


def _market_need(
    market: Market,
    account: AccountState,
    ledger: Ledger,
    is_buy: bool,
    qty: Decimal | None,
    budget: Decimal | None,
) -> Decimal:
    """What a market order must lock: enough for everything it can trade."""
    if qty is not None:
        if not is_buy:
            return qty
        # Buying by quantity: the worst ask bounds the cost; walk the book only when the
        # account cannot afford the bound (the exact cost decides then).
        bound = market.buy_cost_bound(qty)
        if ledger.quote.free >= bound:
            return bound
        return market.preview_qty(True, account, None, qty)[1]
    if budget is None:  # never, after validation
        raise EngineRejection(RejectReason.INVALID_PARAMETER, "quantity or quoteOrderQty needed")
    return budget if is_buy else market.preview_quote(False, account, budget)[0]


def _insufficient(asset: str) -> EngineRejection:
    return EngineRejection(
        RejectReason.INSUFFICIENT_BALANCE,
        f"account has insufficient balance for requested action: {asset}",
    )
