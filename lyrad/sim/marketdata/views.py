"""Klines, public trades and the 24h ticker, all computed from one tape so that they agree."""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.marketdata import intervals
from lyrad.sim.marketdata.tape import RawTrade, Tape
from lyrad.sim.marketdata.types import Kline, PublicTrade, Ticker24h

DAY_MS = 86_400_000
_PERCENT = Decimal("0.001")
_AVERAGE = Decimal("0.00000001")


def klines(
    tape: Tape,
    interval: str,
    *,
    start_ms: int | None,
    end_ms: int,
    limit: int,
    now_ms: int | None = None,
) -> list[Kline]:
    """Candles opened at or before min(end_ms, now_ms) holding the trades up to now_ms."""
    intervals.check_interval(interval)
    now = end_ms if now_ms is None else now_ms
    first_time = tape.first_time_ms()
    if limit <= 0 or first_time is None or first_time > min(end_ms, now):
        return []
    first_open = intervals.open_time(interval, first_time)
    last_open = intervals.open_time(interval, min(end_ms, now))
    opens = _candle_opens(interval, first_open, last_open, start_ms, limit)
    return [_kline(tape, interval, open_ms, now) for open_ms in opens]


def _candle_opens(
    interval: str, first_open: int, last_open: int, start_ms: int | None, limit: int
) -> list[int]:
    if start_ms is None:
        backwards = [last_open]
        while len(backwards) < limit and backwards[-1] > first_open:
            backwards.append(intervals.previous_open(interval, backwards[-1]))
        return backwards[::-1]
    open_ms = intervals.open_time(interval, start_ms)
    if open_ms < start_ms:
        open_ms = intervals.next_open(interval, open_ms)
    open_ms = max(open_ms, first_open)
    forwards: list[int] = []
    while len(forwards) < limit and open_ms <= last_open:
        forwards.append(open_ms)
        open_ms = intervals.next_open(interval, open_ms)
    return forwards


def _kline(tape: Tape, interval: str, open_ms: int, now_ms: int) -> Kline:
    close_ms = intervals.next_open(interval, open_ms) - 1
    lo = tape.id_after(open_ms - 1)
    hi = tape.id_after(min(close_ms, now_ms))
    agg = tape.aggregate(lo, hi)
    if agg is None:
        # No trade in the interval: Binance repeats the previous close with zero volume.
        price = _price(tape, tape.price_ticks_at(open_ms - 1))
        zero = Decimal(0)
        return Kline(open_ms, price, price, price, price, zero, close_ms, zero, 0, zero, zero)
    return Kline(
        open_time_ms=open_ms,
        open=_price(tape, agg.open),
        high=_price(tape, agg.high),
        low=_price(tape, agg.low),
        close=_price(tape, agg.close),
        volume=_qty(tape, agg.volume),
        close_time_ms=close_ms,
        quote_volume=_quote(tape, agg.quote),
        trade_count=agg.count,
        taker_buy_base_volume=_qty(tape, agg.taker_buy_volume),
        taker_buy_quote_volume=_quote(tape, agg.taker_buy_quote),
    )


def trades(
    tape: Tape,
    *,
    end_ms: int,
    limit: int,
    from_id: int | None = None,
    start_ms: int | None = None,
) -> list[PublicTrade]:
    """Up to `limit` trades at or before `end_ms`: from an id, from a time, or the latest."""
    if limit <= 0:
        return []
    hi = tape.id_after(end_ms)
    if from_id is not None:
        lo = max(from_id, 1)
    elif start_ms is not None:
        lo = tape.id_after(start_ms - 1)
    else:
        lo = max(1, hi - limit)
    return [public_trade(tape, raw) for raw in tape.raw_trades(lo, min(hi, lo + limit))]


def public_trade(tape: Tape, raw: RawTrade) -> PublicTrade:
    """The Decimal view of one raw trade."""
    price = _price(tape, raw.ticks)
    qty = _qty(tape, raw.units)
    return PublicTrade(raw.trade_id, price, qty, price * qty, raw.time_ms, raw.is_buyer_maker)


def ticker_24h(tape: Tape, symbol: str, now_ms: int) -> Ticker24h:
    """Rolling 24h statistics of the trades in [now - 24h, now]."""
    open_ms = now_ms - DAY_MS
    lo = tape.id_after(open_ms - 1)
    hi = tape.id_after(now_ms)
    agg = tape.aggregate(lo, hi)
    if agg is None:
        return _quiet_ticker(tape, symbol, open_ms, now_ms)
    prev_close = agg.open if lo <= 1 else tape.price_ticks_at(open_ms - 1)
    volume = _qty(tape, agg.volume)
    quote_volume = _quote(tape, agg.quote)
    open_price = _price(tape, agg.open)
    last = _price(tape, agg.close)
    change = last - open_price
    return Ticker24h(
        symbol=symbol,
        open_time_ms=open_ms,
        close_time_ms=now_ms,
        open=open_price,
        high=_price(tape, agg.high),
        low=_price(tape, agg.low),
        last=last,
        last_qty=_qty(tape, agg.last_units),
        prev_close=_price(tape, prev_close),
        volume=volume,
        quote_volume=quote_volume,
        weighted_avg_price=_average(quote_volume, volume),
        price_change=change,
        price_change_percent=(change * 100 / open_price).quantize(_PERCENT),
        first_trade_id=agg.first_id,
        last_trade_id=agg.last_id,
        trade_count=agg.count,
    )


def _quiet_ticker(tape: Tape, symbol: str, open_ms: int, now_ms: int) -> Ticker24h:
    # Binance's answer for a symbol without trades in the window: ids -1, zero volumes.
    zero = Decimal(0)
    last = zero if tape.first_time_ms() is None else _price(tape, tape.price_ticks_at(now_ms))
    return Ticker24h(
        symbol, open_ms, now_ms, last, last, last, last, zero, last, zero, zero, zero, zero,
        zero.quantize(_PERCENT), -1, -1, 0,
    )  # fmt: skip


def _average(quote_volume: Decimal, volume: Decimal) -> Decimal:
    if volume == 0:
        return Decimal(0)
    return (quote_volume / volume).quantize(_AVERAGE)


def _price(tape: Tape, ticks: int) -> Decimal:
    return Decimal(ticks) * tape.tick


def _qty(tape: Tape, units: int) -> Decimal:
    return Decimal(units) * tape.quantum


def _quote(tape: Tape, quote_units: int) -> Decimal:
    return Decimal(quote_units) * (tape.tick * tape.quantum)


class TapeSource:
    """A market-data source whose every answer comes from one tape per symbol.

    Subclasses say how a symbol's tape is found (`_tape`); the answers are the same.
    """

    def _tape(self, symbol: str, t_ms: int) -> Tape:
        raise NotImplementedError

    def price_at(self, symbol: str, t_ms: int) -> Decimal:
        """The reference price: the last trade at or before `t_ms`."""
        tape = self._tape(symbol, t_ms)
        return Decimal(tape.price_ticks_at(t_ms)) * tape.tick

    def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_ms: int | None,
        end_ms: int,
        limit: int,
        now_ms: int | None = None,
    ) -> list[Kline]:
        """Candles opened at or before `end_ms`; contents stop at `now_ms` (default `end_ms`)."""
        tape = self._tape(symbol, end_ms if now_ms is None else now_ms)
        return klines(tape, interval, start_ms=start_ms, end_ms=end_ms, limit=limit, now_ms=now_ms)

    def trades(
        self,
        symbol: str,
        *,
        end_ms: int,
        limit: int,
        from_id: int | None = None,
        start_ms: int | None = None,
    ) -> list[PublicTrade]:
        """Up to `limit` trades at or before `end_ms`: from an id, from a time, or the latest."""
        tape = self._tape(symbol, end_ms)
        return trades(tape, end_ms=end_ms, limit=limit, from_id=from_id, start_ms=start_ms)

    def ticker_24h(self, symbol: str, now_ms: int) -> Ticker24h:
        """Rolling 24h statistics up to `now_ms`."""
        return ticker_24h(self._tape(symbol, now_ms), symbol, now_ms)
