"""An adapter that reports every call's health (ok, latency) to whoever watches the venue."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from lyrad.domain.errors import OrderRejected, VenueFatal
from lyrad.domain.values import Balance, Fill, Market
from lyrad.domain.venue import Candle, OrderBook, OrderRequest, Ticker, VenueOrder
from lyrad.exchanges.adapter import CandleSource, ExchangeAdapter

T = TypeVar("T")
HealthReport = Callable[[str, bool, float], None]  # venue, healthy answer, latency in seconds


class ObservedAdapter:
    """Delegates to `inner`; a definitive refusal is a healthy answer, any other fault is not."""

    def __init__(self, inner: ExchangeAdapter, report: HealthReport) -> None:
        self._inner = inner
        self._report = report

    @property
    def venue(self) -> str:
        return self._inner.venue

    async def _observe(self, call: Awaitable[T]) -> T:
        start = time.monotonic()
        healthy = False
        try:
            result = await call
            healthy = True
            return result
        except OrderRejected:
            healthy = True
            raise
        finally:
            self._report(self._inner.venue, healthy, time.monotonic() - start)

    async def load_markets(self) -> Mapping[str, Market]:
        return await self._observe(self._inner.load_markets())

    def market(self, symbol: str) -> Market:
        return self._inner.market(symbol)

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        return await self._observe(self._inner.create_order(request))

    async def cancel_order(
        self,
        symbol: str,
        *,
        client_order_id: str | None = None,
        venue_order_id: str | None = None,
    ) -> VenueOrder:
        return await self._observe(
            self._inner.cancel_order(
                symbol, client_order_id=client_order_id, venue_order_id=venue_order_id
            )
        )

    async def fetch_order(
        self,
        symbol: str,
        *,
        client_order_id: str | None = None,
        venue_order_id: str | None = None,
    ) -> VenueOrder:
        return await self._observe(
            self._inner.fetch_order(
                symbol, client_order_id=client_order_id, venue_order_id=venue_order_id
            )
        )

    async def fetch_open_orders(self, symbol: str | None = None) -> list[VenueOrder]:
        return await self._observe(self._inner.fetch_open_orders(symbol))

    async def fetch_my_trades(
        self, symbol: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        return await self._observe(
            self._inner.fetch_my_trades(symbol, since_ms=since_ms, limit=limit)
        )

    async def fetch_balances(self) -> list[Balance]:
        return await self._observe(self._inner.fetch_balances())

    async def fetch_ticker(self, symbol: str) -> Ticker:
        return await self._observe(self._inner.fetch_ticker(symbol))

    async def fetch_order_book(self, symbol: str, limit: int) -> OrderBook:
        return await self._observe(self._inner.fetch_order_book(symbol, limit))

    async def fetch_time(self) -> int:
        return await self._observe(self._inner.fetch_time())

    async def fetch_ohlcv(
        self,
        symbol: str,
        timeframe: str,
        *,
        since_ms: int | None = None,
        limit: int | None = None,
    ) -> list[Candle]:
        if not isinstance(self._inner, CandleSource):
            raise VenueFatal(self._inner.venue, "this venue serves no candles")
        return await self._observe(
            self._inner.fetch_ohlcv(symbol, timeframe, since_ms=since_ms, limit=limit)
        )

    async def close(self) -> None:
        await self._inner.close()
