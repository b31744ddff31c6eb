"""What one fill does to the balances of its venue account (pure; the journal persists it).

The received asset's free balance grows by what was received; the spent asset is taken first from
what the order had reserved (`used`: a limit order's locked funds), the rest from `free`; the fee
is paid from the free balance of its currency. The total (free + used) of every asset therefore
moves by exactly the fill's cash flow; how it splits between free and used is exact again at the
next venue snapshot (`replace_balances`), since `used` also holds other orders' reservations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from lyrad.domain.orders import Order
from lyrad.domain.positions import split_symbol
from lyrad.domain.values import ZERO, Balance, Fill, OrderType, Side


def fill_assets(fill: Fill) -> tuple[str, ...]:
    """Every asset whose balance `fill` changes."""
    base, quote = split_symbol(fill.symbol)
    return tuple(dict.fromkeys((base, quote, fill.fee_currency)))


def balances_after_fill(
    balances: Mapping[str, Balance], order: Order, fill: Fill
) -> dict[str, Balance]:
    """The new balances of the assets `fill` touches; missing assets start at zero."""
    base, quote = split_symbol(fill.symbol)
    if fill.side is Side.BUY:
        received, received_amount, spent, spent_amount = base, fill.amount, quote, fill.cost
    else:
        received, received_amount, spent, spent_amount = quote, fill.cost, base, fill.amount
    result = {
        asset: balances.get(asset) or Balance(venue=fill.venue, asset=asset, free=ZERO, used=ZERO)
        for asset in fill_assets(fill)
    }
    paying = result[spent]
    release = min(_reserved(order, fill, spent_amount), max(paying.used, ZERO))
    result[spent] = replace(
        paying, free=paying.free + release - spent_amount, used=paying.used - release
    )
    result[received] = _add_free(result[received], received_amount)
    result[fill.fee_currency] = _add_free(result[fill.fee_currency], -fill.fee)
    return result


def _reserved(order: Order, fill: Fill, spent_amount: Decimal) -> Decimal:
    """What the venue had locked for this much of the order (nothing for a market order)."""
    if order.type is not OrderType.LIMIT:
        return ZERO
    if fill.side is Side.BUY and order.price is not None:
        return fill.amount * order.price  # a better price than the limit frees the difference
    return spent_amount


def _add_free(balance: Balance, amount: Decimal) -> Balance:
    return replace(balance, free=balance.free + amount)
