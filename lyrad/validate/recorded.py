"""The adapter as the checks see it: every call goes through the real one and into the CallLog."""

from __future__ import annotations

from collections.abc import Mapping

from lyrad.domain.values import Balance, Fill, Market
from lyrad.domain.venue import Candle, OrderBook, OrderRequest, Ticker, VenueOrder
from lyrad.exchanges.adapter import CandleSource, ExchangeAdapter
from lyrad.validate.calls import CallKind, CallLog
from lyrad.validate.model import NotRun
from lyrad.validate.venue_extras import (
    BookSequence,
    KeyPermissions,
    PublicTrade,
    PublishedRules,
    ResponseInfo,
    StructureAudit,
    StructureKind,
    TradingFee,
    VenueDescription,
    VenueExtras,
    VenueStatus,
)

_PUBLIC, _PRIVATE = CallKind.PUBLIC, CallKind.PRIVATE


class RecordedAdapter:
    """An ExchangeAdapter that logs each call (method, target, time, outcome) to `log`."""

    def __init__(self, inner: ExchangeAdapter, log: CallLog) -> None:
        self.inner = inner
        self._log = log

    @property
    def venue(self) -> str:
        return self.inner.venue

    async def load_markets(self) -> Mapping[str, Market]:
        return await self._log.call("load_markets", "", _PUBLIC, self.inner.load_markets)

    def market(self, symbol: str) -> Market:
        return self.inner.market(symbol)

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        return await self._log.call(
            "create_order",
            request.client_order_id,
            CallKind.ORDER_ACK,
            lambda: self.inner.create_order(request),
        )

    async def cancel_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        return await self._log.call(
            "cancel_order",
            client_order_id or venue_order_id or "",
            CallKind.CANCEL_ACK,
            lambda: self.inner.cancel_order(
                symbol, client_order_id=client_order_id, venue_order_id=venue_order_id
            ),
        )

    async def fetch_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        return await self._log.call(
            "fetch_order",
            client_order_id or venue_order_id or "",
            _PRIVATE,
            lambda: self.inner.fetch_order(
                symbol, client_order_id=client_order_id, venue_order_id=venue_order_id
            ),
        )

    async def fetch_open_orders(self, symbol: str | None = None) -> list[VenueOrder]:
        return await self._log.call(
            "fetch_open_orders",
            symbol or "*",
            _PRIVATE,
            lambda: self.inner.fetch_open_orders(symbol),
        )

    async def fetch_my_trades(
        self, symbol: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        return await self._log.call(
            "fetch_my_trades",
            symbol,
            _PRIVATE,
            lambda: self.inner.fetch_my_trades(symbol, since_ms=since_ms, limit=limit),
        )

    async def fetch_balances(self) -> list[Balance]:
        return await self._log.call("fetch_balances", "", _PRIVATE, self.inner.fetch_balances)

    async def fetch_ticker(self, symbol: str) -> Ticker:
        return await self._log.call(
            "fetch_ticker", symbol, _PUBLIC, lambda: self.inner.fetch_ticker(symbol)
        )

    async def fetch_order_book(self, symbol: str, limit: int) -> OrderBook:
        return await self._log.call(
            "fetch_order_book",
            f"{symbol} limit={limit}",
            _PUBLIC,
            lambda: self.inner.fetch_order_book(symbol, limit),
        )

    async def fetch_time(self) -> int:
        return await self._log.call("fetch_time", "", _PUBLIC, self.inner.fetch_time)

    @property
    def serves_candles(self) -> bool:
        return isinstance(self.inner, CandleSource)

    async def fetch_ohlcv(
        self, symbol: str, timeframe: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        inner = self.inner
        if not isinstance(inner, CandleSource):
            raise NotRun("the adapter serves no candles")
        return await self._log.call(
            "fetch_ohlcv",
            f"{symbol} {timeframe} since={since_ms} limit={limit}",
            _PUBLIC,
            lambda: inner.fetch_ohlcv(symbol, timeframe, since_ms=since_ms, limit=limit),
        )

    async def close(self) -> None:
        await self.inner.close()


class RecordedExtras:
    """VenueExtras with every venue call logged like the adapter's."""

    def __init__(self, inner: VenueExtras, log: CallLog) -> None:
        self.inner = inner
        self._log = log

    def describe(self) -> VenueDescription:
        return self.inner.describe()

    def last_response(self) -> ResponseInfo:
        return self.inner.last_response()

    async def fetch_status(self) -> VenueStatus:
        return await self._log.call("fetch_status", "", _PUBLIC, self.inner.fetch_status)

    async def fetch_public_trades(self, symbol: str, *, limit: int) -> list[PublicTrade]:
        return await self._log.call(
            "fetch_trades",
            symbol,
            _PUBLIC,
            lambda: self.inner.fetch_public_trades(symbol, limit=limit),
        )

    async def fetch_trading_fee(self, symbol: str) -> TradingFee:
        return await self._log.call(
            "fetch_trading_fee", symbol, _PRIVATE, lambda: self.inner.fetch_trading_fee(symbol)
        )

    async def fetch_key_permissions(self) -> KeyPermissions | None:
        return await self._log.call(
            "fetch_key_permissions", "", _PRIVATE, self.inner.fetch_key_permissions
        )

    async def fetch_published_rules(self, symbol: str) -> PublishedRules:
        return await self._log.call(
            "fetch_published_rules",
            symbol,
            _PUBLIC,
            lambda: self.inner.fetch_published_rules(symbol),
        )

    async def fetch_book_sequence(self, symbol: str, limit: int) -> BookSequence:
        return await self._log.call(
            "fetch_book_sequence",
            symbol,
            _PUBLIC,
            lambda: self.inner.fetch_book_sequence(symbol, limit),
        )

    async def fetch_closed_orders(
        self, symbol: str, *, since_ms: int | None, limit: int
    ) -> list[VenueOrder]:
        return await self._log.call(
            "fetch_closed_orders",
            symbol,
            _PRIVATE,
            lambda: self.inner.fetch_closed_orders(symbol, since_ms=since_ms, limit=limit),
        )

    async def create_order_unchecked(self, request: OrderRequest) -> VenueOrder:
        return await self._log.call(
            "create_order_unchecked",
            request.client_order_id,
            CallKind.ORDER_ACK,
            lambda: self.inner.create_order_unchecked(request),
        )

    async def audit_structure(
        self, kind: StructureKind, symbol: str | None, *, skipped: Mapping[str, str]
    ) -> StructureAudit:
        return await self._log.call(
            f"audit_{kind}",
            symbol or "",
            _PRIVATE if kind in _PRIVATE_KINDS else _PUBLIC,
            lambda: self.inner.audit_structure(kind, symbol, skipped=skipped),
        )


_PRIVATE_KINDS = frozenset({"balance", "open_orders", "closed_orders", "my_trades"})
