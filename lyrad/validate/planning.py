"""Prices and sizes of the suite's orders (VALIDATION.md §6.3 rules 2, 3 and 7), pure functions.

A far order rests `distance` away from the touch, inside the venue's price band with a 10 %
margin, on the passive side of the tick. Its size is the smallest the market accepts at that
price, rounded up to the step, never above the notional cap nor the free balance less a reserve.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from lyrad.domain.values import ZERO, Market, Side
from lyrad.validate.venue_extras import PriceBand

DEFAULT_DISTANCE = Decimal("0.05")
BAND_MARGIN = Decimal("0.10")  # keep 10 % of the band's width away from its edge
TAKER_REACH = Decimal("0.002")  # a marketable limit reaches 0.2 % through the touch
FREE_RESERVE = Decimal("0.02")  # leave 2 % of the free balance untouched


class PlanRefused(ValueError):
    """No order satisfies the rules here (funds, caps, band); the message says which."""


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    side: Side
    price: Decimal
    amount: Decimal

    @property
    def notional(self) -> Decimal:
        return self.price * self.amount


def band_distance(side: Side, band: PriceBand | None, distance: Decimal) -> Decimal:
    """`distance` clamped inside the band's room on the passive side, less the margin."""
    if band is None:
        return distance
    room = (1 - band.bid_down) if side is Side.BUY else (band.ask_up - 1)
    if room <= ZERO:
        raise PlanRefused(f"the venue's price band leaves no room below/above the touch: {band}")
    return min(distance, room * (1 - BAND_MARGIN))


def far_price(
    market: Market,
    side: Side,
    best_bid: Decimal,
    best_ask: Decimal,
    *,
    distance: Decimal = DEFAULT_DISTANCE,
    band: PriceBand | None = None,
) -> Decimal:
    """A resting price `distance` from the touch, inside the band and the market's limits."""
    d = band_distance(side, band, distance)
    raw = best_bid * (1 - d) if side is Side.BUY else best_ask * (1 + d)
    if side is Side.BUY:
        floor = max(market.min_price, market.price_tick)
        raw = max(raw, floor * (1 + BAND_MARGIN))
    elif market.max_price is not None:
        raw = min(raw, market.max_price * (1 - BAND_MARGIN))
    price = market.round_price(raw, side)
    if side is Side.BUY and price >= best_bid:
        raise PlanRefused(f"no far buy price below the bid {best_bid} within the limits")
    if side is Side.SELL and price <= best_ask:
        raise PlanRefused(f"no far sell price above the ask {best_ask} within the limits")
    return price


def _ceil_to_step(value: Decimal, step: Decimal) -> Decimal:
    if step <= ZERO:
        return value
    return ((value / step).to_integral_value(rounding=ROUND_CEILING) * step).quantize(step)


def minimum_amount(market: Market, price: Decimal) -> Decimal:
    """The smallest amount the market accepts at `price` (ccxt's minimum for a limit price)."""
    amount = max(market.min_amount, market.amount_step)
    if market.min_cost > ZERO:
        amount = max(amount, market.min_cost / price)
    amount = _ceil_to_step(amount, market.amount_step)
    while amount * price < market.min_cost:  # rounding of the division can leave it short
        amount += market.amount_step
    return amount


def sized(
    market: Market,
    side: Side,
    price: Decimal,
    *,
    max_notional: Decimal,
    free_quote: Decimal,
    free_base: Decimal,
) -> PlannedOrder:
    """The minimum order at `price`, or PlanRefused when a cap or the funds forbid it."""
    amount = minimum_amount(market, price)
    notional = amount * price
    if notional > max_notional:
        raise PlanRefused(
            f"the minimum order costs {notional} {market.quote}, "
            f"above --max-notional {max_notional}"
        )
    if market.max_amount is not None and amount > market.max_amount:
        raise PlanRefused(f"the minimum amount {amount} is above the market's maximum")
    if side is Side.BUY and notional > free_quote * (1 - FREE_RESERVE):
        raise PlanRefused(
            f"insufficient funds: {notional} {market.quote} needed, {free_quote} free"
        )
    if side is Side.SELL and amount > free_base * (1 - FREE_RESERVE):
        raise PlanRefused(f"insufficient funds: {amount} {market.base} needed, {free_base} free")
    return PlannedOrder(side, price, amount)


def taker_price(market: Market, side: Side, best_bid: Decimal, best_ask: Decimal) -> Decimal:
    """A marketable limit: through the touch by TAKER_REACH, rounded to stay marketable."""
    if side is Side.BUY:
        return market.round_price(best_ask * (1 + TAKER_REACH), Side.SELL)
    return market.round_price(best_bid * (1 - TAKER_REACH), Side.BUY)


def round_trip_loss(
    amount: Decimal, best_bid: Decimal, best_ask: Decimal, taker_fee: Decimal
) -> Decimal:
    """Worst expected cost of buying then selling `amount`: the spread plus two taker fees."""
    spread = best_ask - best_bid
    return spread * amount + 2 * taker_fee * best_ask * amount


def oversized_for_funds(market: Market, price: Decimal, free_quote: Decimal) -> Decimal | None:
    """An amount whose cost exceeds the free quote by 10 %, if the market allows one."""
    amount = _ceil_to_step(free_quote * Decimal("1.1") / price, market.amount_step)
    if market.max_amount is not None and amount > market.max_amount:
        return None
    if market.max_cost is not None and amount * price > market.max_cost:
        return None
    return amount


def below_minimum_notional(market: Market, price: Decimal) -> Decimal | None:
    """An amount on the step grid whose cost is under the market's minimum, if any exists."""
    amount = max(market.min_amount, market.amount_step)
    if market.min_cost <= ZERO or amount * price >= market.min_cost:
        return None
    return amount
