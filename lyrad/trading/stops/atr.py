"""Average true range with Wilder's smoothing, in exact decimals."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from lyrad.domain.venue import Candle


def true_ranges(candles: Sequence[Candle]) -> list[Decimal]:
    """The true range of every candle after the first (each needs the previous close)."""
    return [
        max(bar.high - bar.low, abs(bar.high - before.close), abs(bar.low - before.close))
        for before, bar in itertools.pairwise(candles)
    ]


def wilder_atr(candles: Sequence[Candle], period: int) -> Decimal | None:
    """ATR(`period`) at the last candle, or None with fewer than `period` + 1 candles.

    The first ATR is the mean of the first `period` true ranges; each later one is
    (previous × (period − 1) + true range) / period. Candles must be closed and in order.
    """
    if period < 1:
        raise ValueError(f"period must be at least 1, got {period}")
    ranges = true_ranges(candles)
    if len(ranges) < period:
        return None
    n = Decimal(period)
    atr = sum(ranges[:period], Decimal(0)) / n
    for tr in ranges[period:]:
        atr = (atr * (n - 1) + tr) / n
    return atr
