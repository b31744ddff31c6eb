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

from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.arith import ZERO
from lyrad.sim.engine.market import Market
from lyrad.sim.engine.members import BUY, EXPIRED, FILLED, FOK, GTC, LIMIT_MAKER
from lyrad.sim.engine.orders import LiveOrder
from lyrad.sim.engine.types import (
    EngineRejection,
    Fill,
    OrderRequest,
    OrderSnapshot,
    RejectReason,
)


def place_limit(
    market: Market,
    account: AccountState,
    req: OrderRequest,
    tick: int,
    client_order_id: str,
    now_ms: int,
) -> OrderSnapshot:
    """Execute a validated LIMIT or LIMIT_MAKER at price index `tick`; the order and its fills."""
    price, qty = req.price, req.quantity
    if price is None or qty is None:  # never, after validation
        raise EngineRejection(RejectReason.INVALID_PARAMETER, "price and quantity are required")
    is_buy = req.side is BUY
    if is_buy:
        need, asset = price * qty, market.quote
    else:
        need, asset = qty, market.base
    if account.free[asset] < need:
        raise _insufficient(asset)
    is_maker_only = req.type is LIMIT_MAKER
    if is_maker_only and market.crosses(is_buy, tick):
        raise EngineRejection(RejectReason.WOULD_MATCH, "order would immediately match and take")
    tif = req.time_in_force or GTC
    order_id = market.next_order_id
    market.next_order_id = order_id + 1
    order = LiveOrder(
        order_id,
        client_order_id,
        account,
        market.symbol,
        req.side,
        req.type,
        tif,
        price,
        tick,
        qty,
        ZERO,
        now_ms,
        asset,
    )
    account.remember(order)
    fills: list[Fill] = []
    if tif is FOK and market.preview_qty(is_buy, account, tick, qty)[0] < qty:
        order.status = EXPIRED  # all or nothing: nothing
        return order.snapshot(())
    market.lock(order, need)
    if not is_maker_only:
        market.take(order, tick, now_ms, fills)
    if tif is not GTC:
        order.status = EXPIRED if order.remaining else FILLED
        market.release(order)
    elif order.executed_qty:
        market.rest_or_finish(order)
    else:
        market.rest(order)  # untouched: rests as placed, NEW, its lock exact
    return order.snapshot(tuple(fills))


def place_market(
    market: Market, account: AccountState, req: OrderRequest, client_order_id: str, now_ms: int
) -> OrderSnapshot:
    """Execute a validated MARKET order, by quantity or by quote amount; with its fills."""
    is_buy = req.side is BUY
    qty, budget = req.quantity, req.quote_quantity
    asset = market.asset_held(is_buy)
    need = _market_need(market, account, is_buy, qty, budget)
    if account.free[asset] < need:
        raise _insufficient(asset)
    order = LiveOrder(
        market.new_order_id(),
        client_order_id,
        account,
        market.symbol,
        req.side,
        req.type,
        GTC,
        ZERO,
        0,
        qty or ZERO,
        budget or ZERO,
        now_ms,
        asset,
    )
    account.remember(order)
    market.lock(order, need)
    fills: list[Fill] = []
    if budget is None:
        market.take(order, None, now_ms, fills)
        expired = bool(order.remaining)
    else:
        ran_out = market.take_quote(order, budget, now_ms, fills)
        order.orig_qty = order.executed_qty  # Binance reports what a quote order bought
        expired = ran_out or not order.executed_qty
    order.status = EXPIRED if expired else FILLED
    market.release(order)
    return order.snapshot(tuple(fills))


def _market_need(
    market: Market,
    account: AccountState,
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
        if account.free[market.quote] >= bound:
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
