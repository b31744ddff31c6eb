"""The ExchangeAdapter over ccxt: the only module in lyrad that imports ccxt.

ccxt runs in its string-number mode so that prices and sizes reach lyrad as the venue's exact
text (then `Decimal`); its own throttle is off (the shared WeightedRateLimiter replaces it);
it uses the adapter's one aiohttp session, whose trace tells what the wire saw of each request.
Every ccxt exception is translated by `lyrad.exchanges.errors` and raised `from` the original,
whose text is scrubbed of URLs' query strings and signatures first.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import random
import ssl
import sys
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar

import aiohttp
import ccxt.async_support as ccxt_async
import structlog
from ccxt.base.decimal_to_precision import DECIMAL_PLACES, TICK_SIZE
from ccxt.base.errors import BaseError as CcxtError

from lyrad.domain.errors import (
    AmbiguousOutcome,
    BadVenueResponse,
    OrderRejected,
    RateLimited,
    VenueError,
    VenueFatal,
)
from lyrad.domain.values import Balance, Fill, Market
from lyrad.domain.venue import Candle, OrderBook, OrderRequest, Ticker, VenueOrder
from lyrad.exchanges import ccxt_calls as calls
from lyrad.exchanges import ccxt_parsing as parsing
from lyrad.exchanges.clock import Clock
from lyrad.exchanges.errors import Disposition, Failure, disposition_of, outcome_of, scrub
from lyrad.exchanges.errors import translate as translate_failure
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.order_rules import conform
from lyrad.exchanges.probe import RequestProbe, probed_session, probing
from lyrad.exchanges.quirks import Endpoint, VenueQuirks, quirks_for
from lyrad.exchanges.rate_limit import Ticket, WeightedRateLimiter
from lyrad.exchanges.retry import RetryPolicy, retry_read

log = structlog.get_logger("lyrad.exchanges.ccxt", component="exchanges")

T = TypeVar("T")
Call = Callable[[Any], Awaitable[Any]]

_PRECISION_MODES = {
    TICK_SIZE: parsing.PrecisionMode.TICK_SIZE,
    DECIMAL_PLACES: parsing.PrecisionMode.DECIMAL_PLACES,
}


# What ccxt raises when an answer is not what its parser expects.
_PARSE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError)


def failure_class_names(error: BaseException) -> tuple[str, ...]:
    """The ccxt classes of `error`, most specific first (what errors.translate reads)."""
    return tuple(c.__name__ for c in type(error).__mro__ if issubclass(c, CcxtError))


class CcxtAdapter:
    """ExchangeAdapter for one account on one ccxt exchange (spot markets only)."""

    def __init__(
        self,
        venue: str,
        exchange_id: str,
        *,
        base_url: str | None,
        api_key: str | None,
        secret: str | None,
        password: str | None,
        timeout_s: float,
        limiter: WeightedRateLimiter,
        metrics: VenueMetrics,
        clock: Clock,
        quirks: VenueQuirks | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        write_queue_timeout_s: float = 2.0,
    ) -> None:
        exchange_class = getattr(ccxt_async, exchange_id, None)
        if not isinstance(exchange_class, type):
            raise ValueError(f"ccxt has no exchange {exchange_id!r}")
        self._venue = venue
        self._quirks = quirks or quirks_for(exchange_id)
        self._limiter = limiter
        self._metrics = metrics
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._write_queue_timeout_s = write_queue_timeout_s
        self._secrets = tuple(s for s in (api_key, secret, password) if s)
        self._exchange: Any = exchange_class(
            {
                "apiKey": api_key,
                "secret": secret,
                "password": password,
                "enableRateLimit": False,
                "timeout": max(1, round(timeout_s * 1000)),
                "number": str,  # exact text for every number ccxt parses with safe_number
                "options": copy.deepcopy(dict(self._quirks.ccxt_options)),
                "session": None,  # ours, made in the running loop at the first request
                "timeout_on_exit": 0,
            }
        )
        if base_url is not None:
            self._route_to(base_url)
        self._session: aiohttp.ClientSession | None = None
        self._markets: Mapping[str, Market] = MappingProxyType({})
        self._closed = False
        self._resync_due = False
        metrics.register_venue(venue)

    def _route_to(self, base_url: str) -> None:
        exchange = self._exchange
        exchange.urls["api"] = calls.rewrite_urls(exchange.urls["api"], base_url)
        family_name = self._quirks.url_error_family
        if family_name is None:
            return
        family = exchange.exceptions.get(family_name, {})
        for kind in ("exact", "broad"):
            exchange.exceptions[kind] = {**exchange.exceptions[kind], **family.get(kind, {})}

    @property
    def venue(self) -> str:
        return self._venue

    async def __aenter__(self) -> CcxtAdapter:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._exchange.close()
        finally:
            if self._session is not None:
                await self._session.close()

    # --- markets ------------------------------------------------------------------------

    async def load_markets(self) -> Mapping[str, Market]:
        mode = _PRECISION_MODES.get(self._exchange.precisionMode)
        if mode is None:
            raise VenueFatal(
                self._venue, f"unsupported precision mode {self._exchange.precisionMode}"
            )

        def parse(raw: object) -> Mapping[str, Market]:
            if not isinstance(raw, Mapping):
                raise BadVenueResponse(self._venue, "markets: expected an object")
            return MappingProxyType(parsing.index_markets(self._venue, raw, mode))

        self._markets = await self._read(
            Endpoint.LOAD_MARKETS,
            lambda ex: ex.load_markets(True),
            parse,
            weight=self._weight(Endpoint.LOAD_MARKETS),
        )
        await self._sync_time()
        return self._markets

    def market(self, symbol: str) -> Market:
        if not self._markets:
            raise VenueFatal(self._venue, "markets are not loaded")
        market = self._markets.get(symbol)
        if market is None:
            raise OrderRejected(self._venue, f"unknown symbol {symbol}")
        return market

    async def _market(self, symbol: str) -> Market:
        if not self._markets:
            await self.load_markets()
        return self.market(symbol)

    # --- orders -------------------------------------------------------------------------

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        market = await self._market(request.symbol)
        try:
            request = conform(market, request)
        except OrderRejected as error:
            self._metrics.record(self._venue, Endpoint.CREATE_ORDER, "refused_locally", None)
            log.info(
                "order_refused_locally",
                venue=self._venue,
                client_order_id=request.client_order_id,
                reason=error.reason,
            )
            raise
        params = calls.order_params(request)
        price = calls.wire(request.price) if request.price is not None else None
        amount = calls.wire(request.amount)

        def send(ex: Any) -> Awaitable[Any]:
            sent: Awaitable[Any] = ex.create_order(
                request.symbol, request.type.value, request.side.value, amount, price, params
            )
            return sent

        def parse(raw: object) -> VenueOrder:
            order = self._parse_order(raw, fills_are_taker=True)
            return calls.check_answer(self._venue, order, request.symbol, request.client_order_id)

        return await self._request(
            Endpoint.CREATE_ORDER, send, parse, weight=self._weight(Endpoint.CREATE_ORDER), orders=1
        )

    async def cancel_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        await self._market(symbol)
        params = calls.id_params(client_order_id, venue_order_id)

        def parse(raw: object) -> VenueOrder:
            return calls.check_answer(self._venue, self._parse_order(raw), symbol, client_order_id)

        return await self._request(
            Endpoint.CANCEL_ORDER,
            lambda ex: ex.cancel_order(venue_order_id, symbol, params),
            parse,
            weight=self._weight(Endpoint.CANCEL_ORDER),
        )

    async def fetch_order(
        self, symbol: str, *, client_order_id: str | None = None, venue_order_id: str | None = None
    ) -> VenueOrder:
        await self._market(symbol)
        params = calls.id_params(client_order_id, venue_order_id)

        def parse(raw: object) -> VenueOrder:
            return calls.check_answer(self._venue, self._parse_order(raw), symbol, client_order_id)

        return await self._read(
            Endpoint.FETCH_ORDER,
            lambda ex: ex.fetch_order(venue_order_id, symbol, params),
            parse,
            weight=self._weight(Endpoint.FETCH_ORDER),
        )

    async def fetch_open_orders(self, symbol: str | None = None) -> list[VenueOrder]:
        if symbol is not None:
            await self._market(symbol)

        def parse(raw: object) -> list[VenueOrder]:
            orders = []
            for item in calls.as_list(self._venue, raw, "open orders"):
                try:
                    orders.append(self._parse_order(item))
                except parsing.UnsupportedOrderType as error:
                    log.warning("foreign_order_ignored", venue=self._venue, reason=error.reason)
            return orders

        weight = self._quirks.weights[Endpoint.FETCH_OPEN_ORDERS].of(has_symbol=symbol is not None)
        return await self._read(
            Endpoint.FETCH_OPEN_ORDERS,
            lambda ex: ex.fetch_open_orders(symbol),
            parse,
            weight=weight,
        )

    async def fetch_my_trades(
        self, symbol: str, *, since_ms: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        await self._market(symbol)

        def parse(raw: object) -> list[Fill]:
            return [
                parsing.parse_trade(self._venue, item)
                for item in calls.as_list(self._venue, raw, "trades")
            ]

        return await self._read(
            Endpoint.FETCH_MY_TRADES,
            lambda ex: ex.fetch_my_trades(symbol, since_ms, limit),
            parse,
            weight=self._weight(Endpoint.FETCH_MY_TRADES),
        )

    # --- account and market data ---------------------------------------------------------

    async def fetch_balances(self) -> list[Balance]:
        params = dict(self._quirks.balance_params)
        return await self._read(
            Endpoint.FETCH_BALANCES,
            lambda ex: ex.fetch_balance(params),
            lambda raw: parsing.parse_balances(
                self._venue, raw, list_key=self._quirks.balance_list_key
            ),
            weight=self._weight(Endpoint.FETCH_BALANCES),
        )

    async def fetch_ticker(self, symbol: str) -> Ticker:
        await self._market(symbol)
        return await self._read(
            Endpoint.FETCH_TICKER,
            lambda ex: ex.fetch_ticker(symbol),
            lambda raw: parsing.parse_ticker(self._venue, symbol, raw, self._clock.time_ms()),
            weight=self._weight(Endpoint.FETCH_TICKER),
        )

    async def fetch_order_book(self, symbol: str, limit: int) -> OrderBook:
        market = await self._market(symbol)
        weight = self._quirks.weights[Endpoint.FETCH_ORDER_BOOK].of(limit=limit)
        return await self._read(
            Endpoint.FETCH_ORDER_BOOK,
            lambda ex: ex.fetch_order_book(symbol, limit),
            lambda raw: parsing.parse_order_book(self._venue, market, raw, self._clock.time_ms()),
            weight=weight,
        )

    async def fetch_ohlcv(
        self,
        symbol: str,
        timeframe: str,
        *,
        since_ms: int | None = None,
        limit: int | None = None,
    ) -> list[Candle]:
        await self._market(symbol)
        if timeframe not in (self._exchange.timeframes or {}):
            raise OrderRejected(self._venue, f"no {timeframe!r} candles on this venue")
        return await self._read(
            Endpoint.FETCH_OHLCV,
            lambda ex: ex.fetch_ohlcv(symbol, timeframe, since_ms, limit),
            lambda raw: parsing.parse_candles(self._venue, symbol, raw),
            weight=self._weight(Endpoint.FETCH_OHLCV),
        )

    async def fetch_time(self) -> int:
        def parse(raw: object) -> int:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
                raise BadVenueResponse(self._venue, f"time: expected milliseconds, got {raw!r}")
            return raw

        return await self._read(
            Endpoint.FETCH_TIME,
            lambda ex: ex.fetch_time(),
            parse,
            weight=self._weight(Endpoint.FETCH_TIME),
        )

    async def _sync_time(self) -> None:
        """Align ccxt's request timestamps and the limiter's windows with the venue's clock."""
        before, ccxt_before = self._clock.time_ms(), self._exchange.milliseconds()
        server = await self.fetch_time()
        after, ccxt_after = self._clock.time_ms(), self._exchange.milliseconds()
        self._limiter.set_clock_offset_ms(server - (before + after) // 2)
        self._exchange.options["timeDifference"] = (ccxt_before + ccxt_after) // 2 - server

    # --- the request path ----------------------------------------------------------------

    def _weight(self, endpoint: Endpoint) -> int:
        return self._quirks.weights[endpoint].of()

    async def _read(
        self, endpoint: Endpoint, send: Call, parse: Callable[[Any], T], *, weight: int
    ) -> T:
        return await retry_read(
            lambda: self._request(endpoint, send, parse, weight=weight),
            policy=self._retry,
            sleep=self._clock.sleep,
            rng=self._rng,
            what=endpoint.value,
        )

    async def _request(
        self,
        endpoint: Endpoint,
        send: Call,
        parse: Callable[[Any], T],
        *,
        weight: int,
        orders: int = 0,
    ) -> T:
        """One request: limiter, ccxt, translation, parsing; counted by outcome."""
        try:
            raw = await self._send(endpoint, send, weight, orders)
            value = parse(raw)
        except VenueError as error:
            self._record_failure(endpoint, error)
            raise
        self._metrics.series(self._venue, endpoint).ok.inc()
        return value

    async def _send(self, endpoint: Endpoint, send: Call, weight: int, orders: int) -> Any:
        if self._closed:
            raise VenueFatal(self._venue, "the adapter is closed")
        exchange = self._open()
        if self._resync_due and endpoint is not Endpoint.FETCH_TIME:
            self._resync_due = False
            await self._resync_time()
        ticket = await self._admit(endpoint, weight, orders)
        started = self._clock.monotonic()
        with probing() as probe:
            try:
                raw = await send(exchange)
            except CcxtError as e:
                raise self._failed(endpoint, e, probe, ticket) from e
            except _PARSE_ERRORS as e:
                if probe.status is None:
                    raise  # not about an answer: a fault on our side
                # ccxt choked on an answer it could not parse.
                self._limiter.observe(ticket, probe.status, probe.headers)
                raise BadVenueResponse(
                    self._venue, f"unparseable answer ({type(e).__name__})"
                ) from e
            finally:
                self._metrics.series(self._venue, endpoint).seconds.observe(
                    self._clock.monotonic() - started
                )
        self._limiter.observe(ticket, probe.status, probe.headers)
        return raw

    async def _admit(self, endpoint: Endpoint, weight: int, orders: int) -> Ticket:
        admitted = self._limiter.try_acquire(weight, orders=orders)
        if admitted is not None:
            return admitted  # the common case: no queue, no timer
        # A write held back too long is refused as certainly unsent, rather than left to the
        # caller's own timeout, after which nobody could tell whether it had been sent.
        if not endpoint.is_write:
            return await self._limiter.acquire(weight, orders=orders)
        try:
            async with asyncio.timeout(self._write_queue_timeout_s):
                return await self._limiter.acquire(weight, orders=orders)
        except TimeoutError:
            wait = max(self._limiter.paused_for_s(), self._write_queue_timeout_s)
            raise RateLimited(self._venue, "held back by lyrad's rate limiter", wait) from None

    def _failed(
        self, endpoint: Endpoint, e: CcxtError, probe: RequestProbe, ticket: Ticket
    ) -> VenueError:
        e.args = tuple(scrub(str(arg), self._secrets) for arg in e.args)
        retry_after = self._limiter.observe(ticket, probe.status, probe.headers)
        names = failure_class_names(e)
        message = str(e).removeprefix(f"{self._exchange.id} ")  # ccxt's "binance ..." prefix
        failure = Failure(names, message, probe.sent, probe.status, retry_after)
        error = translate_failure(
            self._venue,
            failure,
            write=endpoint.is_write,
            default_retry_after_s=self._quirks.default_retry_after_s,
        )
        if disposition_of(names) is Disposition.CLOCK:
            self._resync_due = True  # before the next request, whoever makes it
        return error

    async def _resync_time(self) -> None:
        try:
            await self._sync_time()
        except VenueError as error:
            log.warning("venue_time_sync_failed", venue=self._venue, error=str(error))

    def _open(self) -> Any:
        if self._session is None:
            context = ssl.create_default_context(cafile=self._exchange.cafile)
            self._session = probed_session(aiohttp.TCPConnector(ssl=context))
            self._exchange.session = self._session
        return self._exchange

    def _record_failure(self, endpoint: Endpoint, error: VenueError) -> None:
        outcome = outcome_of(error)
        self._metrics.record(self._venue, endpoint, outcome, None)
        fields = {"venue": self._venue, "call": endpoint.value, "reason": error.reason}
        if isinstance(error, BadVenueResponse):
            log.error("venue_bad_response", **fields)
        elif isinstance(error, AmbiguousOutcome):
            log.warning("venue_outcome_ambiguous", **fields)
        else:
            log.info("venue_request_failed", outcome=outcome, **fields)

    # --- answers ------------------------------------------------------------------------

    def _parse_order(self, raw: object, *, fills_are_taker: bool = False) -> VenueOrder:
        return parsing.parse_order(
            self._venue,
            raw,
            original_client_id_key=self._quirks.original_client_id_key,
            fills_are_taker=fills_are_taker,
        )


def ccxt_validator(name: str) -> Any:
    """ccxt's own structure validator module `name` (`test_ticker`, ...), for the readiness
    suite. Importing ccxt's test tree appends to sys.path; that is undone."""
    saved = list(sys.path)
    try:
        return importlib.import_module(f"ccxt.test.exchange.base.{name}")
    finally:
        sys.path[:] = saved
