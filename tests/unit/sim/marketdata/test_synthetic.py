"""Klines, trades and the 24h ticker of the synthetic source agree with each other and the path."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lyrad.sim.marketdata import INTERVALS, Kline, MarketDataSource, PublicTrade, Regime
from lyrad.sim.marketdata.intervals import next_open, open_time
from tests.unit.sim.marketdata.helpers import HOUR, MINUTE, START_MS, btc, eth, source

HISTORY_MS = 10 * MINUTE
SRC: MarketDataSource = source(
    btc(volatility=0.05, jump_intensity=10.0, jump_std=0.01),
    eth(
        regimes=(
            Regime("calm", drift=0.0, volatility=0.01, mean_duration_s=600),
            Regime("storm", drift=-0.2, volatility=0.2, mean_duration_s=300),
        ),
        trades_per_step=6,
    ),
    seed=4,
    history_s=HISTORY_MS / 1000,
)
SYMBOLS = st.sampled_from(["BTCUSDT", "ETHUSDT"])
NOW = st.integers(min_value=START_MS - HISTORY_MS + 1, max_value=START_MS + 2 * HOUR)
EVERYTHING = 10**7


def _check_kline_against_trades(candle: Kline, trades: list[PublicTrade]) -> None:
    assert trades, "every step of the synthetic tape trades"
    assert candle.open == trades[0].price
    assert candle.close == trades[-1].price
    assert candle.high == max(t.price for t in trades)
    assert candle.low == min(t.price for t in trades)
    assert candle.volume == sum(t.qty for t in trades)
    assert candle.quote_volume == sum(t.quote_qty for t in trades)
    assert candle.trade_count == len(trades)
    assert candle.taker_buy_base_volume == sum(t.qty for t in trades if not t.is_buyer_maker)
    assert candle.taker_buy_quote_volume == sum(t.quote_qty for t in trades if not t.is_buyer_maker)


@settings(max_examples=40)
@given(
    symbol=SYMBOLS,
    now=NOW,
    interval=st.sampled_from(["1s", "1m", "3m", "5m", "15m"]),
    limit=st.integers(1, 3),
)
def test_candles_agree_with_the_trades_inside_them(
    symbol: str, now: int, interval: str, limit: int
) -> None:
    candles = SRC.klines(symbol, interval, start_ms=None, end_ms=now, limit=limit)
    assert 1 <= len(candles) <= limit
    assert candles[-1].open_time_ms <= now <= candles[-1].close_time_ms
    for candle in candles:
        cutoff = min(candle.close_time_ms, now)
        trades = SRC.trades(symbol, start_ms=candle.open_time_ms, end_ms=cutoff, limit=EVERYTHING)
        assert all(candle.open_time_ms <= t.time_ms <= cutoff for t in trades)
        _check_kline_against_trades(candle, trades)


@settings(max_examples=30)
@given(
    symbol=SYMBOLS,
    now=NOW,
    interval=st.sampled_from(["30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"]),
)
def test_long_candles_are_the_merge_of_their_minutes(symbol: str, now: int, interval: str) -> None:
    for candle in SRC.klines(symbol, interval, start_ms=None, end_ms=now, limit=3):
        cutoff = min(candle.close_time_ms, now)
        minutes = SRC.klines(symbol, "1m", start_ms=candle.open_time_ms, end_ms=cutoff, limit=1000)
        assert minutes[0].open_time_ms >= candle.open_time_ms
        assert candle.open == minutes[0].open
        assert candle.close == minutes[-1].close
        assert candle.high == max(m.high for m in minutes)
        assert candle.low == min(m.low for m in minutes)
        assert candle.volume == sum(m.volume for m in minutes)
        assert candle.quote_volume == sum(m.quote_volume for m in minutes)
        assert candle.trade_count == sum(m.trade_count for m in minutes)
        assert candle.taker_buy_base_volume == sum(m.taker_buy_base_volume for m in minutes)


@given(symbol=SYMBOLS, now=st.integers(START_MS - HISTORY_MS, START_MS + 3 * HOUR))
def test_the_last_trade_is_the_current_price_and_nothing_comes_from_the_future(
    symbol: str, now: int
) -> None:
    price = SRC.price_at(symbol, now)
    latest = SRC.trades(symbol, end_ms=now, limit=5)
    assert latest[-1].price == price
    assert all(t.time_ms <= now for t in latest)
    assert [t.trade_id for t in latest] == list(range(latest[0].trade_id, latest[-1].trade_id + 1))
    assert [t.time_ms for t in latest] == sorted(t.time_ms for t in latest)
    assert SRC.trades(symbol, end_ms=now, limit=10, from_id=latest[-1].trade_id) == [latest[-1]]
    second = SRC.klines(symbol, "1s", start_ms=None, end_ms=now, limit=1)
    assert second[0].close == price
    assert second[0].open_time_ms <= now
    ticker = SRC.ticker_24h(symbol, now)
    assert (ticker.last, ticker.last_trade_id, ticker.close_time_ms) == (
        price,
        latest[-1].trade_id,
        now,
    )


def test_every_trade_is_on_the_path_at_its_time() -> None:
    trades = SRC.trades("ETHUSDT", end_ms=START_MS + HOUR, limit=1000)
    assert len(trades) == 1000
    assert all(t.price == SRC.price_at("ETHUSDT", t.time_ms) for t in trades)
    assert all(t.qty > 0 and t.quote_qty == t.price * t.qty for t in trades)
    assert {t.is_buyer_maker for t in trades} == {True, False}


@settings(max_examples=15)
@given(symbol=SYMBOLS, now=st.integers(START_MS, START_MS + 30 * MINUTE))
def test_the_ticker_agrees_with_the_trades_of_its_window(symbol: str, now: int) -> None:
    ticker = SRC.ticker_24h(symbol, now)
    trades = SRC.trades(symbol, from_id=1, end_ms=now, limit=EVERYTHING)  # the whole window
    assert ticker.open_time_ms == now - 86_400_000
    assert (ticker.first_trade_id, ticker.last_trade_id) == (1, trades[-1].trade_id)
    assert ticker.trade_count == len(trades)
    assert (ticker.open, ticker.last, ticker.prev_close) == (
        trades[0].price,
        trades[-1].price,
        trades[0].price,
    )
    assert ticker.high == max(t.price for t in trades)
    assert ticker.low == min(t.price for t in trades)
    assert ticker.volume == sum(t.qty for t in trades)
    assert ticker.quote_volume == sum(t.quote_qty for t in trades)
    assert ticker.last_qty == trades[-1].qty
    assert ticker.price_change == ticker.last - ticker.open
    expected_pct = (ticker.price_change * 100 / ticker.open).quantize(Decimal("0.001"))
    assert ticker.price_change_percent == expected_pct
    average = (ticker.quote_volume / ticker.volume).quantize(Decimal("1e-8"))
    assert ticker.weighted_avg_price == average


def test_a_full_day_ticker_window_starts_inside_the_tape() -> None:
    src = source(btc(volatility=0.03, trades_per_step=1), history_s=0, cache_chunks=200)
    now = START_MS + 24 * HOUR + 12_345
    ticker = src.ticker_24h("BTCUSDT", now)
    window = src.trades("BTCUSDT", start_ms=now - 86_400_000, end_ms=now, limit=EVERYTHING)
    before = src.trades("BTCUSDT", end_ms=now - 86_400_000 - 1, limit=1)
    assert window[0].time_ms >= ticker.open_time_ms > before[-1].time_ms
    assert (ticker.first_trade_id, ticker.last_trade_id) == (
        window[0].trade_id,
        window[-1].trade_id,
    )
    assert ticker.trade_count == len(window) == ticker.last_trade_id - ticker.first_trade_id + 1
    assert ticker.prev_close == before[-1].price
    assert (ticker.open, ticker.last) == (window[0].price, window[-1].price)
    assert (ticker.high, ticker.low) == (
        max(t.price for t in window),
        min(t.price for t in window),
    )
    assert ticker.volume == sum(t.qty for t in window)
    assert ticker.quote_volume == sum(t.quote_qty for t in window)


@pytest.mark.parametrize("interval", INTERVALS)
def test_candles_follow_binance_alignment(interval: str) -> None:
    now = START_MS + 2 * HOUR + 1234
    candles = SRC.klines("BTCUSDT", interval, start_ms=None, end_ms=now, limit=3)
    assert candles
    for candle in candles:
        assert open_time(interval, candle.open_time_ms) == candle.open_time_ms
        assert candle.close_time_ms == next_open(interval, candle.open_time_ms) - 1
    for earlier, later in itertools.pairwise(candles):
        assert later.open_time_ms == earlier.close_time_ms + 1


def test_candles_from_a_start_time_and_around_the_history() -> None:
    start = START_MS + 30 * MINUTE + 1
    now = START_MS + HOUR
    candles = SRC.klines("BTCUSDT", "1m", start_ms=start, end_ms=now, limit=10)
    assert [c.open_time_ms for c in candles] == [
        open_time("1m", start) + (i + 1) * MINUTE for i in range(10)
    ]
    first_trade = SRC.trades("BTCUSDT", from_id=1, end_ms=now, limit=1)[0]
    early = SRC.klines("BTCUSDT", "1m", start_ms=0, end_ms=now, limit=2)
    assert early[0].open_time_ms == open_time("1m", first_trade.time_ms)
    assert SRC.klines("BTCUSDT", "1m", start_ms=None, end_ms=first_trade.time_ms - 1, limit=5) == []


def test_candles_can_end_earlier_than_now() -> None:
    now = START_MS + HOUR
    end = START_MS + 20 * MINUTE
    until_end = SRC.klines("BTCUSDT", "1h", start_ms=None, end_ms=end, limit=1)[0]
    until_now = SRC.klines("BTCUSDT", "1h", start_ms=None, end_ms=end, limit=1, now_ms=now)[0]
    assert until_end.open_time_ms == until_now.open_time_ms
    assert until_now.trade_count > until_end.trade_count  # the candle went on trading


def test_trade_paging_by_id_and_by_time() -> None:
    now = START_MS + HOUR
    page = SRC.trades("BTCUSDT", from_id=500, end_ms=now, limit=20)
    assert [t.trade_id for t in page] == list(range(500, 520))
    since = START_MS + 10 * MINUTE + 1
    later = SRC.trades("BTCUSDT", start_ms=since, end_ms=now, limit=3)
    earlier = SRC.trades("BTCUSDT", from_id=later[0].trade_id - 1, end_ms=now, limit=1)
    assert later[0].time_ms >= since > earlier[0].time_ms
    assert SRC.trades("BTCUSDT", end_ms=now, limit=0) == []
    future = SRC.trades("BTCUSDT", end_ms=now, limit=1)[0].trade_id + 1
    assert SRC.trades("BTCUSDT", from_id=future, end_ms=now, limit=10) == []


def test_unknown_symbols_and_intervals_are_refused() -> None:
    with pytest.raises(KeyError, match="XRPUSDT"):
        SRC.price_at("XRPUSDT", START_MS)
    with pytest.raises(ValueError, match="7m"):
        SRC.klines("BTCUSDT", "7m", start_ms=None, end_ms=START_MS, limit=1)
