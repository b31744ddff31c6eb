"""Synthetic liquidity: the house account's quote ladder around the reference price.

The ladder is rebuilt only when the reference price (or the profile) changes, never per
order. Liquidity taken by users stays taken until the next rebuild. New house quotes are
placed like GTC limit orders, so user orders they cross are filled at the user's price with
the user as maker.
"""

from __future__ import annotations

import random
from decimal import Decimal

from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.arith import ROUNDING, ZERO, ceil_to, floor_to
from lyrad.sim.engine.market import Market
from lyrad.sim.engine.orders import LiveOrder
from lyrad.sim.engine.types import (
    Fill,
    LiquidityProfile,
    OrderStatus,
    OrderType,
    Side,
    SymbolSpec,
    TimeInForce,
)

Level = tuple[Decimal, Decimal]
"""(price, base quantity) of one synthetic quote."""

_BPS = Decimal(10_000)
_JITTER_PERCENT = 10  # each level's size varies by up to this much, from the seeded generator


def ladder(
    spec: SymbolSpec, reference: Decimal, profile: LiquidityProfile, rng: random.Random
) -> tuple[list[Level], list[Level]]:
    """(bids best first, asks best first) on the tick grid, strictly inside the price filter."""
    half_spread = ROUNDING.divide(profile.spread_bps, 2 * _BPS)
    step = ROUNDING.divide(profile.level_step_bps, _BPS)
    bids: list[Level] = []
    asks: list[Level] = []
    for i in range(profile.levels):
        offset = ROUNDING.add(half_spread, ROUNDING.multiply(step, i))
        size = _level_size(profile, i, rng)
        bid = _bid_price(spec, ROUNDING.multiply(reference, 1 - offset), bids)
        if bid is not None:
            bids.append((bid, _level_qty(spec, size, bid)))
        ask = _ask_price(spec, ROUNDING.multiply(reference, 1 + offset), asks, bids)
        if ask is not None:
            asks.append((ask, _level_qty(spec, size, ask)))
    return bids, asks


def requote(
    market: Market, house: AccountState, bids: list[Level], asks: list[Level], now_ms: int
) -> None:
    """Replace the house's quotes in `market` by `bids` and `asks`."""
    for order in list(house.open_orders[market.symbol].values()):
        market.close(order, OrderStatus.CANCELED, now_ms)
    for price, qty in bids:
        _quote(market, house, Side.BUY, price, qty, now_ms)
    for price, qty in asks:
        _quote(market, house, Side.SELL, price, qty, now_ms)
    market.house_intact = True


def _quote(
    market: Market, house: AccountState, side: Side, price: Decimal, qty: Decimal, now_ms: int
) -> None:
    is_buy = side is Side.BUY
    need = price * qty if is_buy else qty
    tick = market.tick_of(price)
    if not qty or house.free[market.asset_held(is_buy)] < need:
        return  # the house is large, not infinite: an unfunded level is left out
    order = LiveOrder(
        market.new_order_id(),
        "",
        house,
        market.symbol,
        side,
        OrderType.LIMIT,
        TimeInForce.GTC,
        price,
        tick,
        qty,
        ZERO,
        now_ms,
        market.asset_held(is_buy),
    )
    market.lock(order, need)
    fills: list[Fill] = []
    market.take(order, tick, now_ms, fills)
    market.rest_or_finish(order)


def _level_size(profile: LiquidityProfile, index: int, rng: random.Random) -> Decimal:
    """Quote value of level `index`: grows by depth_growth per level, jittered by the seed."""
    growth = ROUNDING.power(profile.depth_growth, index)
    jitter = Decimal(100 + rng.randint(-_JITTER_PERCENT, _JITTER_PERCENT)) / 100
    return ROUNDING.multiply(ROUNDING.multiply(profile.level_qty_quote, growth), jitter)


def _level_qty(spec: SymbolSpec, size: Decimal, price: Decimal) -> Decimal:
    qty = floor_to(ROUNDING.divide(size, price), spec.step_size)
    qty = max(qty, spec.min_qty, spec.step_size)
    return min(qty, spec.max_qty) if spec.max_qty else qty


def _bid_price(spec: SymbolSpec, raw: Decimal, bids: list[Level]) -> Decimal | None:
    """`raw` floored to the tick grid, strictly below the previous bid; None below the filter."""
    price = spec.min_price + floor_to(max(raw - spec.min_price, ZERO), spec.tick_size)
    if bids and price >= bids[-1][0]:
        price = bids[-1][0] - spec.tick_size
    if price <= 0 or price < spec.min_price or raw < spec.min_price:
        return None
    return price


def _ask_price(
    spec: SymbolSpec, raw: Decimal, asks: list[Level], bids: list[Level]
) -> Decimal | None:
    """`raw` ceiled to the tick grid, strictly above the previous ask and the best bid."""
    price = spec.min_price + ceil_to(max(raw - spec.min_price, ZERO), spec.tick_size)
    floor = asks[-1][0] if asks else (bids[0][0] if bids else None)
    if floor is not None and price <= floor:
        price = floor + spec.tick_size
    if spec.max_price and price > spec.max_price:
        return None
    return price
