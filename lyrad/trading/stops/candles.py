"""Candles for ATR stops: where they come from, and the ATR kept fresh per series."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import structlog

from lyrad.domain.errors import LyradError, VenueError
from lyrad.domain.venue import Candle
from lyrad.exchanges.adapter import CandleSource
from lyrad.trading.stops.atr import wilder_atr
from lyrad.trading.stops.specs import AtrStop

log = structlog.get_logger("lyrad.stops", component="stops")


class CandlesUnavailable(LyradError):
    """No candles for this venue now (not connected, or its adapter serves none)."""


class CandleFeed(Protocol):
    async def candles(self, venue: str, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        """The latest `limit` candles, oldest first, the newest possibly still forming."""
        ...


class AdapterCandles:
    """A CandleFeed over the live adapters by venue (they come and go as venues restart)."""

    def __init__(self, adapters: Mapping[str, object]) -> None:
        self._adapters = adapters

    async def candles(self, venue: str, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        adapter = self._adapters.get(venue)
        if adapter is None:
            raise CandlesUnavailable(f"{venue} is not connected")
        if not isinstance(adapter, CandleSource):
            raise CandlesUnavailable(f"{venue}'s adapter serves no candles")
        return await adapter.fetch_ohlcv(symbol, timeframe, limit=limit)


@dataclass(frozen=True, slots=True)
class _Reading:
    atr: Decimal | None
    tried_ms: int


class AtrTracker:
    """ATR per (venue, symbol, timeframe, period), refetched at most every `refresh_ms`.

    The newest candle is left out: the venue serves the one still forming last. A failed
    refresh keeps the previous value until the next attempt.
    """

    def __init__(self, feed: CandleFeed, *, refresh_ms: int, candles: int) -> None:
        self._feed = feed
        self._refresh_ms = refresh_ms
        self._candles = candles
        self._readings: dict[tuple[str, str, str, int], _Reading] = {}

    def limit_for(self, spec: AtrStop) -> int:
        return max(self._candles, spec.period + 2)

    async def atr(self, venue: str, symbol: str, spec: AtrStop, now_ms: int) -> Decimal | None:
        key = (venue, symbol, spec.timeframe, spec.period)
        reading = self._readings.get(key)
        if reading is not None and now_ms - reading.tried_ms < self._refresh_ms:
            return reading.atr
        previous = reading.atr if reading is not None else None
        try:
            candles = await self._feed.candles(venue, symbol, spec.timeframe, self.limit_for(spec))
        except (VenueError, CandlesUnavailable) as error:
            log.warning("stop_atr_unavailable", venue=venue, symbol=symbol, error=str(error))
            value = previous
        else:
            value = wilder_atr(candles[:-1], spec.period)
            if value is None:
                log.warning(
                    "stop_atr_short_history",
                    venue=venue,
                    symbol=symbol,
                    timeframe=spec.timeframe,
                    candles=len(candles),
                    period=spec.period,
                )
                value = previous
        self._readings[key] = _Reading(value, now_ms)
        return value
