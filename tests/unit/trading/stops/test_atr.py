"""ATR with Wilder's smoothing against a hand-computed example, and its refresh."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lyrad.domain.venue import Candle
from lyrad.trading.stops.atr import true_ranges, wilder_atr
from lyrad.trading.stops.candles import AtrTracker
from lyrad.trading.stops.specs import AtrStop
from tests.unit.trading.stops.fakes import SYMBOL, VENUE, FakeCandles

D = Decimal


def bar(t: int, high: str, low: str, close: str) -> Candle:
    return Candle(t * 60_000, D(low), D(high), D(low), D(close), D(1))


# By hand, period 3. True ranges from the second bar on:
#   bar 1: max(11-9, |11-9|, |9-9|)            = 2
#   bar 2: max(12-9, |12-10|, |9-10|)          = 3
#   bar 3: max(11-10, |11-11|, |10-11|)        = 1
#   bar 4: max(13-10, |13-10.5|, |10-10.5|)    = 3
#   bar 5: gap up: max(16-15, |16-12|, |15-12|) = 4
# ATR(3) at bar 3 = (2 + 3 + 1) / 3 = 2
# at bar 4 = (2 * 2 + 3) / 3 = 7/3
# at bar 5 = (7/3 * 2 + 4) / 3 = 26/9
BARS = [
    bar(0, "10", "8", "9"),
    bar(1, "11", "9", "10"),
    bar(2, "12", "9", "11"),
    bar(3, "11", "10", "10.5"),
    bar(4, "13", "10", "12"),
    bar(5, "16", "15", "15.5"),
]


def test_true_ranges_by_hand() -> None:
    assert true_ranges(BARS) == [D(2), D(3), D(1), D(3), D(4)]


def test_wilder_atr_by_hand() -> None:
    assert wilder_atr(BARS[:4], 3) == D(2)
    assert wilder_atr(BARS[:5], 3) == D(7) / D(3)
    assert wilder_atr(BARS, 3) == D(26) / D(9)
    assert isinstance(wilder_atr(BARS, 3), Decimal)


def test_too_little_history_is_no_atr() -> None:
    assert wilder_atr(BARS[:3], 3) is None
    assert wilder_atr([], 1) is None
    assert wilder_atr(BARS[:2], 1) == D(2)
    with pytest.raises(ValueError, match="period"):
        wilder_atr(BARS, 0)


async def test_the_forming_candle_is_left_out_and_refreshes_are_throttled() -> None:
    feed = FakeCandles()
    feed.series = [*BARS[:5], bar(5, "1000", "1", "500")]  # the newest is still forming
    tracker = AtrTracker(feed, refresh_ms=60_000, candles=10)
    spec = AtrStop(D(2), 3, "1m")
    assert await tracker.atr(VENUE, SYMBOL, spec, now_ms=0) == D(7) / D(3)
    feed.series = [*BARS, bar(6, "16", "16", "16")]
    assert await tracker.atr(VENUE, SYMBOL, spec, now_ms=59_999) == D(7) / D(3)  # cached
    assert await tracker.atr(VENUE, SYMBOL, spec, now_ms=60_000) == D(26) / D(9)
    assert feed.calls == [(VENUE, SYMBOL, "1m", 10)] * 2


async def test_a_failed_refresh_keeps_the_last_value() -> None:
    feed = FakeCandles()
    feed.series = BARS
    tracker = AtrTracker(feed, refresh_ms=1_000, candles=2)
    spec = AtrStop(D(1), 3, "1m")
    assert tracker.limit_for(spec) == 5  # at least period + 2, whatever the config says
    first = await tracker.atr(VENUE, SYMBOL, spec, now_ms=0)
    assert first == D(7) / D(3)
    feed.fail = True
    assert await tracker.atr(VENUE, SYMBOL, spec, now_ms=5_000) == first
    feed.fail = False
    feed.series = BARS[:2]  # too short now: the old value stands
    assert await tracker.atr(VENUE, SYMBOL, spec, now_ms=10_000) == first
    assert len(feed.calls) == 3
