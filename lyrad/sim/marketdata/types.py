"""Market-data value types (Binance shapes, Decimal money) and the source Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Kline:
    """One candle; times are the open and the last millisecond of the interval."""

    open_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time_ms: int
    quote_volume: Decimal
    trade_count: int
    taker_buy_base_volume: Decimal
    taker_buy_quote_volume: Decimal


@dataclass(frozen=True, slots=True)
class PublicTrade:
    """One trade of the public tape."""

    trade_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    time_ms: int
    is_buyer_maker: bool


@dataclass(frozen=True, slots=True)
class Ticker24h:
    """Rolling 24h statistics over the trades in [open_time_ms, close_time_ms]."""

    symbol: str
    open_time_ms: int
    close_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    last_qty: Decimal
    prev_close: Decimal
    volume: Decimal
    quote_volume: Decimal
    weighted_avg_price: Decimal
    price_change: Decimal
    price_change_percent: Decimal
    first_trade_id: int
    last_trade_id: int
    trade_count: int


class MarketDataSource(Protocol):
    """Reference prices and the public market data derived from them, in sim time.

    Nothing after the time a call names exists: pass the venue's now (or earlier) as `end_ms`.
    """

    @property
    def symbols(self) -> tuple[str, ...]: ...

    def price_at(self, symbol: str, t_ms: int) -> Decimal:
        """The reference price: the price of the last trade at or before `t_ms`."""
        ...

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
        """Up to `limit` candles opened in [start_ms, end_ms] (the latest when start_ms is None).

        A candle holds the trades up to `now_ms` (default `end_ms`), so the last one may be open.
        """
        ...

    def trades(
        self,
        symbol: str,
        *,
        end_ms: int,
        limit: int,
        from_id: int | None = None,
        start_ms: int | None = None,
    ) -> list[PublicTrade]:
        """Up to `limit` trades at or before `end_ms`, oldest first.

        From id `from_id`, else from the first trade at or after `start_ms`, else the latest.
        """
        ...

    def ticker_24h(self, symbol: str, now_ms: int) -> Ticker24h:
        """Rolling 24h statistics over the trades in [now_ms - 24h, now_ms]."""
        ...
