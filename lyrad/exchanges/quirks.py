"""What differs between venues, as data: request weights, rate-limit windows, ccxt options.

A new venue is a new `VenueQuirks` value, never a subclass of the adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal


class Endpoint(StrEnum):
    """The adapter's calls; also the `endpoint` label of the venue metrics."""

    LOAD_MARKETS = "load_markets"
    FETCH_TIME = "fetch_time"
    CREATE_ORDER = "create_order"
    CANCEL_ORDER = "cancel_order"
    FETCH_ORDER = "fetch_order"
    FETCH_OPEN_ORDERS = "fetch_open_orders"
    FETCH_MY_TRADES = "fetch_my_trades"
    FETCH_BALANCES = "fetch_balances"
    FETCH_TICKER = "fetch_ticker"
    FETCH_ORDER_BOOK = "fetch_order_book"
    FETCH_OHLCV = "fetch_ohlcv"

    @property
    def is_write(self) -> bool:
        """Changes state on the venue: never retried, ambiguous when the answer is lost."""
        return self in (Endpoint.CREATE_ORDER, Endpoint.CANCEL_ORDER)


@dataclass(frozen=True, slots=True)
class EndpointWeight:
    """The venue's request weight of one call, which may depend on the symbol and the limit."""

    weight: int
    without_symbol: int | None = None  # the weight when the call covers every symbol
    by_limit: tuple[tuple[int, int], ...] = ()  # (largest limit, weight), ascending

    def of(self, *, has_symbol: bool = True, limit: int | None = None) -> int:
        if not has_symbol and self.without_symbol is not None:
            return self.without_symbol
        if limit is not None and self.by_limit:
            for largest, weight in self.by_limit:
                if limit <= largest:
                    return weight
            return self.by_limit[-1][1]
        return self.weight


@dataclass(frozen=True, slots=True)
class RateLimitWindow:
    """One of the venue's fixed windows, aligned on multiples of its interval in venue time."""

    name: str
    counts: Literal["weight", "orders"]
    interval_s: int
    limit: int
    header: str | None = None  # response header with the venue's count in the current window


@dataclass(frozen=True, slots=True)
class VenueQuirks:
    exchange_id: str  # ccxt's id
    weights: Mapping[Endpoint, EndpointWeight]
    windows: tuple[RateLimitWindow, ...]
    ccxt_options: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    # ccxt picks some venues' error tables by host name; on any other URL (a sim, a proxy)
    # the tables of this family are merged over the generic ones so codes map the same way.
    url_error_family: str | None = None
    # The answer's `info` key that names the client order id the request was about (Binance's
    # cancel answer carries a fresh `clientOrderId` and ours as `origClientOrderId`).
    original_client_id_key: str | None = None
    balance_params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The key of the raw balance answer that must hold a list of assets: ccxt reads a
    # garbage answer as an empty account, which lyrad must not believe.
    balance_list_key: str | None = None
    default_retry_after_s: float = 60.0  # a 429 without Retry-After
    ban_retry_after_s: float = 120.0  # a 418 without Retry-After
    safety: float = 0.8  # share of each window lyrad lets itself use


_BINANCE_WEIGHTS = {
    Endpoint.LOAD_MARKETS: EndpointWeight(20),  # GET /api/v3/exchangeInfo
    Endpoint.FETCH_TIME: EndpointWeight(1),
    Endpoint.CREATE_ORDER: EndpointWeight(1),
    Endpoint.CANCEL_ORDER: EndpointWeight(1),
    Endpoint.FETCH_ORDER: EndpointWeight(4),
    Endpoint.FETCH_OPEN_ORDERS: EndpointWeight(6, without_symbol=80),
    Endpoint.FETCH_MY_TRADES: EndpointWeight(20),
    Endpoint.FETCH_BALANCES: EndpointWeight(20),  # GET /api/v3/account
    Endpoint.FETCH_TICKER: EndpointWeight(2),  # GET /api/v3/ticker/24hr?symbol=
    Endpoint.FETCH_ORDER_BOOK: EndpointWeight(
        5, by_limit=((100, 5), (500, 25), (1000, 50), (5000, 250))
    ),
    Endpoint.FETCH_OHLCV: EndpointWeight(2),  # GET /api/v3/klines, whatever the limit
}

BINANCE = VenueQuirks(
    exchange_id="binance",
    weights=MappingProxyType(_BINANCE_WEIGHTS),
    windows=(
        RateLimitWindow("weight_1m", "weight", 60, 6000, "X-MBX-USED-WEIGHT-1M"),
        RateLimitWindow("orders_10s", "orders", 10, 100, "X-MBX-ORDER-COUNT-10S"),
        RateLimitWindow("orders_1d", "orders", 86_400, 200_000, "X-MBX-ORDER-COUNT-1D"),
    ),
    ccxt_options=MappingProxyType(
        {
            "defaultType": "spot",
            "fetchMarkets": {"types": ["spot"]},
            "fetchCurrencies": False,
            "fetchMargins": False,
            "warnOnFetchOpenOrdersWithoutSymbol": False,
            # FULL: the answer to a new order carries its fills.
            "newOrderRespType": {"market": "FULL", "limit": "FULL"},
        }
    ),
    url_error_family="spot",
    original_client_id_key="origClientOrderId",
    balance_params=MappingProxyType({"omitZeroBalances": "true"}),
    balance_list_key="balances",
)

_KNOWN: Mapping[str, VenueQuirks] = MappingProxyType({BINANCE.exchange_id: BINANCE})


def quirks_for(exchange_id: str) -> VenueQuirks:
    """The quirks of a supported exchange; KeyError names the ones there are."""
    try:
        return _KNOWN[exchange_id]
    except KeyError:
        raise KeyError(f"no venue quirks for {exchange_id!r}; known: {sorted(_KNOWN)}") from None
