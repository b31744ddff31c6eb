"""Specs refuse nonsense; records survive their JSON form exactly; garbage is refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.values import Side
from lyrad.trading.stops.records import (
    StopRecord,
    StopStatus,
    StopsUnreadable,
    dump_document,
    load_document,
    parse_spec,
    spec_json,
)
from lyrad.trading.stops.specs import (
    AtrStop,
    DistanceUnit,
    FixedStop,
    PositionSide,
    StopSpec,
    TakeProfit,
    Target,
    TimeExit,
    TrailingStop,
)
from lyrad.trading.stops.triggers import Watermark

D = Decimal

SPECS: list[StopSpec] = [
    FixedStop(D("94.125")),
    TakeProfit(D("0.00000001")),
    TrailingStop(D("0.015")),
    TrailingStop(D("12.5"), DistanceUnit.ABSOLUTE),
    TimeExit(1_700_000_000_000),
    AtrStop(D("2.5"), 14, "4h"),
]


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda: FixedStop(D(0)), "fixed_stop.price"),
        (lambda: TakeProfit(D("NaN")), "take_profit.price"),
        (lambda: TrailingStop(D(1)), "fraction must be < 1"),
        (lambda: TrailingStop(D(-1), DistanceUnit.ABSOLUTE), "distance"),
        (lambda: TimeExit(0), "deadline_ms"),
        (lambda: AtrStop(D(2), 0, "1h"), "period"),
        (lambda: AtrStop(D(2), 14, "1M"), "timeframe"),
        (lambda: AtrStop(D(0), 14, "1h"), "multiple"),
        (lambda: Target("v", "", PositionSide.LONG), "symbol"),
        (lambda: Target("v", "BTC/USDT", PositionSide.LONG, D(0)), "quantity"),
    ],
)
def test_specs_refuse_nonsense(build: object, problem: str) -> None:
    assert callable(build)
    with pytest.raises(ValueError, match=problem):
        build()


def test_a_position_side_knows_its_exit_and_what_it_holds() -> None:
    assert PositionSide.LONG.exit_side is Side.SELL
    assert PositionSide.SHORT.exit_side is Side.BUY
    assert PositionSide.LONG.held(D("1.5")) == D("1.5")
    assert PositionSide.LONG.held(D("-1.5")) == D(0)
    assert PositionSide.SHORT.held(D("-1.5")) == D("1.5")
    assert PositionSide.SHORT.opposite is PositionSide.LONG


@pytest.mark.parametrize("spec", SPECS)
def test_every_spec_round_trips(spec: StopSpec) -> None:
    assert parse_spec(json.loads(json.dumps(spec_json(spec)))) == spec


@given(
    peak=st.decimals(allow_nan=False, allow_infinity=False, places=8),
    quantity=st.one_of(
        st.none(),
        st.decimals(min_value=D("0.00000001"), allow_nan=False, allow_infinity=False, places=8),
    ),
    spec=st.sampled_from(SPECS),
    status=st.sampled_from(list(StopStatus)),
)
def test_records_round_trip_exactly(
    peak: Decimal, quantity: Decimal | None, spec: StopSpec, status: StopStatus
) -> None:
    record = StopRecord(
        stop_id="a1",
        target=Target("v", "BTC/USDT", PositionSide.SHORT, quantity),
        spec=spec,
        group="g",
        status=status,
        created_ms=1,
        updated_ms=2,
        watermark=Watermark(peak, None),
        attempts=2,
        client_order_id="cid",
        reason="why",
        native_ref=None,
    )
    (back,) = load_document(dump_document([record]))
    assert back == record
    assert str(back.watermark.peak) == str(peak)  # the same digits, not just the same value


def test_no_document_is_no_stops() -> None:
    assert load_document(None) == []


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": 2, "stops": []}',
        '{"version": 1}',
        '{"version": 1, "stops": [{"id": "x"}]}',
        '{"version": 1, "stops": [{"id": "x", "venue": "v", "symbol": "S", "side": "up"}]}',
    ],
)
def test_an_unreadable_document_is_refused_not_forgotten(text: str) -> None:
    with pytest.raises(StopsUnreadable):
        load_document(text)


def test_a_bad_spec_inside_a_document_is_refused() -> None:
    record = StopRecord(
        "a", Target("v", "S", PositionSide.LONG), FixedStop(D(1)), "g", StopStatus.ACTIVE, 1, 1
    )
    body = json.loads(dump_document([record]))
    body["stops"][0]["spec"] = {"kind": "fixed_stop", "price": 1.5}  # a float is no price
    with pytest.raises(StopsUnreadable, match="decimal as text"):
        load_document(json.dumps(body))
    body["stops"][0]["spec"] = {"kind": "moon_stop"}
    with pytest.raises(StopsUnreadable, match="moon_stop"):
        load_document(json.dumps(body))
