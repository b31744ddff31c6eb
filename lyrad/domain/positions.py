"""Position accounting: one fill at a time, average cost with realized PnL on reductions and flips.

The quantity is the sum of the signed fill amounts (fees paid in the base asset do not change it);
`realized_pnl` is gross of fees and `fees_paid` holds the fees valued in the quote asset. With
these definitions `realized_pnl + unrealized_pnl(mark)` equals the quote cash flow of the fills
plus the holding valued at `mark`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from lyrad.domain.values import ZERO, Fill, Position, Side


def split_symbol(symbol: str) -> tuple[str, str]:
    """The base and quote assets of a unified symbol such as `BTC/USDT` (or `BTC/USDT:USDT`)."""
    base, sep, rest = symbol.partition("/")
    quote = rest.partition(":")[0]
    if not sep or not base or not quote:
        raise ValueError(f"not a unified symbol: {symbol!r}")
    return base, quote


def fee_in_quote(fill: Fill, fee_currency_price: Decimal | None = None) -> Decimal | None:
    """The fill's fee valued in the quote asset, or None when there is no price for its currency.

    `fee_currency_price` is the price of the fee currency in the quote asset (needed only when
    the fee is paid in a third asset, such as BNB on a BTC/USDT trade).
    """
    base, quote = split_symbol(fill.symbol)
    if fill.fee_currency == quote:
        return fill.fee
    if fill.fee_currency == base:
        return fill.fee * fill.price
    if fee_currency_price is not None:
        return fill.fee * fee_currency_price
    return None


def apply_fill(
    position: Position, fill: Fill, fee_currency_price: Decimal | None = None
) -> Position:
    """The position after `fill`; the caller guarantees each venue trade is applied once."""
    if (fill.venue, fill.symbol) != (position.venue, position.symbol):
        raise ValueError(
            f"fill {fill.trade_id} on {fill.venue} {fill.symbol} applied to the position "
            f"{position.venue} {position.symbol}"
        )
    if fill.amount <= ZERO:
        raise ValueError(f"fill {fill.trade_id}: amount {fill.amount}")
    fee = fee_in_quote(fill, fee_currency_price)
    moved = _trade(position, fill.side, fill.amount, fill.price)
    if fee is None:
        return moved
    return replace(moved, fees_paid=moved.fees_paid + fee)


def _trade(position: Position, side: Side, amount: Decimal, price: Decimal) -> Position:
    held = position.quantity
    delta = amount if side is Side.BUY else -amount
    if held == ZERO or (held > ZERO) == (delta > ZERO):
        # Opening or adding: the average cost absorbs the new lot.
        size = abs(held) + amount
        average = (abs(held) * position.average_cost + amount * price) / size
        return replace(position, quantity=held + delta, average_cost=average)
    closed = min(amount, abs(held))
    direction = 1 if held > ZERO else -1
    realized = position.realized_pnl + closed * (price - position.average_cost) * direction
    quantity = held + delta
    if quantity == ZERO:
        average = ZERO
    elif (quantity > ZERO) == (held > ZERO):
        average = position.average_cost  # a reduction keeps the cost of what remains
    else:
        average = price  # a flip opens the new side at this fill's price
    return replace(position, quantity=quantity, average_cost=average, realized_pnl=realized)
