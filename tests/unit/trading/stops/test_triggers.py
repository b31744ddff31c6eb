"""Each stop's trigger rule, long and short, on the side its exit would trade."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from lyrad.trading.stops.triggers import Watermark, evaluate, executable_price

D = Decimal
LONG, SHORT = PositionSide.LONG, PositionSide.SHORT


def fires(spec: StopSpec, side: PositionSide, price: str | None, now_ms: int = 0) -> bool:
    return evaluate(spec, side, Watermark(), None if price is None else D(price), now_ms).triggered


def walk(
    spec: StopSpec, side: PositionSide, prices: list[str], atr: str | None = None
) -> list[tuple[Watermark, bool]]:
    """Evaluate a path of prices, carrying the watermark along."""
    mark = Watermark()
    seen = []
    for price in prices:
        outcome = evaluate(spec, side, mark, D(price), 0, None if atr is None else D(atr))
        mark = outcome.watermark
        seen.append((mark, outcome.triggered))
    return seen


def test_the_exit_side_prices_a_stop() -> None:
    assert executable_price(LONG, D(99), D(101)) == D(99)  # a long's exit sells at the bid
    assert executable_price(SHORT, D(99), D(101)) == D(101)  # a short's buys at the ask


@pytest.mark.parametrize(
    ("side", "price", "expected"),
    [
        (LONG, "95.01", False),
        (LONG, "95", True),  # touching the level fires
        (LONG, "80", True),  # a gap far through it fires too
        (SHORT, "104.99", False),
        (SHORT, "105", True),
        (SHORT, "130", True),
    ],
)
def test_fixed_stop(side: PositionSide, price: str, expected: bool) -> None:
    level = "95" if side is LONG else "105"
    assert fires(FixedStop(D(level)), side, price) is expected


@pytest.mark.parametrize(
    ("side", "price", "expected"),
    [
        (LONG, "109.99", False),
        (LONG, "110", True),
        (LONG, "150", True),  # gapped up through the target
        (SHORT, "90.01", False),
        (SHORT, "90", True),
        (SHORT, "60", True),
    ],
)
def test_take_profit(side: PositionSide, price: str, expected: bool) -> None:
    level = "110" if side is LONG else "90"
    assert fires(TakeProfit(D(level)), side, price) is expected


def test_price_stops_without_a_price_do_not_fire() -> None:
    for spec in (FixedStop(D(95)), TakeProfit(D(110)), TrailingStop(D("0.1"))):
        assert not fires(spec, LONG, None)


def test_trailing_long_follows_the_high_and_fires_on_the_pullback() -> None:
    spec = TrailingStop(D("0.1"))  # 10 % behind the best bid
    path = walk(spec, LONG, ["100", "110", "120", "115", "108.01", "108"])
    assert [m.peak for m, _ in path] == [D(100), D(110), D(120), D(120), D(120), D(120)]
    assert [m.level for m, _ in path][2:] == [D(108)] * 4
    assert [fired for _, fired in path] == [False, False, False, False, False, True]


def test_trailing_short_follows_the_low_by_an_absolute_distance() -> None:
    spec = TrailingStop(D(5), DistanceUnit.ABSOLUTE)
    path = walk(spec, SHORT, ["100", "90", "94.99", "95"])
    assert [m.peak for m, _ in path] == [D(100), D(90), D(90), D(90)]
    assert [m.level for m, _ in path] == [D(105), D(95), D(95), D(95)]
    assert [fired for _, fired in path] == [False, False, False, True]


def test_a_trailing_stop_fires_on_a_gap_through_its_level() -> None:
    path = walk(TrailingStop(D(2), DistanceUnit.ABSOLUTE), LONG, ["100", "50"])
    assert path[-1] == (Watermark(D(100), D(98)), True)


@given(
    prices=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=40),
    short=st.booleans(),
    fraction=st.booleans(),
)
def test_a_trailing_level_only_ever_tightens(
    prices: list[int], short: bool, fraction: bool
) -> None:
    side = SHORT if short else LONG
    spec = (
        TrailingStop(D("0.05"), DistanceUnit.FRACTION)
        if fraction
        else TrailingStop(D(7), DistanceUnit.ABSOLUTE)
    )
    levels = [m.level for m, _ in walk(spec, side, [str(p) for p in prices])]
    assert all(level is not None for level in levels)
    ordered = [level for level in levels if level is not None]
    assert ordered == (sorted(ordered, reverse=True) if short else sorted(ordered))


def test_time_exit_fires_at_its_deadline_with_or_without_a_price() -> None:
    spec = TimeExit(5_000)
    assert not fires(spec, LONG, "100", now_ms=4_999)
    assert fires(spec, LONG, "100", now_ms=5_000)
    assert fires(spec, SHORT, None, now_ms=9_000)


def test_atr_stop_trails_by_a_multiple_of_atr() -> None:
    spec = AtrStop(D(2), 14, "1h")
    path = walk(spec, LONG, ["100", "104", "97.01", "97"], atr="3.5")
    assert [m.level for m, _ in path] == [D(93), D(97), D(97), D(97)]
    assert [fired for _, fired in path] == [False, False, False, True]
    short = walk(spec, SHORT, ["100", "96", "103"], atr="3.5")
    assert [m.level for m, _ in short] == [D(107), D(103), D(103)]
    assert short[-1][1]


def test_a_widening_atr_never_loosens_the_level() -> None:
    spec = AtrStop(D(2), 14, "1h")
    first = evaluate(spec, LONG, Watermark(), D(100), 0, D(1))
    assert first.watermark.level == D(98)
    wider = evaluate(spec, LONG, first.watermark, D(100), 0, D(10))
    assert wider.watermark.level == D(98)
    assert evaluate(spec, LONG, wider.watermark, D(98), 0, D(10)).triggered


def test_an_atr_stop_without_atr_waits_but_keeps_a_known_level() -> None:
    spec = AtrStop(D(2), 14, "1h")
    unknown = evaluate(spec, LONG, Watermark(), D(50), 0, None)
    assert (unknown.watermark, unknown.triggered) == (Watermark(D(50), None), False)
    known = Watermark(D(100), D(95))
    assert evaluate(spec, LONG, known, D(94), 0, None).triggered
