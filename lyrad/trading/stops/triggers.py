"""When a stop fires: pure functions of the spec, its watermark and the executable price.

The price a stop compares is the one its exit would trade at: the bid for a long (the exit
sells), the ask for a short (the exit buys). Levels are inclusive and a gap through a level
fires just as a touch does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lyrad.trading.stops.specs import (
    AtrStop,
    DistanceUnit,
    FixedStop,
    PositionSide,
    StopSpec,
    TakeProfit,
    TimeExit,
    TrailingStop,
)


@dataclass(frozen=True, slots=True)
class Watermark:
    """What a stop remembers between marks: the best executable price and its current level."""

    peak: Decimal | None = None  # highest bid since armed (long), lowest ask (short)
    level: Decimal | None = None  # the trigger level of a trailing or ATR stop


@dataclass(frozen=True, slots=True)
class Evaluation:
    watermark: Watermark
    triggered: bool
    price: Decimal | None  # the executable price it was evaluated at


def executable_price(
    side: PositionSide, bid: Decimal | None, ask: Decimal | None
) -> Decimal | None:
    """The price an exit of `side` would trade at."""
    return bid if side is PositionSide.LONG else ask


def evaluate(
    spec: StopSpec,
    side: PositionSide,
    watermark: Watermark,
    price: Decimal | None,
    now_ms: int,
    atr: Decimal | None = None,
) -> Evaluation:
    """One evaluation; `atr` is the current ATR for an AtrStop (None while unknown)."""
    if isinstance(spec, TimeExit):
        return Evaluation(watermark, now_ms >= spec.deadline_ms, price)
    if price is None:
        return Evaluation(watermark, False, None)
    if isinstance(spec, FixedStop):
        return Evaluation(watermark, is_adverse(side, price, spec.price), price)
    if isinstance(spec, TakeProfit):
        return Evaluation(watermark, is_adverse(side.opposite, price, spec.price), price)
    peak = best(side, watermark.peak, price)
    offset = _offset(spec, peak, atr)
    level = watermark.level
    if offset is not None:
        candidate = peak - offset if side is PositionSide.LONG else peak + offset
        level = candidate if level is None else best(side, level, candidate)
    state = Watermark(peak, level)
    if level is None:
        return Evaluation(state, False, price)
    return Evaluation(state, is_adverse(side, price, level), price)


def is_adverse(side: PositionSide, price: Decimal, level: Decimal) -> bool:
    """Has `price` reached `level` against a position of `side`?"""
    return price <= level if side is PositionSide.LONG else price >= level


def best(side: PositionSide, current: Decimal | None, price: Decimal) -> Decimal:
    """The better of two prices for a position of `side` (a long likes them high)."""
    if current is None:
        return price
    return max(current, price) if side is PositionSide.LONG else min(current, price)


def _offset(spec: TrailingStop | AtrStop, peak: Decimal, atr: Decimal | None) -> Decimal | None:
    if isinstance(spec, TrailingStop):
        return spec.distance * peak if spec.unit is DistanceUnit.FRACTION else spec.distance
    return None if atr is None else spec.multiple * atr
