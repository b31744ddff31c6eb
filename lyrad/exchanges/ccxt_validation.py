"""CcxtAdapter plus what the readiness suite (`lyrad validate`) asks of a venue.

The extra calls go through the adapter's own request path (limiter, retries, error
translation, metrics). ccxt's own structure validators come through `ccxt_validator`, so
ccxt is still imported by `ccxt_adapter.py` alone.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from importlib.metadata import version
from typing import Any
from urllib.parse import urlsplit

from lyrad.domain.errors import BadVenueResponse
from lyrad.domain.values import Side
from lyrad.domain.venue import OrderRequest, VenueOrder
from lyrad.exchanges import ccxt_calls as calls
from lyrad.exchanges import probe as probe_module
from lyrad.exchanges.ccxt_adapter import CcxtAdapter, ccxt_validator
from lyrad.exchanges.quirks import Endpoint
from lyrad.validate.venue_extras import (
    BookSequence,
    KeyPermissions,
    PriceBand,
    PublicTrade,
    PublishedLimit,
    PublishedRules,
    ResponseInfo,
    StructureAudit,
    StructureKind,
    TradingFee,
    VenueDescription,
    VenueStatus,
)

_INTERVALS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400}
_COUNTS = {"REQUEST_WEIGHT": "weight", "ORDERS": "orders", "RAW_REQUESTS": "requests"}


def _decimal(value: object) -> Decimal:
    if value is None or isinstance(value, bool):
        raise BadVenueResponse("test", f"not a number: {value!r}")
    return Decimal(str(value))


def _json_safe(value: object) -> Any:
    return json.loads(json.dumps(value, default=str))


def _urls(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [u for v in value.values() for u in _urls(v)]
    return []


def _run(name: str, *args: Any) -> None:
    """ccxt's validator `name` (module and function share it) on one unified structure."""
    getattr(ccxt_validator(name), name)(*args)


class ValidatingCcxtAdapter(CcxtAdapter):
    """CcxtAdapter plus the calls `lyrad validate` needs (`VenueExtras`)."""

    _last = ResponseInfo(None, {})

    # --- the wire: remember the last answer's status and headers -------------------------

    async def _send(self, endpoint: Endpoint, send: Any, weight: int, orders: int) -> Any:
        async def capture(exchange: Any) -> Any:
            try:
                return await send(exchange)
            finally:
                probe = probe_module._current.get()
                if probe is not None:
                    self._last = ResponseInfo(probe.status, dict(probe.headers))

        return await super()._send(endpoint, capture, weight, orders)

    def last_response(self) -> ResponseInfo:
        return self._last

    async def _raw(
        self, endpoint: Endpoint, call: Callable[[Any], Awaitable[Any]], weight: int = 1
    ) -> Any:
        return await self._read(endpoint, call, lambda raw: raw, weight=weight)

    # --- static description --------------------------------------------------------------

    def describe(self) -> VenueDescription:
        ex = self._exchange
        pristine = type(ex)().describe()
        has: dict[str, bool | None] = {
            str(k): (v if v is None or isinstance(v, bool) else v == "emulated")
            for k, v in ex.has.items()
            if v is None or isinstance(v, bool | str)
        }
        spot = _json_safe(ex.features.get("spot", {}))
        tif = spot.get("createOrder", {}).get("timeInForce", {}) if isinstance(spot, dict) else {}
        return VenueDescription(
            exchange_id=ex.id,
            library_version=f"ccxt {version('ccxt')}",
            has=has,
            features=spot,
            post_only=bool(tif.get("PO")),
            api_urls=tuple(sorted(set(_urls(ex.urls.get("api"))))),
            ws_urls=(),
            official_hosts=frozenset(
                urlsplit(u).hostname or "" for u in _urls(pristine["urls"]["api"])
            ),
            sandbox_hosts=frozenset(
                urlsplit(u).hostname or "" for u in _urls(pristine["urls"].get("test", {}))
            ),
            sandbox=False,
            rate_limit_ms=float(ex.rateLimit),
            recv_window_ms=ex.options.get("recvWindow"),
            tls_verify=bool(getattr(ex, "verify", True)),
            proxy=ex.httpProxy or ex.httpsProxy or ex.socksProxy or None,
        )

    # --- reads -----------------------------------------------------------------------------

    async def fetch_status(self) -> VenueStatus:
        raw = await self._raw(Endpoint.FETCH_TIME, lambda ex: ex.fetch_status())
        return VenueStatus(str(raw.get("status")), raw.get("updated"), raw.get("eta"))

    async def fetch_public_trades(self, symbol: str, *, limit: int) -> list[PublicTrade]:
        raw = await self._raw(
            Endpoint.FETCH_TICKER, lambda ex: ex.fetch_trades(symbol, None, limit), 25
        )
        sides = {"buy": Side.BUY, "sell": Side.SELL}
        return [
            PublicTrade(
                str(t["id"]),
                int(t["timestamp"]),
                sides.get(t.get("side") or ""),
                _decimal(t["price"]),
                _decimal(t["amount"]),
            )
            for t in raw
        ]

    async def fetch_trading_fee(self, symbol: str) -> TradingFee:
        raw = await self._raw(Endpoint.FETCH_BALANCES, lambda ex: ex.fetch_trading_fee(symbol))
        return TradingFee(_decimal(raw["maker"]), _decimal(raw["taker"]), "account")

    async def fetch_key_permissions(self) -> KeyPermissions | None:
        raw = await self._raw(
            Endpoint.FETCH_BALANCES, lambda ex: ex.sapi_get_account_apirestrictions()
        )
        return KeyPermissions(
            ip_restricted=raw.get("ipRestrict"),
            withdrawals=raw.get("enableWithdrawals"),
            reading=raw.get("enableReading"),
            spot_trading=raw.get("enableSpotAndMarginTrading"),
            margin=raw.get("enableMargin"),
            futures=raw.get("enableFutures"),
            options=raw.get("enableVanillaOptions"),
            internal_transfer=raw.get("enableInternalTransfer"),
            universal_transfer=raw.get("permitsUniversalTransfer"),
            created_ms=raw.get("createTime"),
            trading_expires_ms=raw.get("tradingAuthorityExpirationTime"),
        )

    async def fetch_published_rules(self, symbol: str) -> PublishedRules:
        market_id = self.market(symbol).venue_symbol
        raw = await self._raw(
            Endpoint.LOAD_MARKETS,
            lambda ex: ex.public_get_exchangeinfo({"symbol": market_id}),
            20,
        )
        limits = tuple(
            PublishedLimit(
                _COUNTS.get(r["rateLimitType"], "requests"),  # type: ignore[arg-type]
                _INTERVALS[r["interval"]] * int(r["intervalNum"]),
                int(r["limit"]),
            )
            for r in raw.get("rateLimits", [])
        )
        band = None
        for entry in raw.get("symbols", []):
            for f in entry.get("filters", []):
                if f.get("filterType") == "PERCENT_PRICE_BY_SIDE":
                    band = PriceBand(
                        _decimal(f["bidMultiplierDown"]),
                        _decimal(f["bidMultiplierUp"]),
                        _decimal(f["askMultiplierDown"]),
                        _decimal(f["askMultiplierUp"]),
                    )
        return PublishedRules(limits, band)

    async def fetch_book_sequence(self, symbol: str, limit: int) -> BookSequence:
        raw = await self._raw(
            Endpoint.FETCH_ORDER_BOOK, lambda ex: ex.fetch_order_book(symbol, limit), 5
        )
        return BookSequence(raw.get("nonce"), raw.get("timestamp"))

    async def fetch_closed_orders(
        self, symbol: str, *, since_ms: int | None, limit: int
    ) -> list[VenueOrder]:
        raw = await self._raw(
            Endpoint.FETCH_OPEN_ORDERS,
            lambda ex: ex.fetch_closed_orders(symbol, since_ms, limit),
            20,
        )
        return [self._parse_order(item) for item in raw]

    # --- the order the suite wants refused by the venue itself -----------------------------

    async def create_order_unchecked(self, request: OrderRequest) -> VenueOrder:
        if not self._markets:
            await self.load_markets()
        params = calls.order_params(request)
        price = calls.wire(request.price) if request.price is not None else None
        amount = calls.wire(request.amount)

        def send(ex: Any) -> Awaitable[Any]:
            sent: Awaitable[Any] = ex.create_order(
                request.symbol, request.type.value, request.side.value, amount, price, params
            )
            return sent

        return await self._request(
            Endpoint.CREATE_ORDER,
            send,
            lambda raw: calls.check_answer(
                self._venue,
                self._parse_order(raw, fills_are_taker=True),
                request.symbol,
                request.client_order_id,
            ),
            weight=1,
            orders=1,
        )

    # --- ccxt's own validators -----------------------------------------------------------

    async def audit_structure(
        self, kind: StructureKind, symbol: str | None, *, skipped: Mapping[str, str]
    ) -> StructureAudit:
        skip = {key.split(".", 1)[1]: True for key in skipped if "." in key}
        ex = self._exchange
        now = ex.milliseconds()
        entries, check = await self._audit_input(kind, symbol)
        problems = []
        for entry in entries:
            try:
                check(ex, skip, entry, symbol, now)
            except AssertionError as e:
                problems.append(str(e).splitlines()[0][:300])
        return StructureAudit(kind, len(entries), tuple(problems))

    async def _audit_input(
        self, kind: StructureKind, symbol: str | None
    ) -> tuple[list[Any], Callable[..., None]]:
        s = symbol or ""
        fetch: dict[str, tuple[Endpoint, Callable[[Any], Awaitable[Any]], Callable[..., None]]] = {
            "ticker": (
                Endpoint.FETCH_TICKER,
                lambda ex: ex.fetch_ticker(s),
                lambda ex, k, e, sym, now: _run("test_ticker", ex, k, "fetchTicker", e, sym),
            ),
            "order_book": (
                Endpoint.FETCH_ORDER_BOOK,
                lambda ex: ex.fetch_order_book(s, 20),
                lambda ex, k, e, sym, now: _run("test_order_book", ex, k, "fetchOrderBook", e, sym),
            ),
            "ohlcv": (
                Endpoint.FETCH_TICKER,
                lambda ex: ex.fetch_ohlcv(s, "1m", None, 50),
                lambda ex, k, e, sym, now: _run("test_ohlcv", ex, k, "fetchOHLCV", e, sym, now),
            ),
            "trades": (
                Endpoint.FETCH_TICKER,
                lambda ex: ex.fetch_trades(s, None, 50),
                lambda ex, k, e, sym, now: _run(
                    "test_trade", ex, k, "fetchTrades", e, sym, now, True
                ),
            ),
            "balance": (
                Endpoint.FETCH_BALANCES,
                lambda ex: ex.fetch_balance(),
                lambda ex, k, e, sym, now: _run("test_balance", ex, k, "fetchBalance", e),
            ),
            "open_orders": (
                Endpoint.FETCH_OPEN_ORDERS,
                lambda ex: ex.fetch_open_orders(s),
                lambda ex, k, e, sym, now: _run(
                    "test_order", ex, k, "fetchOpenOrders", e, sym, now
                ),
            ),
            "closed_orders": (
                Endpoint.FETCH_OPEN_ORDERS,
                lambda ex: ex.fetch_closed_orders(s),
                lambda ex, k, e, sym, now: _run(
                    "test_order", ex, k, "fetchClosedOrders", e, sym, now
                ),
            ),
            "my_trades": (
                Endpoint.FETCH_MY_TRADES,
                lambda ex: ex.fetch_my_trades(s),
                lambda ex, k, e, sym, now: _run(
                    "test_trade", ex, k, "fetchMyTrades", e, sym, now, False
                ),
            ),
        }
        if kind == "market":
            market = self._exchange.markets[s]
            return [market], lambda ex, k, e, sym, now: _run("test_market", ex, k, "loadMarkets", e)
        endpoint, call, check = fetch[kind]
        raw = await self._raw(endpoint, call, 20)
        entries = raw if isinstance(raw, list) else [raw]
        return entries, check
