"""Exposure in one quote currency, before and after an order fills: what the limits measure.

Positions are valued at their mark (reference price), or at their average cost when no mark is
known yet; a position with neither cannot be valued, and a limit that needs it refuses the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lyrad.domain.values import ZERO, Position
from lyrad.trading.risk.view import RiskView


def quote_of(symbol: str) -> str | None:
    """`BTC/USDT` -> `USDT` (and `BTC/USDT:USDT` -> `USDT`); None for a symbol without one."""
    _, slash, rest = symbol.partition("/")
    quote = rest.partition(":")[0]
    return quote if slash and quote else None


def usable_price(price: Decimal | None) -> Decimal | None:
    """A price that can value something: finite and positive, else None."""
    if price is None or not price.is_finite() or price <= ZERO:
        return None
    return price


def value_price(view: RiskView, position: Position) -> Decimal | None:
    mark = usable_price(view.reference_price(position.venue, position.symbol))
    return mark if mark is not None else usable_price(position.average_cost)


@dataclass(frozen=True, slots=True)
class Unvalued:
    """A position that has no price to value it at."""

    venue: str
    symbol: str

    def __str__(self) -> str:
        return f"no price to value {self.symbol} on {self.venue}"


@dataclass(frozen=True, slots=True)
class Projection:
    """The traded symbol's position and its quote's exposure, now and after the order fills."""

    quote: str
    mark: Decimal  # the traded symbol is valued at this, before and after
    quantity_before: Decimal
    quantity_after: Decimal
    gross_before: Decimal
    gross_after: Decimal
    net_before: Decimal  # absolute
    net_after: Decimal


def project(
    view: RiskView, venue: str, symbol: str, quote: str, mark: Decimal, signed_amount: Decimal
) -> Projection | Unvalued:
    """Gross and net exposure in `quote` over every venue, with `signed_amount` added."""
    gross = ZERO
    net = ZERO
    for position in view.positions():
        if (position.venue, position.symbol) == (venue, symbol) or position.quantity == ZERO:
            continue
        if quote_of(position.symbol) != quote:
            continue
        price = value_price(view, position)
        if price is None:
            return Unvalued(position.venue, position.symbol)
        gross += abs(position.quantity) * price
        net += position.quantity * price
    before = view.position(venue, symbol).quantity
    after = before + signed_amount
    return Projection(
        quote=quote,
        mark=mark,
        quantity_before=before,
        quantity_after=after,
        gross_before=gross + abs(before) * mark,
        gross_after=gross + abs(after) * mark,
        net_before=abs(net + before * mark),
        net_after=abs(net + after * mark),
    )
