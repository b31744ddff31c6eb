"""CSV replay: recordings come back as recorded, shifted to the start; bad lines are named."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lyrad.sim.marketdata import CsvReplaySource, MarketDataSource, ReplayError, ReplayFile

TICK = Decimal("0.01")
RECORDED_MS = 1_600_000_020_000  # 2020-09-13, on a minute boundary
START_MS = 1_699_999_200_000  # on an hour boundary
MINUTE = 60_000

CANDLES = [
    # open, high, low, close, volume
    ("100.00", "101.50", "99.20", "101.00", "12.5"),
    ("101.00", "101.00", "98.00", "98.50", "3.12345678"),
    ("98.50", "99.99", "98.50", "99.99", "0"),
    ("99.99", "105.00", "99.00", "104.00", "7"),
    ("104.00", "104.50", "103.00", "103.10", "1.1"),
    ("103.10", "103.10", "95.00", "96.00", "20"),
]


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _candles_csv(tmp_path: Path) -> Path:
    rows = [
        f"{RECORDED_MS + i * MINUTE},{o},{h},{lo},{c},{v}"
        for i, (o, h, lo, c, v) in enumerate(CANDLES)
    ]
    return _write(tmp_path / "btc_1m.csv", "open_time,open,high,low,close,volume", rows)


def test_candles_replay_as_recorded_from_the_start(tmp_path: Path) -> None:
    src = CsvReplaySource([ReplayFile("BTCUSDT", _candles_csv(tmp_path), TICK)], start_ms=START_MS)
    now = START_MS + len(CANDLES) * MINUTE - 1
    candles = src.klines("BTCUSDT", "1m", start_ms=0, end_ms=now, limit=100)
    assert [c.open_time_ms for c in candles] == [START_MS + i * MINUTE for i in range(6)]
    replayed = [(str(c.open), str(c.high), str(c.low), str(c.close), c.volume) for c in candles]
    assert replayed == [(o, h, lo, c, Decimal(v)) for o, h, lo, c, v in CANDLES]
    after = src.klines("BTCUSDT", "1m", start_ms=now + 1, end_ms=now + 1, limit=1)[0]
    assert (after.open, after.close, after.volume, after.trade_count) == (
        Decimal("96.00"),
        Decimal("96.00"),
        Decimal(0),
        0,
    )  # past the recording: Binance's empty candle at the last close
    five = src.klines("BTCUSDT", "5m", start_ms=START_MS, end_ms=START_MS, limit=1, now_ms=now)[0]
    assert (five.open, five.high, five.low, five.close) == (
        Decimal("100.00"),
        Decimal("105.00"),
        Decimal("98.00"),
        Decimal("103.10"),
    )
    assert five.volume == sum(Decimal(row[4]) for row in CANDLES[:5])


def test_replayed_prices_follow_the_clock_and_stop_at_the_last_trade(tmp_path: Path) -> None:
    src = CsvReplaySource([ReplayFile("BTCUSDT", _candles_csv(tmp_path), TICK)], start_ms=START_MS)
    assert src.price_at("BTCUSDT", START_MS - 1) == Decimal("100.00")  # before: the first price
    assert src.price_at("BTCUSDT", START_MS) == Decimal("100.00")
    assert src.price_at("BTCUSDT", START_MS + MINUTE - 1) == Decimal("101.00")
    assert src.price_at("BTCUSDT", START_MS + 99 * MINUTE) == Decimal("96.00")  # after: the last
    early = src.trades("BTCUSDT", end_ms=START_MS + 90_000, limit=100)
    assert early[-1].time_ms <= START_MS + 90_000
    assert len(early) == 7  # four per candle, a quarter of a minute apart: 4 + 3
    assert src.ticker_24h("BTCUSDT", START_MS + 90_000).last_trade_id == early[-1].trade_id
    quiet = src.ticker_24h("BTCUSDT", START_MS - 1)  # nothing traded yet: Binance's quiet answer
    assert (quiet.first_trade_id, quiet.last_trade_id, quiet.trade_count) == (-1, -1, 0)
    assert (quiet.last, quiet.volume) == (Decimal("100.00"), Decimal(0))


def test_trades_replay_with_tick_rule_sides_and_the_earliest_file_at_the_start(
    tmp_path: Path,
) -> None:
    btc = _write(
        tmp_path / "btc.csv",
        "time,price,qty",
        [
            f"{RECORDED_MS + 500},100.004,0.5",
            f"{RECORDED_MS + 900},100.02,1",
            f"{RECORDED_MS + 900},99.5,2",
        ],
    )
    eth = _write(tmp_path / "eth.csv", "time,price,qty", [f"{RECORDED_MS},10,3"])
    src = CsvReplaySource(
        [ReplayFile("BTCUSDT", btc, TICK), ReplayFile("ETHUSDT", eth, TICK)], start_ms=START_MS
    )
    trades = src.trades("BTCUSDT", from_id=1, end_ms=START_MS + 10_000, limit=10)
    assert [(t.trade_id, t.time_ms) for t in trades] == [
        (1, START_MS + 500),
        (2, START_MS + 900),
        (3, START_MS + 900),
    ]
    assert [t.price for t in trades] == [Decimal("100.00"), Decimal("100.02"), Decimal("99.50")]
    assert [t.is_buyer_maker for t in trades] == [False, False, True]  # flat, uptick, downtick
    assert trades[2].quote_qty == Decimal("199.0000")
    assert src.trades("ETHUSDT", end_ms=START_MS, limit=5)[0].time_ms == START_MS
    ticker = src.ticker_24h("BTCUSDT", START_MS + 10_000)
    assert (ticker.volume, ticker.trade_count, ticker.high, ticker.low) == (
        Decimal("3.5"),
        3,
        Decimal("100.02"),
        Decimal("99.50"),
    )


def test_without_a_start_the_first_query_fixes_it(tmp_path: Path) -> None:
    src: MarketDataSource = CsvReplaySource([ReplayFile("BTCUSDT", _candles_csv(tmp_path), TICK)])
    assert src.trades("BTCUSDT", end_ms=START_MS, limit=5)[0].time_ms == START_MS
    assert src.price_at("BTCUSDT", START_MS + 5 * MINUTE + 59_000) == Decimal("96.00")


BAD = [
    ("open,high,low,close", [], 1, "header"),
    ("time,price,qty", [], 2, "row: no data rows"),
    ("time,price,qty", ["1000,1.5"], 2, "row: expected 3 columns"),
    ("time,price,qty", ["1000,1.5,1", "soon,1.5,1"], 3, "time: not an integer"),
    ("time,price,qty", ["1000,1.5,1", "2000,one,1"], 3, "price: not a decimal number"),
    ("time,price,qty", ["1000,NaN,1"], 2, "price: not a finite number"),
    ("time,price,qty", ["1000,0.001,1"], 2, "price: must be at least one tick"),
    ("time,price,qty", ["1000,1.5,-1"], 2, "qty: must be >= 0"),
    ("time,price,qty", ["1000,1.5,0.000000001"], 2, "qty: more than 8 decimals"),
    ("time,price,qty", ["2000,1.5,1", "1000,1.5,1"], 3, "time: goes back in time"),
    ("open_time,open,high,low,close,volume", ["0,1,2,1,3,1"], 2, "high: is below"),
    ("open_time,open,high,low,close,volume", ["0,1,2,1.5,2,1"], 2, "low: is above"),
    (
        "open_time,open,high,low,close,volume",
        ["60000,1,2,1,2,1", "0,1,2,1,2,1"],
        3,
        "open_time: must increase",
    ),
]


@pytest.mark.parametrize(("header", "rows", "line", "message"), BAD)
def test_a_bad_csv_names_the_file_the_line_and_the_column(
    tmp_path: Path, header: str, rows: list[str], line: int, message: str
) -> None:
    path = _write(tmp_path / "bad.csv", header, rows)
    with pytest.raises(ReplayError) as caught:
        CsvReplaySource([ReplayFile("BTCUSDT", path, TICK)], start_ms=START_MS)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}:{line}: {message}"), text


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match=r"absent.csv: cannot read"):
        CsvReplaySource([ReplayFile("BTCUSDT", tmp_path / "absent.csv", TICK)], start_ms=0)
