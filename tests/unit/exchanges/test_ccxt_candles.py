"""Candles: a captured Binance klines answer through real ccxt in string mode, then lyrad."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest

from lyrad.domain.errors import BadVenueResponse
from lyrad.domain.venue import Candle
from lyrad.exchanges.ccxt_parsing import parse_candles
from lyrad.exchanges.quirks import BINANCE, Endpoint

D = Decimal


@pytest.fixture(scope="module")
def exchange(reference_dir: Path) -> Any:
    client = ccxt.binance(
        {"number": str, "options": {"crossMarginPairsData": [], "isolatedMarginPairsData": []}}
    )
    markets = json.loads((reference_dir / "markets" / "binance.json").read_text())
    client.set_markets([client.parse_market(m["info"]) for m in markets.values() if m["spot"]])
    return client


@pytest.fixture(scope="module")
def spot_klines(reference_dir: Path) -> list[list[object]]:
    methods = json.loads((reference_dir / "response" / "binance.json").read_text())["methods"]
    case = next(c for c in methods["fetchOHLCV"] if c["input"][0] == "BTC/USDT")
    rows: list[list[object]] = case["httpResponse"]
    return rows


def test_captured_klines_arrive_as_the_venues_exact_text(
    exchange: Any, spot_klines: list[list[object]]
) -> None:
    market = exchange.market("BTC/USDT")
    raw = exchange.parse_ohlcvs(spot_klines, market, "1h")
    candles = parse_candles("binance", "BTC/USDT", raw)
    assert candles[0] == Candle(
        1706630400000, D("43519.34"), D("43936"), D("43171"), D("43488.71"), D("20.55495")
    )
    assert str(candles[0].open) == "43519.34000000"  # the wire's text, not a float's
    assert [c.open_time_ms for c in candles] == [1706630400000, 1706634000000, 1706637600000]
    assert candles[-1].close == D("43361.11")


GOOD = [1_000, "10", "12", "9", "11", "5"]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("<html>", "expected a list"),
        ({"rows": []}, "expected a list"),
        ([[1_000, "10", "12", "9"]], "bad row"),
        (["1000,10,12,9,11,5"], "bad row"),
        ([[None, "10", "12", "9", "11", "5"]], "bad open time"),
        ([[1_000.5, "10", "12", "9", "11", "5"]], "bad open time"),
        ([[-5, "10", "12", "9", "11", "5"]], "bad open time"),
        ([[1_000, 10.0, "12", "9", "11", "5"]], "not exact"),  # a float is already rounded
        ([[1_000, "NaN", "12", "9", "11", "5"]], "not exact"),
        ([[1_000, "10", "12", "0", "11", "5"]], "not exact"),
        ([[1_000, "10", "12", "9", "11", "-1"]], "not exact"),
        ([[1_000, "10", "12", "9", "11", None]], "not exact"),
        ([[1_000, "10", "10.5", "9", "11", "5"]], "do not bound"),  # close above high
        ([[1_000, "8", "12", "9", "11", "5"]], "do not bound"),  # open below low
        ([GOOD, GOOD], "not strictly ascending"),
        ([[2_000, *GOOD[1:]], GOOD], "not strictly ascending"),
    ],
)
def test_garbage_is_refused(raw: object, problem: str) -> None:
    with pytest.raises(BadVenueResponse, match=problem):
        parse_candles("v", "BTC/USDT", raw)


def test_an_empty_answer_is_no_candles_and_a_flat_bar_is_valid() -> None:
    assert parse_candles("v", "BTC/USDT", []) == []
    flat = parse_candles("v", "BTC/USDT", [[60_000, "5", "5", "5", "5", "0"]])
    assert flat == [Candle(60_000, D(5), D(5), D(5), D(5), D(0))]


def test_klines_weigh_two_on_binance() -> None:
    assert BINANCE.weights[Endpoint.FETCH_OHLCV].of(limit=1000) == 2
    assert not Endpoint.FETCH_OHLCV.is_write
