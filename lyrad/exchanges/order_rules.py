"""An order fitted to a market's precision and limits, or refused before it leaves.

The executor may call `conform` before journaling so that the journal and the wire agree;
the adapter calls it again (it is idempotent) and never sends a request that cannot be valid.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from lyrad.domain.errors import OrderRejected
from lyrad.domain.values import ZERO, Market, OrderType, TimeInForce
from lyrad.domain.venue import OrderRequest


def conform(
    market: Market, request: OrderRequest, reference_price: Decimal | None = None
) -> OrderRequest:
    """`request` rounded to the market's step and tick, checked against its limits.

    Amounts round down (never trade more than asked); limit prices round to the passive side.
    The notional of a market order is checked only when a `reference_price` is given.
    Raises OrderRejected naming the rule that the request can never satisfy.
    """
    venue = market.venue
    if request.symbol != market.symbol:
        raise OrderRejected(venue, f"order for {request.symbol} checked against {market.symbol}")
    if not market.active:
        raise OrderRejected(venue, f"{market.symbol}: market is not active")
    amount = _amount(market, request.amount)
    if request.type is OrderType.MARKET:
        if request.price is not None:
            raise OrderRejected(venue, "a market order carries no price")
        if request.time_in_force is TimeInForce.POST_ONLY:
            raise OrderRejected(venue, "a market order cannot be post-only")
        if reference_price is not None:
            _check_notional(market, amount, reference_price)
        return request if _same(amount, request.amount) else replace(request, amount=amount)
    price = _price(market, request)
    _check_notional(market, amount, price)
    if _same(amount, request.amount) and request.price is not None and _same(price, request.price):
        return request  # already fitted (the executor rounds before journaling): no copy
    return replace(request, amount=amount, price=price)


def _amount(market: Market, requested: Decimal) -> Decimal:
    venue = market.venue
    if not requested.is_finite() or requested <= ZERO:
        raise OrderRejected(venue, f"amount {requested} must be above zero")
    amount = market.round_amount(requested)
    if amount <= ZERO or amount < market.min_amount:
        raise OrderRejected(
            venue,
            f"min amount: {requested} rounds to {amount} at step {market.amount_step}, "
            f"below the minimum {market.min_amount}",
        )
    if market.max_amount is not None and amount > market.max_amount:
        raise OrderRejected(venue, f"max amount: {amount} is above {market.max_amount}")
    return amount


def _price(market: Market, request: OrderRequest) -> Decimal:
    venue = market.venue
    requested = request.price
    if requested is None or not requested.is_finite() or requested <= ZERO:
        raise OrderRejected(venue, f"a limit order needs a price above zero, not {requested}")
    price = market.round_price(requested, request.side)
    if price <= ZERO or price < market.min_price:
        raise OrderRejected(
            venue,
            f"min price: {requested} rounds to {price} at tick {market.price_tick}, "
            f"below the minimum {market.min_price}",
        )
    if market.max_price is not None and price > market.max_price:
        raise OrderRejected(venue, f"max price: {price} is above {market.max_price}")
    return price


def _check_notional(market: Market, amount: Decimal, price: Decimal) -> None:
    notional = amount * price
    if notional < market.min_cost:
        raise OrderRejected(
            market.venue,
            f"min notional: {amount} × {price} = {notional} is below {market.min_cost}",
        )
    if market.max_cost is not None and notional > market.max_cost:
        raise OrderRejected(
            market.venue,
            f"max notional: {amount} × {price} = {notional} is above {market.max_cost}",
        )


def _same(a: Decimal, b: Decimal) -> bool:
    """Equal in value and in written form (0.3 and 0.3000 are not the same on the wire)."""
    return a.compare_total(b) == 0
