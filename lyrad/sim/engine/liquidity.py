"""Synthetic liquidity: the house account's quote ladder around the reference price.

The ladder is rebuilt by set_reference_price (skipped when the price is unchanged and no
house quote has traded since) and by set_liquidity, never per order: liquidity taken by users
stays taken until the next rebuild. New house quotes are placed like GTC limit orders, so
user orders they cross are filled at the user's price with the user as maker.
"""

from __future__ import annotations

import functools
import random
from decimal import Decimal
from typing import Final

from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.arith import ROUNDING, ZERO, ceil_to, exact, floor_to
from lyrad.sim.engine.market import Market
from lyrad.sim.engine.members import BUY, CANCELED, GTC, LIMIT, SELL
from lyrad.sim.engine.orders import LiveOrder
from lyrad.sim.engine.types import (
    LiquidityProfile,
    Side,
    SymbolSpec,
)

Level = tuple[Decimal, Decimal]
"""(price, base quantity) of one synthetic quote."""

_BPS: Final = Decimal(10_000)
# Each level's size varies by up to 10%, drawn from the engine's seeded generator.
_JITTER: Final = tuple(Decimal(100 + p) / 100 for p in range(-10, 11))


@exact
def ladder(
    spec: SymbolSpec, reference: Decimal, profile: LiquidityProfile, rng: random.Random
) -> tuple[list[Level], list[Level]]:
    """(bids best first, asks best first) on the tick grid, strictly inside the price filter."""
    bids: list[Level] = []
    asks: list[Level] = []
    for bid_factor, ask_factor, base_size in _shape(profile):
        size = base_size * _JITTER[_randbelow(rng, len(_JITTER))]
        bid = _bid_price(spec, reference * bid_factor, bids)
        if bid is not None:
            bids.append((bid, _level_qty(spec, size, bid)))
        ask = _ask_price(spec, reference * ask_factor, asks, bids)
        if ask is not None:
            asks.append((ask, _level_qty(spec, size, ask)))
    return bids, asks


@functools.lru_cache(maxsize=16)
def _shape(profile: LiquidityProfile) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
    """Per level: (bid price / reference, ask price / reference, quote value before jitter)."""
    half_spread = ROUNDING.divide(profile.spread_bps, 2 * _BPS)
    step = ROUNDING.divide(profile.level_step_bps, _BPS)
    levels = []
    for i in range(profile.levels):
        offset = ROUNDING.add(half_spread, ROUNDING.multiply(step, i))
        growth = ROUNDING.power(profile.depth_growth, i)
        size = ROUNDING.multiply(profile.level_qty_quote, growth)
        levels.append((ROUNDING.subtract(1, offset), ROUNDING.add(1, offset), size))
    return tuple(levels)


def requote(
    market: Market, house: AccountState, bids: list[Level], asks: list[Level], now_ms: int
) -> None:
    """Replace the house's quotes in `market` by `bids` and `asks`."""
    for order in list(house.ledgers[market.symbol].open_orders.values()):
        market.close(order, CANCELED, now_ms)
    for price, qty in bids:
        _quote(market, house, BUY, price, qty, now_ms)
    for price, qty in asks:
        _quote(market, house, SELL, price, qty, now_ms)
    market.house_intact = True


def _quote(
    market: Market, house: AccountState, side: Side, price: Decimal, qty: Decimal, now_ms: int
) -> None:
    is_buy = side is BUY
    need = price * qty if is_buy else qty
    ledger = house.ledgers[market.symbol]
    holding, proceeds = (ledger.quote, ledger.base) if is_buy else (ledger.base, ledger.quote)
    if not qty or holding.free < need:
        return  # the house is large, not infinite: an unfunded level is left out
    tick = market.tick_of(price)
    order_id = market.next_order_id
    market.next_order_id = order_id + 1
    order = LiveOrder(
        order_id,
        "",
        house,
        market.symbol,
        side,
        LIMIT,
        GTC,
        price,
        tick,
        qty,
        ZERO,
        now_ms,
        holding,
        proceeds,
        ledger,
    )
    market.lock(order, need)
    if market.crosses(is_buy, tick):  # user orders the new quote reaches: the user is maker
        market.take(order, tick, now_ms, [])
        market.rest_or_finish(order)
    else:  # what take and rest_or_finish come to when nothing is in reach
        market.last_update_id += 1
        market.rest(order)


def _randbelow(rng: random.Random, n: int) -> int:
    """rng.randrange(n), the same draws (CPython's rejection sampling on getrandbits), compiled
    with the engine instead of running random.py's Python code twice per level."""
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return r


def _level_qty(spec: SymbolSpec, size: Decimal, price: Decimal) -> Decimal:
    step = spec.step_size
    qty = (size // (price * step)) * step
    # max(qty, min_qty, step) and min(qty, max_qty), spelled out: the builtins are generic
    # calls, and a tie keeps qty as they do
    if spec.min_qty > qty:
        qty = spec.min_qty
    if step > qty:
        qty = step
    if spec.max_qty and spec.max_qty < qty:
        qty = spec.max_qty
    return qty


def _bid_price(spec: SymbolSpec, raw: Decimal, bids: list[Level]) -> Decimal | None:
    """`raw` floored to the tick grid, strictly below the previous bid; None below the filter."""
    above = raw - spec.min_price
    price = spec.min_price + floor_to(ZERO if above < ZERO else above, spec.tick_size)
    if bids and price >= bids[-1][0]:
        price = bids[-1][0] - spec.tick_size
    if price <= ZERO or price < spec.min_price or raw < spec.min_price:
        return None
    return price


def _ask_price(
    spec: SymbolSpec, raw: Decimal, asks: list[Level], bids: list[Level]
) -> Decimal | None:
    """`raw` ceiled to the tick grid, strictly above the previous ask and the best bid."""
    above = raw - spec.min_price
    price = spec.min_price + ceil_to(ZERO if above < ZERO else above, spec.tick_size)
    floor = asks[-1][0] if asks else (bids[0][0] if bids else None)
    if floor is not None and price <= floor:
        price = floor + spec.tick_size
    if spec.max_price and price > spec.max_price:
        return None
    return price
