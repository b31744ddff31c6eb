"""What the suite needs from a venue beyond `ExchangeAdapter`, for `CcxtAdapter` to offer.

ccxt is imported only by `lyrad/exchanges/ccxt_adapter.py`, so these calls belong there; the
suite detects them with `isinstance(adapter, VenueExtras)` and marks the checks that need
them NOT RUN while an adapter lacks them. Error semantics are the adapter's (see
`lyrad.exchanges.adapter`): every call goes through the shared limiter, reads are retried,
failures are translated into `lyrad.domain.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol, runtime_checkable

from lyrad.domain.values import Side
from lyrad.domain.venue import OrderRequest, VenueOrder
from lyrad.validate.model import Json

StructureKind = Literal[
    "market",
    "ticker",
    "order_book",
    "ohlcv",
    "trades",
    "balance",
    "open_orders",
    "closed_orders",
    "my_trades",
]
STRUCTURE_KINDS: tuple[StructureKind, ...] = (
    "market",
    "ticker",
    "order_book",
    "ohlcv",
    "trades",
    "balance",
    "open_orders",
    "closed_orders",
    "my_trades",
)


@dataclass(frozen=True, slots=True)
class VenueDescription:
    """The client's static description of the venue (ccxt `describe()`, `has`, `features`)."""

    exchange_id: str
    library_version: str  # "ccxt 4.5.90"
    has: Mapping[str, bool | None]  # ccxt's "emulated" counts as True
    features: Mapping[str, Json]  # the spot market's `features`, JSON-safe
    post_only: bool  # features.spot.createOrder.timeInForce.PO
    api_urls: tuple[str, ...]  # every REST base URL the client would call
    ws_urls: tuple[str, ...]
    official_hosts: frozenset[str]  # hosts of the unmodified live description
    sandbox_hosts: frozenset[str]
    sandbox: bool
    rate_limit_ms: float  # ccxt's `rateLimit`: ms between requests of cost 1
    recv_window_ms: int | None  # what signed requests carry, if the venue has one
    tls_verify: bool
    proxy: str | None = None


@dataclass(frozen=True, slots=True)
class VenueStatus:
    status: str  # "ok", "maintenance", "shutdown", "error" (ccxt's fetchStatus values)
    updated_ms: int | None = None
    eta_ms: int | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class PublicTrade:
    trade_id: str
    timestamp_ms: int
    side: Side | None
    price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TradingFee:
    maker: Decimal  # rates: 0.001 is 0.1 %
    taker: Decimal
    source: str  # "account" (the key's own tier) or "market" (the published default)


@dataclass(frozen=True, slots=True)
class KeyPermissions:
    """What the API key may do, as the venue reports it (Binance apiRestrictions)."""

    ip_restricted: bool | None
    withdrawals: bool | None
    reading: bool | None = None
    spot_trading: bool | None = None
    margin: bool | None = None
    futures: bool | None = None
    options: bool | None = None
    internal_transfer: bool | None = None
    universal_transfer: bool | None = None
    created_ms: int | None = None
    trading_expires_ms: int | None = None  # Binance tradingAuthorityExpirationTime


@dataclass(frozen=True, slots=True)
class PublishedLimit:
    """One rate limit the venue publishes (Binance exchangeInfo.rateLimits)."""

    counts: Literal["weight", "orders", "requests"]
    interval_s: int
    limit: int


@dataclass(frozen=True, slots=True)
class PriceBand:
    """Multipliers of the reference price between which orders are accepted, per side."""

    bid_down: Decimal
    bid_up: Decimal
    ask_down: Decimal
    ask_up: Decimal


@dataclass(frozen=True, slots=True)
class PublishedRules:
    rate_limits: tuple[PublishedLimit, ...]
    price_band: PriceBand | None = None


@dataclass(frozen=True, slots=True)
class BookSequence:
    """What orders successive books in time: the venue's nonce and/or timestamp."""

    nonce: int | None
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class ResponseInfo:
    """The last HTTP answer this adapter received (rate-limit headers live here)."""

    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StructureAudit:
    """ccxt's own structure validator (`ccxt/test/exchange/base/test_<kind>.py`) on a fetch."""

    kind: StructureKind
    items: int  # structures validated
    problems: tuple[str, ...]  # the validator's assertion messages; empty when all pass


@runtime_checkable
class VenueExtras(Protocol):
    """The calls the validation suite needs and `ExchangeAdapter` does not offer."""

    def describe(self) -> VenueDescription:
        """Static: capabilities, URLs, TLS, ccxt's rateLimit and recvWindow."""
        ...

    async def fetch_status(self) -> VenueStatus: ...

    async def fetch_public_trades(self, symbol: str, *, limit: int) -> list[PublicTrade]: ...

    async def fetch_trading_fee(self, symbol: str) -> TradingFee:
        """The account's fee rates for `symbol` (signed where the venue needs it)."""
        ...

    async def fetch_key_permissions(self) -> KeyPermissions | None:
        """The key's permissions; None when the venue cannot tell."""
        ...

    async def fetch_published_rules(self, symbol: str) -> PublishedRules:
        """The venue's published rate limits and the symbol's price band."""
        ...

    async def fetch_book_sequence(self, symbol: str, limit: int) -> BookSequence:
        """A fresh book's nonce and timestamp (ccxt's `nonce`, `timestamp`)."""
        ...

    async def fetch_closed_orders(
        self, symbol: str, *, since_ms: int | None, limit: int
    ) -> list[VenueOrder]: ...

    async def create_order_unchecked(self, request: OrderRequest) -> VenueOrder:
        """`create_order` without the local rounding and limit checks (to provoke the venue's)."""
        ...

    def last_response(self) -> ResponseInfo:
        """Status and headers of the most recent answer (the suite runs one call at a time)."""
        ...

    async def audit_structure(
        self, kind: StructureKind, symbol: str | None, *, skipped: Mapping[str, str]
    ) -> StructureAudit:
        """Fetch `kind` and run ccxt's validator on it; `skipped` are tolerated properties."""
        ...


EXTRA_CALLS: tuple[str, ...] = (
    "describe",
    "fetch_status",
    "fetch_public_trades",
    "fetch_trading_fee",
    "fetch_key_permissions",
    "fetch_published_rules",
    "fetch_book_sequence",
    "fetch_closed_orders",
    "create_order_unchecked",
    "last_response",
    "audit_structure",
)


def offers_extras(adapter: object) -> bool:
    """Whether an adapter (or its class) has every VenueExtras call."""
    return all(callable(getattr(adapter, name, None)) for name in EXTRA_CALLS)
