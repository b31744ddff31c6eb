"""What a stop is: the position it protects and the rule that closes it, as frozen values.

Each spec validates itself at construction (ValueError naming the field), so a stop that
exists is one that can be evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from lyrad.domain.values import ZERO, Side

ONE = Decimal(1)
_TIMEFRAME = re.compile(r"[1-9][0-9]{0,2}[mhdw]")


class PositionSide(StrEnum):
    """Which way the protected position points."""

    LONG = "long"
    SHORT = "short"

    @property
    def opposite(self) -> PositionSide:
        return PositionSide.SHORT if self is PositionSide.LONG else PositionSide.LONG

    @property
    def exit_side(self) -> Side:
        """The order side that closes it: a long is sold, a short bought back."""
        return Side.SELL if self is PositionSide.LONG else Side.BUY

    def held(self, signed_quantity: Decimal) -> Decimal:
        """How much of a signed position is on this side (zero when flat or the other way)."""
        held = signed_quantity if self is PositionSide.LONG else -signed_quantity
        return max(held, ZERO)


class DistanceUnit(StrEnum):
    FRACTION = "fraction"  # of the best price: 0.02 trails 2 % behind
    ABSOLUTE = "absolute"  # in quote currency


@dataclass(frozen=True, slots=True)
class Target:
    """The position a stop protects; `quantity` None means the whole position when it fires."""

    venue: str
    symbol: str
    side: PositionSide
    quantity: Decimal | None = None

    def __post_init__(self) -> None:
        if not self.venue or not self.symbol:
            raise ValueError("target: venue and symbol are required")
        if self.quantity is not None and not (self.quantity.is_finite() and self.quantity > 0):
            raise ValueError(f"target.quantity must be positive, got {self.quantity}")

    @property
    def position_key(self) -> str:
        return f"{self.venue}:{self.symbol}:{self.side.value}"


@dataclass(frozen=True, slots=True)
class FixedStop:
    """Stop-loss: exits once the executable price reaches `price` against the position."""

    price: Decimal

    def __post_init__(self) -> None:
        _positive("fixed_stop.price", self.price)


@dataclass(frozen=True, slots=True)
class TakeProfit:
    """Exits once the executable price reaches `price` in the position's favour."""

    price: Decimal

    def __post_init__(self) -> None:
        _positive("take_profit.price", self.price)


@dataclass(frozen=True, slots=True)
class TrailingStop:
    """Trails the best executable price seen by `distance`; the level only ever tightens."""

    distance: Decimal
    unit: DistanceUnit = DistanceUnit.FRACTION

    def __post_init__(self) -> None:
        _positive("trailing_stop.distance", self.distance)
        if self.unit is DistanceUnit.FRACTION and self.distance >= ONE:
            raise ValueError(f"trailing_stop.distance as a fraction must be < 1: {self.distance}")


@dataclass(frozen=True, slots=True)
class TimeExit:
    """Exits at market once the clock reaches `deadline_ms` (Unix epoch milliseconds)."""

    deadline_ms: int

    def __post_init__(self) -> None:
        if self.deadline_ms <= 0:
            raise ValueError(f"time_exit.deadline_ms must be positive, got {self.deadline_ms}")


@dataclass(frozen=True, slots=True)
class AtrStop:
    """Volatility stop: trails the best price by `multiple` x ATR(`period`) of closed candles.

    ATR uses Wilder's smoothing over `timeframe` candles; like a trailing stop, the level
    only ever tightens (a widening ATR never loosens it).
    """

    multiple: Decimal
    period: int
    timeframe: str

    def __post_init__(self) -> None:
        _positive("atr_stop.multiple", self.multiple)
        if not 1 <= self.period <= 500:
            raise ValueError(f"atr_stop.period must be 1..500, got {self.period}")
        if not _TIMEFRAME.fullmatch(self.timeframe):
            raise ValueError(f"atr_stop.timeframe must look like 1m, 4h, 1d: {self.timeframe!r}")


StopSpec = FixedStop | TakeProfit | TrailingStop | TimeExit | AtrStop

KINDS: dict[type[StopSpec], str] = {
    FixedStop: "fixed_stop",
    TakeProfit: "take_profit",
    TrailingStop: "trailing_stop",
    TimeExit: "time_exit",
    AtrStop: "atr_stop",
}


def kind_of(spec: StopSpec) -> str:
    """The spec's name in the journal, the logs and the control API."""
    return KINDS[type(spec)]


def _positive(name: str, value: Decimal) -> None:
    if not (value.is_finite() and value > ZERO):
        raise ValueError(f"{name} must be a positive number, got {value}")
